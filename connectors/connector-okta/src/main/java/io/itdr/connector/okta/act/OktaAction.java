package io.itdr.connector.okta.act;

import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;

/**
 * One containment action on Okta: how to plan it, read the state it touches, make the plan's
 * post-state and (when reversible) bring back its pre-state. {@link OktaActionExecutor} owns the
 * lifecycle (idempotency, drift, verification); an action only knows its platform calls.
 * Implementations are stateless and thread-safe.
 */
interface OktaAction extends PlannedAction {

    /** The name plans carry in their {@value RungDispatch#ACTION} detail, so the executor finds the action again. */
    String name();
}

package io.itdr.connector.okta.act;

import io.itdr.connector.support.StateAction;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;

/**
 * One containment action on Okta: how to plan it, read the state it touches, make the plan's
 * post-state and (when reversible) bring back its pre-state. {@link OktaActionExecutor} owns the
 * lifecycle (idempotency, drift, verification); an action only knows its platform calls.
 * Implementations are stateless and thread-safe.
 */
interface OktaAction extends StateAction {

    /** The name plans carry in their {@code action} detail, so the executor finds the action again. */
    String name();

    /** Reads the current state and works out the plan; makes no mutating call. */
    ActionPlan plan(ActionRequest request);
}

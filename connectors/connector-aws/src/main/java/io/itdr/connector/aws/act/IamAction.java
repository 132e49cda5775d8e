package io.itdr.connector.aws.act;

import io.itdr.connector.support.StateAction;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;

/**
 * One reversible IAM action: how to plan it, read the state it touches, make the plan's
 * post-state and bring back its pre-state. The executor owns the lifecycle (idempotency, drift,
 * verification); an action only knows its platform calls. Implementations are stateless.
 */
interface IamAction extends StateAction {

    /** Reads the current state and works out the plan; makes no mutating call. */
    ActionPlan plan(ActionRequest request);
}

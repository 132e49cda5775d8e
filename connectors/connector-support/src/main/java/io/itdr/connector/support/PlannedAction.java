package io.itdr.connector.support;

import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;

/**
 * One containment action on a platform, whole: how to plan it, read the state it touches, make the
 * plan's post-state and (when reversible) bring back its pre-state. A {@link RungDispatch} picks it
 * for a request and finds it again for the plan; {@link SnapshotActionExecutor} owns the lifecycle
 * (idempotency, drift, verification), so an action only knows its platform calls.
 *
 * <p>Implementations are stateless and thread-safe. Failures leave as
 * {@link io.itdr.spi.ConnectorException}.
 */
public interface PlannedAction extends StateAction {

    /**
     * Reads the current state and works out the plan; makes no mutating call.
     *
     * @param request never null
     * @return the plan, made under the connector's id; never null
     */
    ActionPlan plan(ActionRequest request);
}

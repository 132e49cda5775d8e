package io.itdr.connector.aws.act;

import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Snapshot;
import java.util.List;

/**
 * One reversible IAM action: how to plan it, read the state it touches, make the plan's
 * post-state and bring back its pre-state. The executor owns the lifecycle (idempotency, drift,
 * verification); an action only knows its platform calls. Implementations are stateless.
 */
interface IamAction {

    /** Reads the current state and works out the plan; makes no mutating call. */
    ActionPlan plan(ActionRequest request);

    /** The current state of what the plan touches, under the same keys as its snapshots. */
    Snapshot observe(ActionPlan plan);

    /** Makes the plan's post-state; returns the calls made. */
    List<PlatformCall> apply(ActionPlan plan);

    /** Makes the plan's pre-state again; returns the calls made. */
    List<PlatformCall> restore(ActionPlan plan);
}

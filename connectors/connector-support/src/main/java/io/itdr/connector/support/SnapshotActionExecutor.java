package io.itdr.connector.support;

import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import java.util.Map;
import java.util.Objects;

/**
 * An {@link ActionExecutor} made of {@link PlannedAction}s: a {@link RungDispatch} picks the action
 * for a request and finds it again for a plan (refusing rungs not offered and plans this connector
 * did not make), and {@link SnapshotExecution} carries out execute, verify and revert (idempotent
 * execution, verification by reading back, revert only from the post-state unless forced).
 *
 * <p>A connector either uses it as is or extends it to give its executor a name and a constructor
 * taking its platform's clients; every method is final, so the lifecycle stays the one described.
 *
 * <p>Thread-safe when the actions are: the record of applied idempotency keys is synchronized and
 * bounded (the engine reconciles older ones with {@link #verify}).
 */
public class SnapshotActionExecutor implements ActionExecutor {
    /** How many idempotency keys an executor remembers unless told otherwise. */
    public static final int REMEMBERED_KEYS = 10_000;

    private final RungDispatch<? extends PlannedAction> dispatch;
    private final SnapshotExecution execution;

    /**
     * @param dispatch       the rungs and their actions; never null
     * @param rememberedKeys how many idempotency keys to remember; at least 1
     */
    public SnapshotActionExecutor(RungDispatch<? extends PlannedAction> dispatch, int rememberedKeys) {
        this.dispatch = Objects.requireNonNull(dispatch, "dispatch");
        this.execution = new SnapshotExecution(dispatch.connectorId(), rememberedKeys);
    }

    /** Remembers the last {@link #REMEMBERED_KEYS} idempotency keys. */
    public SnapshotActionExecutor(RungDispatch<? extends PlannedAction> dispatch) {
        this(dispatch, REMEMBERED_KEYS);
    }

    @Override
    public final Map<Rung, Reversibility> rungs() {
        return dispatch.rungs();
    }

    @Override
    public final ActionPlan plan(ActionRequest request) {
        return dispatch.forRequest(request).plan(request);
    }

    @Override
    public final ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return execution.execute(dispatch.forPlan(plan), plan, idempotencyKey);
    }

    @Override
    public final Verification verify(ActionPlan plan) {
        return execution.verify(dispatch.forPlan(plan), plan);
    }

    @Override
    public final RevertResult revert(ActionPlan plan, boolean force) {
        return execution.revert(dispatch.forPlan(plan), plan, force);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dispatch.connectorId() + ", " + dispatch.rungs().keySet() + "]";
    }
}

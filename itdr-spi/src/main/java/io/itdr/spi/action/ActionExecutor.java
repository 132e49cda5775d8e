package io.itdr.spi.action;

import java.util.Map;

/**
 * Carries out containment and recovery on a platform, in four separate steps so the engine can
 * record intent first, ask for approval, and undo.
 *
 * <p>Implementations are thread-safe. Actions on different targets may run concurrently; the
 * engine never runs two actions on one target at once.
 *
 * <p>Every method throws {@link io.itdr.spi.ConnectorException}: {@code NOT_SUPPORTED} (the
 * standard error, via {@link io.itdr.spi.ConnectorException#notSupported}) for a rung this
 * connector does not offer; {@code NOT_FOUND} when the target does not exist; retriable codes
 * for throttling and 5xx; {@code TIMEOUT} when the effect of a mutating call is unknown (the
 * engine then reconciles with {@link #verify}, never by executing again with a new key).
 */
public interface ActionExecutor {

    /**
     * The rungs this connector can carry out, each with the reversibility class of the action it
     * maps the rung to on this platform (an irreversible action is declared irreversible here, so
     * the policy can require approval before planning). Never null; observing rungs are never
     * listed. A rung not listed is refused with {@code NOT_SUPPORTED}.
     */
    Map<Rung, Reversibility> rungs();

    /**
     * Works out what carrying out {@code request} would do, reading current state only.
     * Must make no mutating platform call.
     */
    ActionPlan plan(ActionRequest request);

    /**
     * Does what {@code plan} says. Idempotent under {@code idempotencyKey}: a second call with the
     * same key makes no second effect and answers {@code alreadyApplied}. A plan whose target is
     * already in the post-state is also answered {@code alreadyApplied} without a mutating call.
     *
     * @param plan           a plan returned by {@link #plan} of this connector; never null
     * @param idempotencyKey unique per intended action, chosen by the engine; never null
     */
    ExecutionResult execute(ActionPlan plan, String idempotencyKey);

    /** Reads the target's state back and compares it to the plan's post-state. No mutation. */
    Verification verify(ActionPlan plan);

    /**
     * Restores the plan's pre-state.
     *
     * @param plan  the executed plan; never null
     * @param force when false, refuse with {@code DRIFT} if the current state is not the plan's
     *              post-state (someone changed it since); when true (an approver's decision),
     *              restore anyway
     * @throws io.itdr.spi.ConnectorException {@code DRIFT} as above; {@code NOT_SUPPORTED} for an
     *         irreversible plan
     */
    RevertResult revert(ActionPlan plan, boolean force);
}

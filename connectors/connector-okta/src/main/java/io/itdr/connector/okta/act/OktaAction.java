package io.itdr.connector.okta.act;

import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Snapshot;
import java.util.List;

/**
 * One containment action on Okta: how to plan it, read the state it touches, make the plan's
 * post-state and (when reversible) bring back its pre-state. {@link OktaActionExecutor} owns the
 * lifecycle (idempotency, drift, verification); an action only knows its platform calls.
 * Implementations are stateless and thread-safe.
 */
interface OktaAction {

    /** The name plans carry in their {@code action} detail, so the executor finds the action again. */
    String name();

    /** Reads the current state and works out the plan; makes no mutating call. */
    ActionPlan plan(ActionRequest request);

    /** The current state of what the plan touches, under the same keys as its snapshots. */
    Snapshot observe(ActionPlan plan);

    /** Makes the plan's post-state; returns the calls made. */
    List<PlatformCall> apply(ActionPlan plan);

    /** Makes the plan's pre-state again; returns the calls made. Only called for reversible plans. */
    List<PlatformCall> restore(ActionPlan plan);

    /**
     * Whether {@link #observe} sees the whole effect of {@link #apply}, so that a target already in
     * the post-state needs no call. False when Okta cannot show part of it (a user's sessions).
     */
    default boolean observesWholeEffect() {
        return true;
    }
}

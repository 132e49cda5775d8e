package io.itdr.connector.support;

import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Snapshot;
import java.util.List;

/**
 * One platform action whose effect can be read back as a {@link Snapshot}: what
 * {@link SnapshotExecution} needs to make execute idempotent, verify by reading back, and revert
 * only from the post-state. Implementations are thread-safe.
 */
public interface StateAction {

    /** The current state of what the plan touches, under the same keys as its snapshots. */
    Snapshot observe(ActionPlan plan);

    /** Makes the plan's post-state; returns the calls made. */
    List<PlatformCall> apply(ActionPlan plan);

    /** Makes the plan's pre-state again; returns the calls made. Only called for revertible plans. */
    List<PlatformCall> restore(ActionPlan plan);

    /**
     * Whether {@link #observe} sees the whole effect of {@link #apply}, so that a target already in
     * the post-state needs no call. False when the platform cannot show part of it (a user's sessions).
     */
    default boolean observesWholeEffect() {
        return true;
    }
}

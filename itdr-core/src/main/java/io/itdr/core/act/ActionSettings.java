package io.itdr.core.act;

import io.itdr.core.audit.Actors;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the gate and act stages. Immutable.
 *
 * @param approvalTtl how long an approval request stays open; positive
 * @param systemActor who requests actions the policy starts on its own (the requester of every
 *                    automatic action, so no person is barred from approving it); never blank
 */
public record ActionSettings(Duration approvalTtl, String systemActor) {
    public ActionSettings {
        Objects.requireNonNull(approvalTtl, "approvalTtl");
        if (approvalTtl.isZero() || approvalTtl.isNegative()) {
            throw new IllegalArgumentException("approvalTtl must be positive: " + approvalTtl);
        }
        Objects.requireNonNull(systemActor, "systemActor");
        if (systemActor.isBlank()) {
            throw new IllegalArgumentException("systemActor must not be blank");
        }
    }

    /** Approval requests open for 4 hours; automatic actions requested by {@code system}. */
    public static ActionSettings defaults() {
        return new ActionSettings(Duration.ofHours(4), Actors.SYSTEM);
    }
}

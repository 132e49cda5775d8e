package io.itdr.core.decide.policy;

import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.Objects;

/**
 * How long an action of one rung stands before the recovery stage looks at it again. Parsed and
 * exposed here; the recovery stage carries it out. Immutable.
 *
 * @param rung          the rung it applies to; never null, never an observing rung
 * @param expiresAfter  positive; never null
 * @param autoRestore   true: restore from the snapshot on expiry unless a human confirmed the
 *                      action; false: only tell the owner the action expired
 */
public record RecoveryRule(Rung rung, Duration expiresAfter, boolean autoRestore) {
    public RecoveryRule {
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        if (rung.isObserving()) {
            throw new IllegalArgumentException("rung " + rung.policyName() + " changes nothing and has nothing to recover");
        }
        if (expiresAfter.isNegative() || expiresAfter.isZero()) {
            throw new IllegalArgumentException("expiry must be positive: " + expiresAfter);
        }
    }
}

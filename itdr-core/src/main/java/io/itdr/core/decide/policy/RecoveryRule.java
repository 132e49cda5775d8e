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
 * @param keepAtConfidence an action whose finding had at least this confidence is never restored
 *                      automatically: on expiry a person rolls it back or confirms it (a credential
 *                      reported stolen stays disabled); null: no such floor
 */
public record RecoveryRule(Rung rung, Duration expiresAfter, boolean autoRestore, Double keepAtConfidence) {
    public RecoveryRule(Rung rung, Duration expiresAfter, boolean autoRestore) {
        this(rung, expiresAfter, autoRestore, null);
    }

    public RecoveryRule {
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(expiresAfter, "expiresAfter");
        if (rung.isObserving()) {
            throw new IllegalArgumentException("rung " + rung.policyName() + " changes nothing and has nothing to recover");
        }
        if (expiresAfter.isNegative() || expiresAfter.isZero()) {
            throw new IllegalArgumentException("expiry must be positive: " + expiresAfter);
        }
        if (keepAtConfidence != null && !(keepAtConfidence >= 0 && keepAtConfidence <= 1)) {
            throw new IllegalArgumentException("keep_at_confidence is between 0 and 1: " + keepAtConfidence);
        }
    }
}

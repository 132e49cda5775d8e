package io.itdr.spi.inventory;

import java.time.Instant;
import java.util.Objects;

/**
 * A recent change to what an identity may do.
 *
 * @param time    when; never null
 * @param scope   the privilege added or removed (policy ARN, role, OAuth scope); never null
 * @param granted true when added, false when removed
 * @param actor   who changed it; may be null
 */
public record EntitlementChange(Instant time, String scope, boolean granted, String actor) {
    public EntitlementChange {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(scope, "scope");
    }
}

package io.itdr.spi.action;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ActionExecutor#execute} did.
 *
 * @param idempotencyKey the key it was called with; never null
 * @param alreadyApplied true when an earlier call with the same key (or an identical state)
 *                       had already produced the effect, and this call changed nothing
 * @param performed      the platform calls actually made by this call; never null
 * @param postState      the state read back after execution; never null
 */
public record ExecutionResult(String idempotencyKey, boolean alreadyApplied, List<PlatformCall> performed,
                              Snapshot postState) {
    public ExecutionResult {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        performed = List.copyOf(Objects.requireNonNull(performed, "performed"));
        Objects.requireNonNull(postState, "postState");
    }
}

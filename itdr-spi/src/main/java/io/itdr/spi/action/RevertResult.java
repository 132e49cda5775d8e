package io.itdr.spi.action;

import java.util.List;
import java.util.Objects;

/**
 * What {@link ActionExecutor#revert} did.
 *
 * @param restored  the state read back after reverting; for a reversible action it equals the
 *                  plan's pre-state; never null
 * @param performed the platform calls made; never null
 */
public record RevertResult(Snapshot restored, List<PlatformCall> performed) {
    public RevertResult {
        Objects.requireNonNull(restored, "restored");
        performed = List.copyOf(Objects.requireNonNull(performed, "performed"));
    }
}

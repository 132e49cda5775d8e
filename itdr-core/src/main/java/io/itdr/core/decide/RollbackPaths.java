package io.itdr.core.decide;

import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rungs can be carried out on which platform, and how far each can be undone: what the
 * {@code no_rollback_path} and {@code irreversible_action} guardrails and the choice of interim
 * isolation ask. Implementations are thread-safe and answer quickly (no I/O).
 */
@FunctionalInterface
public interface RollbackPaths {

    /**
     * How reversible the action behind {@code rung} is on {@code platform}; empty when no
     * connector there can carry that rung out. Never asked for observing rungs.
     */
    Optional<Reversibility> reversibility(String platform, Rung rung);

    /**
     * The typical classes of DESIGN §4 on every platform, for replay without connectors:
     * step_up, quarantine_session and rotate_credential compensable; disable_credential and
     * disable_identity reversible.
     */
    static RollbackPaths typical() {
        Map<Rung, Reversibility> typical = new EnumMap<>(Rung.class);
        typical.put(Rung.STEP_UP, Reversibility.COMPENSABLE);
        typical.put(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE);
        typical.put(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE);
        typical.put(Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE);
        typical.put(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE);
        return (platform, rung) -> Optional.ofNullable(typical.get(rung));
    }

    /**
     * Paths from what each platform's executor declares ({@code ActionExecutor.rungs()}), keyed by
     * connector id; a platform not listed has none.
     */
    static RollbackPaths of(Map<String, Map<Rung, Reversibility>> byPlatform) {
        Map<String, Map<Rung, Reversibility>> copy = new HashMap<>();
        Objects.requireNonNull(byPlatform, "byPlatform").forEach((platform, rungs) -> copy.put(platform, Map.copyOf(rungs)));
        return (platform, rung) -> Optional.ofNullable(copy.getOrDefault(platform, Map.of()).get(rung));
    }
}

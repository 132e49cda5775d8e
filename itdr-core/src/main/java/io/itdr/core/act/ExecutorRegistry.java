package io.itdr.core.act;

import io.itdr.spi.action.ActionExecutor;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the {@link ActionExecutor} for a platform (the finding's {@code platform}, which is the
 * connector id it came from). Implementations are thread-safe.
 */
@FunctionalInterface
public interface ExecutorRegistry {

    /** The executor for {@code platform}; empty when no connector with actions is configured for it. */
    Optional<ActionExecutor> find(String platform);

    /** A fixed registry. */
    static ExecutorRegistry of(Map<String, ActionExecutor> executors) {
        Map<String, ActionExecutor> copy = Map.copyOf(Objects.requireNonNull(executors, "executors"));
        return platform -> Optional.ofNullable(copy.get(platform));
    }
}

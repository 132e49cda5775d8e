package io.itdr.core.connect;

import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The host services handed to connectors outside the server (CLI, tests): a clock, HTTP
 * settings, secret references {@code env:NAME} and {@code file:/path}, and a metrics sink.
 *
 * @param clock       never null
 * @param http        never null
 * @param metrics     never null
 * @param environment reads environment variables (injected so tests control it); never null
 */
public record HostContext(Clock clock, HttpSettings http, ConnectorMetrics metrics,
                          Function<String, String> environment) implements ConnectorContext {

    public HostContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(environment, "environment");
    }

    public static HostContext system(Clock clock) {
        return new HostContext(clock, HttpSettings.DEFAULTS, ConnectorMetrics.NOOP, System::getenv);
    }

    public static HostContext of(Clock clock, Map<String, String> environment) {
        return new HostContext(clock, HttpSettings.DEFAULTS, ConnectorMetrics.NOOP, Map.copyOf(environment)::get);
    }

    @Override
    public Optional<Secret> resolveSecret(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.startsWith("env:")) {
            return Optional.ofNullable(environment.apply(reference.substring(4))).map(Secret::of);
        }
        if (reference.startsWith("file:")) {
            Path path = Path.of(reference.substring(5));
            if (!Files.isRegularFile(path)) {
                return Optional.empty();
            }
            try {
                return Optional.of(Secret.of(Files.readString(path, StandardCharsets.UTF_8).strip()));
            } catch (IOException e) {
                throw new ConnectorException(ErrorCode.CONFIG_INVALID, "secret file " + path + " cannot be read: " + e.getMessage());
            }
        }
        throw new ConnectorException(ErrorCode.CONFIG_INVALID,
                "secret reference must start with env: or file: (the value itself is not shown)");
    }
}

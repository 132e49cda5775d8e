package io.itdr.connector.tck;

import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host services the kit hands a connector: a {@link SettableClock} the kit moves, short timeouts,
 * secret references
 * from a map, and metrics that are recorded so the kit can check them for secrets.
 *
 * <p>Immutable apart from the metrics it records; thread-safe.
 *
 * @param clock   the clock; never null
 * @param http    HTTP settings; never null
 * @param secrets secret reference ("env:X") → value; never null
 * @param metrics the metrics sink; never null
 */
public record TestingConnectorContext(Clock clock, HttpSettings http, Map<String, Secret> secrets,
                                      RecordingMetrics metrics) implements ConnectorContext {

    /** The instant the default clock stands at. */
    public static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    public TestingConnectorContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(http, "http");
        secrets = Map.copyOf(Objects.requireNonNull(secrets, "secrets"));
        Objects.requireNonNull(metrics, "metrics");
    }

    /** A {@link SettableClock} standing at {@link #NOW}, {@code requestTimeout} for calls, no secret references. */
    public static TestingConnectorContext withRequestTimeout(Duration requestTimeout) {
        return new TestingConnectorContext(new SettableClock(NOW),
                new HttpSettings(Duration.ofSeconds(2), requestTimeout, null, Map.of()), Map.of(), new RecordingMetrics());
    }

    @Override
    public Optional<Secret> resolveSecret(String reference) {
        Objects.requireNonNull(reference, "reference");
        int colon = reference.indexOf(':');
        if (colon <= 0) {
            throw new ConnectorException(ErrorCode.CONFIG_INVALID,
                    "secret reference '" + reference + "' has no scheme (expected e.g. env:NAME)");
        }
        return Optional.ofNullable(secrets.get(reference));
    }
}

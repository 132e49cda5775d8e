package io.itdr.spi;

import io.itdr.spi.config.Secret;
import java.time.Clock;
import java.util.Optional;

/**
 * Services the host hands to a connector. A connector reaches the host only through this
 * interface, never through static state or the host's classes.
 *
 * <p>Implementations are provided by the host and are thread-safe.
 */
public interface ConnectorContext {

    /** The clock to use for every "now": tests and replays control it. Never null. */
    Clock clock();

    /** Endpoint and HTTP settings chosen by the operator (overrides, timeouts, proxy). Never null. */
    HttpSettings http();

    /**
     * Resolves a secret reference (e.g. {@code env:OKTA_TOKEN}, {@code file:/run/secrets/x}) that
     * is not itself a configuration value. Empty when the reference resolves to nothing.
     *
     * @throws ConnectorException with {@link ErrorCode#CONFIG_INVALID} for a reference the host
     *                            cannot read (unknown scheme)
     */
    Optional<Secret> resolveSecret(String reference);

    /** Where the connector reports counters and timings; never null. */
    ConnectorMetrics metrics();
}

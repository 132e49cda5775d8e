package io.itdr.spi;

import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.List;
import java.util.Optional;

/**
 * The entry point of a connector plugin, found with {@link java.util.ServiceLoader}: list the
 * implementation in {@code META-INF/services/io.itdr.spi.ConnectorFactory}.
 *
 * <p>The host reads {@link #id()}, {@link #spiVersion()} and {@link #configProperties()}
 * without creating anything, validates the operator's settings against the properties
 * ({@link io.itdr.spi.config.ConfigSchema#validate}), and only then calls
 * {@link #create(ConnectorConfig, ConnectorContext)} with the validated values.
 *
 * <p>Implementations must have a public no-argument constructor, be stateless and thread-safe.
 */
public interface ConnectorFactory {

    /** A short, stable, lower-case id: "aws", "okta". Used in properties ({@code itdr.connectors.<id>.*}) and events. */
    String id();

    /** A human-readable name for listings ("Amazon Web Services"). */
    default String displayName() {
        return id();
    }

    /** The contract version this connector was built against; normally {@link SpiVersion#CURRENT}. */
    default String spiVersion() {
        return SpiVersion.CURRENT;
    }

    /**
     * The configuration this connector accepts. Every property has a description; secrets are
     * flagged so hosts mask them. Never null; may be empty.
     */
    List<ConfigProperty> configProperties();

    /**
     * A normalizer for this platform's exported raw telemetry (log files, archived webhook
     * payloads) that needs no configuration and never calls the platform, so that operators can
     * replay exports offline ({@code itdr replay --source <id>}). It must produce the same events
     * as the connector's own {@link Connector#normalizer()}. Empty when the connector offers none.
     */
    default Optional<EventNormalizer> exportNormalizer() {
        return Optional.empty();
    }

    /**
     * Creates a connector from validated configuration. Must not call the platform: a connector
     * is created at host start-up, where an unreachable platform must not stop everything else
     * (use {@link Connector#checkHealth()} for that).
     *
     * @param config  values validated against {@link #configProperties()}; never null
     * @param context host services; never null
     * @throws ConnectorException with {@link ErrorCode#CONFIG_INVALID} when values are
     *                            individually valid but do not fit together
     */
    Connector create(ConnectorConfig config, ConnectorContext context);
}

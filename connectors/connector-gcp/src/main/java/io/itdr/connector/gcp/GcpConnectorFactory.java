package io.itdr.connector.gcp;

import io.itdr.connector.gcp.normalize.AuditLogNormalizer;
import io.itdr.connector.gcp.telemetry.AuditLogSettings;
import io.itdr.connector.gcp.telemetry.TelemetrySettings;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Google Cloud connector plugin ({@code gcp}), found with ServiceLoader. Its export normalizer
 * reads Cloud Audit Logs exports and Pub/Sub deliveries offline ({@code itdr replay --source gcp}).
 * Stateless and thread-safe.
 */
public final class GcpConnectorFactory implements ConnectorFactory {
    public static final String ID = "gcp";
    private static final List<ConfigProperty> PROPERTIES = Stream.of(GcpSettings.PROPERTIES, TelemetrySettings.PROPERTIES, AuditLogSettings.PROPERTIES, ResponseSettings.PROPERTIES)
            .flatMap(List::stream).toList();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Google Cloud";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new AuditLogNormalizer());
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new GcpConnector(GcpSettings.from(config), TelemetrySettings.from(config), AuditLogSettings.from(config),
                ResponseSettings.from(config), context);
    }
}

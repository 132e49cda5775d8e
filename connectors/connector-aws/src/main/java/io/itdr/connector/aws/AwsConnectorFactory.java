package io.itdr.connector.aws;

import io.itdr.connector.aws.inventory.InventorySettings;
import io.itdr.connector.aws.normalize.CloudTrailNormalizer;
import io.itdr.connector.aws.telemetry.LookupEventsSettings;
import io.itdr.connector.aws.telemetry.TrailDeliverySettings;
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
 * The AWS connector plugin ({@code aws}), found with ServiceLoader. Its export normalizer reads
 * CloudTrail log files and GuardDuty findings offline ({@code itdr replay --source aws}).
 * Stateless and thread-safe.
 */
public final class AwsConnectorFactory implements ConnectorFactory {
    public static final String ID = "aws";
    private static final List<ConfigProperty> PROPERTIES =
            Stream.of(AwsSettings.PROPERTIES, TrailDeliverySettings.PROPERTIES, LookupEventsSettings.PROPERTIES,
                            InventorySettings.PROPERTIES)
                    .flatMap(List::stream).toList();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Amazon Web Services";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new CloudTrailNormalizer());
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new AwsConnector(AwsSettings.from(config), LookupEventsSettings.from(config), TrailDeliverySettings.from(config),
                InventorySettings.from(config), context);
    }
}

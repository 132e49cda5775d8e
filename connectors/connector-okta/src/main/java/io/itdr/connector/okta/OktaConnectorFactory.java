package io.itdr.connector.okta;

import io.itdr.connector.okta.normalize.SystemLogNormalizer;
import io.itdr.connector.okta.telemetry.SystemLogSettings;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.connector.okta.inventory.OktaInventorySettings;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Okta connector plugin ({@code okta}), found with ServiceLoader. Its export normalizer reads
 * System Log exports and archived event hook deliveries offline ({@code itdr replay --source okta}):
 * it knows no org of its own, so an event's tenant is the org an event hook delivery names, else none,
 * and it applies the default service-user patterns. Stateless and thread-safe.
 */
public final class OktaConnectorFactory implements ConnectorFactory {
    public static final String ID = "okta";
    /** Sign-in and attribute names, System Log, and the inventory's service-user marker (owner and criticality are shared). */
    private static final List<ConfigProperty> PROPERTIES = Stream.of(OktaSettings.PROPERTIES, SystemLogSettings.PROPERTIES,
                    OktaInventorySettings.PROPERTIES.stream()
                            .filter(p -> OktaSettings.PROPERTIES.stream().noneMatch(q -> q.name().equals(p.name()))).toList())
            .flatMap(List::stream).toList();

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Okta";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new SystemLogNormalizer());
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new OktaConnector(OktaSettings.from(config), SystemLogSettings.from(config), OktaInventorySettings.from(config), context);
    }
}

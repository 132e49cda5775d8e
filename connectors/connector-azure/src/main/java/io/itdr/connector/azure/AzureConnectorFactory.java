package io.itdr.connector.azure;

import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Azure and Microsoft Entra connector plugin ({@code azure}), found with ServiceLoader. Its export
 * normalizer reads Entra sign-in, audit and risk logs and the Azure Activity log offline
 * ({@code itdr replay --source azure}), as Graph returns them or diagnostic settings deliver them; each
 * record names its tenant. Stateless and thread-safe.
 */
public final class AzureConnectorFactory implements ConnectorFactory {
    public static final String ID = AzureLogNormalizer.PLATFORM;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Azure and Microsoft Entra";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return AzureSettings.PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new AzureLogNormalizer());
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new AzureConnector(AzureSettings.from(config), context);
    }
}

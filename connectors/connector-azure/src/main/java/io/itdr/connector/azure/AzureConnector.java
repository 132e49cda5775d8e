package io.itdr.connector.azure;

import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.Objects;
import java.util.Set;

/**
 * A connection to one Microsoft Entra tenant and its Azure subscriptions. Normalizes what Azure pushes
 * or exports (diagnostic-settings deliveries, Graph pages); records without a tenant of their own are the
 * configured tenant's. Thread-safe. {@link #toString()} never shows a secret.
 */
public final class AzureConnector implements Connector {
    private final AzureSettings settings;
    private final ConnectorParts parts;

    AzureConnector(AzureSettings settings, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        this.parts = ConnectorParts.builder(AzureConnectorFactory.ID)
                .normalizer(new AzureLogNormalizer(settings.tenantId()))
                .build();
    }

    @Override
    public String id() {
        return AzureConnectorFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return parts.capabilities();
    }

    @Override
    public EventNormalizer normalizer() {
        return parts.normalizer();
    }

    public AzureSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "AzureConnector[" + settings + "]";
    }
}

package io.itdr.connector.gcp;

import io.itdr.connector.gcp.normalize.AuditLogNormalizer;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Objects;
import java.util.Set;

/**
 * A connection to Google Cloud projects. Normalizes what Cloud Logging delivers (log sink
 * exports, Pub/Sub deliveries) into events. Polling, inventory and actions are not offered yet
 * and refuse with the standard error.
 *
 * <p>Thread-safe. {@link #toString()} never shows a secret.
 */
public final class GcpConnector implements Connector {
    private final GcpSettings settings;
    private final ConnectorParts parts;

    GcpConnector(GcpSettings settings, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        this.parts = ConnectorParts.builder(GcpConnectorFactory.ID).normalizer(new AuditLogNormalizer()).build();
    }

    @Override
    public String id() {
        return GcpConnectorFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return parts.capabilities();
    }

    @Override
    public TelemetrySource telemetry() {
        return parts.telemetry();
    }

    @Override
    public EventNormalizer normalizer() {
        return parts.normalizer();
    }

    @Override
    public InventorySource inventory() {
        return parts.inventory();
    }

    @Override
    public ActionExecutor actions() {
        return parts.actions();
    }

    @Override
    public void checkHealth() {
        // nothing to call yet: the connector only normalizes what is delivered to it
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "GcpConnector[projects=" + settings.projects() + "]";
    }
}

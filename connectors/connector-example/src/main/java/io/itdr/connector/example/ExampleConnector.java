package io.itdr.connector.example;

import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Clock;
import java.util.Set;

/**
 * A connection to one example platform. Declares telemetry polling and normalizing, inventory
 * and actions: connector-support's {@link ConnectorParts} declares exactly the parts it is given
 * and refuses anything else with the standard error.
 * Immutable and thread-safe. {@link #close()} keeps the SPI's no-op default: the JDK client
 * holds no resource that outlives its (daemon) threads.
 */
final class ExampleConnector implements Connector {
    private final ExampleApi api;
    private final ConnectorParts parts;

    ExampleConnector(ExampleApi api, Clock clock) {
        this.api = api;
        this.parts = ConnectorParts.builder(ExampleEventNormalizer.PLATFORM)
                .telemetry(new ExampleTelemetry(api))
                .normalizer(new ExampleEventNormalizer())
                .inventory(new ExampleInventory(api))
                .actions(new ExampleActions(api, clock))
                .build();
    }

    @Override
    public String id() {
        return ExampleEventNormalizer.PLATFORM;
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

    /** One cheap authenticated read (API.md §5). */
    @Override
    public void checkHealth() {
        api.get("/api/apps?limit=1");
    }

    @Override
    public String toString() {
        return "ExampleConnector[" + api + "]";
    }
}

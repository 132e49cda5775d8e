package io.itdr.connector.example;

import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;

/**
 * A connection to one example platform. Declares telemetry polling and normalizing, inventory
 * and actions; anything else is refused by the SPI's defaults with the standard error.
 * Immutable and thread-safe. {@link #close()} keeps the SPI's no-op default: the JDK client
 * holds no resource that outlives its (daemon) threads.
 */
final class ExampleConnector implements Connector {
    private final ExampleApi api;
    private final ExampleTelemetry telemetry;
    private final ExampleEventNormalizer normalizer = new ExampleEventNormalizer();
    private final ExampleInventory inventory;
    private final ExampleActions actions;

    ExampleConnector(ExampleApi api, Clock clock) {
        this.api = api;
        this.telemetry = new ExampleTelemetry(api);
        this.inventory = new ExampleInventory(api);
        this.actions = new ExampleActions(api, clock);
    }

    @Override
    public String id() {
        return ExampleEventNormalizer.PLATFORM;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.TELEMETRY_POLL, Capability.TELEMETRY_NORMALIZE, Capability.INVENTORY, Capability.ACTIONS);
    }

    @Override
    public TelemetrySource telemetry() {
        return telemetry;
    }

    @Override
    public EventNormalizer normalizer() {
        return normalizer;
    }

    @Override
    public InventorySource inventory() {
        return inventory;
    }

    @Override
    public ActionExecutor actions() {
        return actions;
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

package io.itdr.connector.example;

import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import java.time.Clock;

/**
 * A connection to one example platform. Declares telemetry polling and normalizing, inventory
 * and actions: connector-support's {@link ConnectorParts} declares exactly the parts it is given
 * and refuses anything else with the standard error.
 * Immutable and thread-safe. {@link #close()} keeps the SPI's no-op default: the JDK client
 * holds no resource that outlives its (daemon) threads.
 */
final class ExampleConnector extends AssembledConnector {
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

    /** One cheap authenticated read (API.md §5). */
    @Override
    protected ConnectorParts parts() {
        return parts;
    }

    @Override
    public void checkHealth() {
        api.get("/api/apps?limit=1");
    }

    @Override
    public String toString() {
        return "ExampleConnector[" + api + "]";
    }
}

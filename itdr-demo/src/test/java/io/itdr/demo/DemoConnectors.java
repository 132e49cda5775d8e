package io.itdr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.core.connect.HostContext;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The demo tests' way to reach an emulation through its real connector, written once. */
final class DemoConnectors {
    private DemoConnectors() {
    }

    /**
     * A connector made the way the server makes it: its config and endpoints from the demo's
     * properties, then {@code overrides} as name, value pairs.
     */
    static Connector connector(DemoEstate estate, Clock clock, String id, String... overrides) {
        String prefix = "itdr.connectors." + id + ".";
        Map<String, String> config = new HashMap<>();
        Map<String, URI> endpoints = new HashMap<>();
        estate.properties().forEach((key, value) -> {
            if (key.startsWith(prefix + "config.")) {
                config.put(key.substring((prefix + "config.").length()), value);
            } else if (key.startsWith(prefix + "endpoints.")) {
                endpoints.put(key.substring((prefix + "endpoints.").length()), URI.create(value));
            }
        });
        assertThat(estate.properties()).containsEntry(prefix + "enabled", "true");
        for (int i = 0; i < overrides.length; i += 2) {
            config.put(overrides[i], overrides[i + 1]);
        }
        HostContext context = new HostContext(clock, new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null, endpoints),
                ConnectorMetrics.NOOP, Map.<String, String>of()::get);
        return ConnectorRegistry.discover().create(id, config, context);
    }

    /** Every event the connector's telemetry serves from the start, none rejected. */
    static List<IdentityEvent> pollAll(Connector connector) {
        List<IdentityEvent> events = new ArrayList<>();
        Cursor cursor = Cursor.START;
        for (int polls = 0; polls < 10_000; polls++) {
            TelemetryBatch batch = connector.telemetry().poll(cursor, 500);
            assertThat(batch.rejections()).isEmpty();
            events.addAll(batch.events());
            cursor = batch.next();
            if (!batch.hasMore()) {
                return events;
            }
        }
        throw new AssertionError("still more to poll after 10,000 polls");
    }
}

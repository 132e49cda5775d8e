package io.itdr.server.connector;

import io.itdr.spi.ConnectorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/** What a connector reports, as Micrometer meters named {@code itdr.connector.<name>} tagged with the connector id. */
final class MicrometerConnectorMetrics implements ConnectorMetrics {
    private final MeterRegistry registry;
    private final String connectorId;

    MicrometerConnectorMetrics(MeterRegistry registry, String connectorId) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
    }

    @Override
    public void increment(String name, Map<String, String> tags, long amount) {
        registry.counter("itdr.connector." + name, tags(tags)).increment(amount);
    }

    @Override
    public void recordTime(String name, Map<String, String> tags, Duration duration) {
        registry.timer("itdr.connector." + name, tags(tags)).record(duration);
    }

    private Tags tags(Map<String, String> tags) {
        Tags all = Tags.of("connector", connectorId);
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            all = all.and(tag.getKey(), tag.getValue());
        }
        return all;
    }
}

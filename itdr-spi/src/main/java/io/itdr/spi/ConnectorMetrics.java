package io.itdr.spi;

import java.time.Duration;
import java.util.Map;

/**
 * A minimal metrics sink. The host maps it onto its metrics system and adds the connector id
 * as a tag. Names are lower-case dotted ("telemetry.records", "api.calls"); tags must not carry
 * secrets or unbounded values (no identity ids).
 *
 * <p>Implementations are thread-safe and never throw.
 */
public interface ConnectorMetrics {

    /** A metrics sink that drops everything. */
    ConnectorMetrics NOOP = new ConnectorMetrics() {
        @Override
        public void increment(String name, Map<String, String> tags, long amount) {
        }

        @Override
        public void recordTime(String name, Map<String, String> tags, Duration duration) {
        }
    };

    void increment(String name, Map<String, String> tags, long amount);

    void recordTime(String name, Map<String, String> tags, Duration duration);

    default void increment(String name) {
        increment(name, Map.of(), 1);
    }
}

package io.itdr.connector.support;

import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Map;
import java.util.Objects;

/**
 * The metric names every connector's telemetry uses, so that dashboards read one set of names
 * across platforms (the host tags each with the connector id):
 * <ul>
 *   <li>{@code telemetry.polls}: one per poll (or received batch);</li>
 *   <li>{@code telemetry.records{result=event|rejection}}: records normalized or rejected;</li>
 *   <li>{@code telemetry.acknowledged}: records acknowledged to a delivery service (queue, subscription, hub);</li>
 *   <li>{@code api.calls{outcome}}: platform calls by outcome ({@link RestEndpoint} and the SDK wrappers).</li>
 * </ul>
 */
public final class TelemetryMetrics {
    public static final String POLLS = "telemetry.polls";
    public static final String RECORDS = "telemetry.records";
    public static final String ACKNOWLEDGED = "telemetry.acknowledged";
    public static final String API_CALLS = "api.calls";

    private static final Map<String, String> EVENT = Map.of("result", "event");
    private static final Map<String, String> REJECTION = Map.of("result", "rejection");

    private TelemetryMetrics() {
    }

    /** Counts one poll and what it read: {@code events} normalized, {@code rejections} rejected. */
    public static void polled(ConnectorMetrics metrics, long events, long rejections) {
        metrics.increment(POLLS);
        metrics.increment(RECORDS, EVENT, events);
        metrics.increment(RECORDS, REJECTION, rejections);
    }

    /**
     * A source whose every poll is counted with {@link #polled}: for sources that do not count
     * their own polls.
     */
    public static TelemetrySource counted(TelemetrySource source, ConnectorMetrics metrics) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(metrics, "metrics");
        return new TelemetrySource() {
            @Override
            public TelemetryBatch poll(Cursor cursor, int maxEvents) {
                TelemetryBatch batch = source.poll(cursor, maxEvents);
                polled(metrics, batch.events().size(), batch.rejections().size());
                return batch;
            }

            @Override
            public String toString() {
                return source.toString();
            }
        };
    }

    /** Counts records acknowledged to the delivery service. */
    public static void acknowledged(ConnectorMetrics metrics, long records) {
        metrics.increment(ACKNOWLEDGED, Map.of(), records);
    }

    /** Counts one platform call by its outcome ("ok", "throttled", "5xx", "io-error", …). */
    public static void apiCall(ConnectorMetrics metrics, String outcome) {
        metrics.increment(API_CALLS, Map.of("outcome", outcome), 1);
    }
}

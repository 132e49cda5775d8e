package io.itdr.server.metrics;

import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.intake.IngestBacklog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The ingest backlog for Prometheus, per running connector: {@code itdr_ingest_backlog{connector}}
 * (pushed events stored and waiting to be processed, with a reorder window also the polled ones and
 * those it holds), {@code itdr_ingest_dead_letters{connector}}
 * (events set aside after {@code itdr.ingest.max-attempts} failures, until someone re-queues or
 * drops them) and {@code itdr_ingest_dead_lettered_total{connector}} (events set aside since the
 * server started, counted by {@code IngestWorkers}), {@code itdr_ingest_late_total{connector}} (events
 * that arrived behind what the reorder window had released, processed at once). The two gauges come from one pair of grouped
 * counts, read at most once per {@value #FRESH_SECONDS} seconds however often they are scraped; NaN
 * while the database cannot be read. Thread-safe.
 */
@Component
public class IngestBacklogMetrics implements MeterBinder {
    static final int FRESH_SECONDS = 2;
    private static final Duration FRESH = Duration.ofSeconds(FRESH_SECONDS);

    private final IngestBacklog backlog;
    private final ConnectorRuntime connectors;
    private Map<String, IngestBacklog.Counts> counts;
    private long countedAt;

    public IngestBacklogMetrics(IngestBacklog backlog, ConnectorRuntime connectors) {
        this.backlog = backlog;
        this.connectors = connectors;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (ConnectorRuntime.Managed managed : connectors.running()) {
            String id = managed.id();
            Gauge.builder("itdr.ingest.backlog", this, m -> m.count(id, false)).tag("connector", id)
                    .description("pushed events stored and waiting to be processed").register(registry);
            Gauge.builder("itdr.ingest.dead.letters", this, m -> m.count(id, true)).tag("connector", id)
                    .description("pushed events set aside after itdr.ingest.max-attempts failed processings, until re-queued or dropped")
                    .register(registry);
            registry.counter("itdr.ingest.dead.lettered", "connector", id); // 0 from the start, incremented by the worker
            // 0 from the start, incremented by the worker: events that arrived behind what the reorder window already released
            Counter.builder("itdr.ingest.late").tag("connector", id)
                    .description("events that arrived more than itdr.ingest.reorder-window behind their connector's newest event: processed at once, out of time order")
                    .register(registry);
        }
    }

    private synchronized double count(String connectorId, boolean dead) {
        long now = System.nanoTime();
        if (counts == null || now - countedAt > FRESH.toNanos()) {
            try {
                counts = backlog.counts();
                countedAt = now;
            } catch (RuntimeException e) {
                counts = null;
                return Double.NaN;
            }
        }
        IngestBacklog.Counts of = counts.get(connectorId);
        if (of == null) {
            return 0;
        }
        return dead ? of.deadLetters() : of.waiting();
    }
}

package io.itdr.server.intake;

import io.itdr.core.normalize.EventJson;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.Intake;
import io.itdr.core.pipeline.Origin;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Rejection;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Where polled and pushed telemetry enter the server: the core's {@link Intake} over the
 * database's event and case stores, counted for Prometheus ({@code itdr_events_accepted|duplicate|
 * rejected_total{connector}}, {@code itdr_findings_total{detector}}, {@code itdr_decisions_total})
 * with the first few rejections of a batch logged. Each decision is marked handled once the
 * coordinator returned for it ({@link DecisionHandoff}). Thread-safe.
 */
@Component
public class EventIntake {
    private static final Logger LOG = LoggerFactory.getLogger(EventIntake.class);
    private static final int REJECTIONS_LOGGED = 5;

    private final Intake intake;
    private final MeterRegistry meters;

    public EventIntake(ResponseEngine engine, JdbcEventStore events, JdbcCaseStore cases, DecisionHandoff handoff, MeterRegistry meters) {
        this.meters = meters;
        this.intake = engine.intake(events, cases, new Intake.Observer() {
            @Override
            public void outcome(String connectorId, Pipeline.Outcome outcome) {
                handoff.handled(outcome.decision().id()); // the coordinator returned: a restart need not hand it over again
                meters.counter("itdr.findings", "detector", outcome.finding().detector()).increment();
                meters.counter("itdr.decisions", "rung", outcome.decision().rung().policyName(), "hold",
                        Boolean.toString(outcome.decision().hold()), "mode", outcome.decision().mode().policyName()).increment();
            }
        });
    }

    /** Processes and stores the new events of one connector's batch (see {@link Intake#accept}). */
    public Intake.BatchResult accept(String connectorId, List<IdentityEvent> batch) {
        return accept(connectorId, batch, List.of());
    }

    /** As {@link #accept(String, List)}, for a batch whose normalization also rejected records: they are counted and the first few logged. */
    public Intake.BatchResult accept(String connectorId, List<IdentityEvent> batch, List<Rejection> rejections) {
        return accept(connectorId, batch, rejections, List.of());
    }

    /**
     * As {@link #accept(String, List, List)}, with the platform's raw record of each event (index
     * for index, null where none; empty for none), which detection sees and the event store does not keep.
     */
    public Intake.BatchResult accept(String connectorId, List<IdentityEvent> batch, List<Rejection> rejections, List<String> records) {
        return accept(connectorId, batch, rejections, records, Origin.POLLED);
    }

    /**
     * As {@link #accept(String, List, List, List)}, for events that reached the server by {@code origin} (who pushed them).
     * An event holding a text longer than {@link EventJson#MAX_STRING} characters is rejected, naming the field: stored,
     * it could not be read back.
     */
    public Intake.BatchResult accept(String connectorId, List<IdentityEvent> batch, List<Rejection> rejections, List<String> records,
                                     Origin origin) {
        Screened kept = screen(batch, rejections, records);
        return process(connectorId, kept.events(), kept.rejections(), kept.records(), origin);
    }

    /** The events of a batch that can be stored, their raw records (as given), and the rejections with those that cannot. */
    public record Screened(List<IdentityEvent> events, List<Rejection> rejections, List<String> records) {
    }

    /**
     * Takes out of {@code batch} each event holding a text longer than {@link EventJson#MAX_STRING}
     * characters, rejected naming the field: stored, it could not be read back.
     */
    public Screened screen(List<IdentityEvent> batch, List<Rejection> rejections, List<String> records) {
        List<IdentityEvent> kept = batch;
        List<String> keptRecords = records;
        List<Rejection> refused = rejections;
        for (int i = 0; i < batch.size(); i++) {
            String field = EventJson.overlong(batch.get(i));
            if (field != null && kept == batch) {
                // stored as EventJson, whose reader refuses such a text: the event could not be read back
                kept = new ArrayList<>(batch.subList(0, i));
                keptRecords = records.isEmpty() ? records : new ArrayList<>(records.subList(0, i));
                refused = new ArrayList<>(rejections);
            }
            if (field != null) {
                refused.add(new Rejection("event " + Printable.clip(batch.get(i).id(), 120),
                        field + " longer than " + EventJson.MAX_STRING + " characters"));
            } else if (kept != batch) {
                kept.add(batch.get(i));
                if (!records.isEmpty()) {
                    keptRecords.add(records.get(i));
                }
            }
        }
        return new Screened(kept, refused, keptRecords);
    }

    private Intake.BatchResult process(String connectorId, List<IdentityEvent> batch, List<Rejection> rejections, List<String> records,
                                       Origin origin) {
        Intake.BatchResult result = intake.accept(connectorId, batch, records, origin);
        meters.counter("itdr.events.accepted", "connector", connectorId).increment(result.accepted());
        meters.counter("itdr.events.duplicate", "connector", connectorId).increment(result.duplicates());
        meters.counter("itdr.events.rejected", "connector", connectorId).increment(rejections.size());
        rejections.stream().limit(REJECTIONS_LOGGED).forEach(r -> LOG.warn("connector {}: rejected {}", Printable.escape(connectorId), Printable.escape(r)));
        return result;
    }

    /** Counts {@code count} events of one connector's batch that were known already (stored or waiting) before they reached the engine. */
    public void duplicated(String connectorId, int count) {
        meters.counter("itdr.events.duplicate", "connector", connectorId).increment(count);
    }

    /** Counts {@code count} rejected records of one connector's push and logs the first few of {@code first}. */
    public void rejected(String connectorId, int count, List<Rejection> first) {
        meters.counter("itdr.events.rejected", "connector", connectorId).increment(count);
        first.stream().limit(REJECTIONS_LOGGED).forEach(r -> LOG.warn("connector {}: rejected {}", Printable.escape(connectorId), Printable.escape(r)));
    }
}

package io.itdr.core.pipeline;

import io.itdr.spi.event.IdentityEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one intake loop (DESIGN §3), used by the server for polled and pushed telemetry, by {@code
 * itdr replay} and by the benchmarks: of a connector's batch, the events not seen before go
 * through the {@link Pipeline} in order; each finding and its decision are filed in the {@link
 * CaseStore} as they happen; then the events are stored in the {@link EventStore}. The raw record
 * of each event, when given, goes beside it to detection and to the store (which may keep it for
 * dry-runs), never into detector state.
 *
 * <p>Events are stored after they were processed, except that an event that raised a finding is
 * stored, with the finding and its decision, before any action is planned on it: the evidence is
 * committed before the action's intent, so a crash between intent and platform call never leaves an
 * action without its event, finding and decision. If processing stops (the ledger or the database
 * fails, the process dies), the events not processed are not stored, the connector's cursor is not
 * advanced, and they come again; processing one again is harmless, because findings, decisions and
 * actions have deterministic ids and an action that exists is never carried out twice.
 *
 * <p>The events of one batch are processed in time order (ties by event id), whatever order they
 * came in; batches are processed in the order they arrive (the server puts events of later batches
 * in order first when an operator sets a reorder window: {@link ReorderWindow}).
 *
 * <p>Thread-safe. Each connector's batches are processed one at a time, in order (an identity
 * belongs to one platform, so its events stay in order); different connectors' batches run side by
 * side.
 */
public final class Intake {

    /** What one batch led to. */
    public record BatchResult(int received, int accepted, int duplicates, int findings, int actions) {
    }

    /** Sees each event before it is processed and each outcome after. Called under the connector's lock. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        /** Before {@code event} is processed (a replay moves its clock to the event's time here). */
        default void before(IdentityEvent event) {
        }

        /** After a finding of a {@code connectorId} event was decided and filed. */
        default void outcome(String connectorId, Pipeline.Outcome outcome) {
        }
    }

    private static final Comparator<IdentityEvent> IN_TIME =
            Comparator.comparing(IdentityEvent::time).thenComparing(IdentityEvent::id);

    private final Pipeline pipeline;
    private final EventStore events;
    private final CaseStore cases;
    private final Clock clock;
    private final Observer observer;
    /** One lock per connector: a connector's identities are its own, so each one's events stay in order. */
    private final Map<String, ReentrantLock> processing = new ConcurrentHashMap<>();

    Intake(Pipeline pipeline, EventStore events, CaseStore cases, Clock clock, Observer observer) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.events = Objects.requireNonNull(events, "events");
        this.cases = Objects.requireNonNull(cases, "cases");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Processes and stores the events of {@code batch} not seen before.
     *
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot be written (the events
     *         processed until then are stored; the rest are not, and come again)
     */
    public BatchResult accept(String connectorId, List<IdentityEvent> batch) {
        return accept(connectorId, batch, List.of());
    }

    /**
     * As {@link #accept(String, List)}, with the platform's raw record of each event (index for
     * index with {@code batch}, null where there is none; an empty list for none at all), which
     * detection sees beside its event.
     */
    public BatchResult accept(String connectorId, List<IdentityEvent> batch, List<String> records) {
        return accept(connectorId, batch, records, Origin.POLLED);
    }

    /**
     * As {@link #accept(String, List, List)}, for events that reached the engine by {@code origin}:
     * pushed events name who pushed them in their findings and in every ledger entry they lead to.
     */
    public BatchResult accept(String connectorId, List<IdentityEvent> batch, List<String> records, Origin origin) {
        Objects.requireNonNull(origin, "origin");
        if (!records.isEmpty() && records.size() != batch.size()) {
            throw new IllegalArgumentException(records.size() + " records for " + batch.size() + " events");
        }
        Map<IdentityEvent, String> raw = new IdentityHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) != null) {
                raw.put(batch.get(i), records.get(i));
            }
        }
        ReentrantLock lock = processing.computeIfAbsent(connectorId, id -> new ReentrantLock());
        lock.lock();
        try {
            // time order within the batch (ties by id): how a platform or a pusher ordered a batch
            // does not change what detection sees
            List<IdentityEvent> fresh = new ArrayList<>(events.unseen(connectorId, batch));
            fresh.sort(IN_TIME);
            int findings = 0;
            int acted = 0;
            int processed = 0;
            try {
                Pipeline.Filing filing = (event, finding, decision) -> {
                    events.append(connectorId, List.of(event), raw::get, clock.instant()); // stores it once; a second finding of it finds it stored
                    cases.record(finding, decision, clock.instant());
                };
                for (IdentityEvent event : fresh) {
                    observer.before(event);
                    for (Pipeline.Outcome outcome : pipeline.process(event, raw.get(event), origin, filing)) {
                        observer.outcome(connectorId, outcome);
                        findings++;
                        acted += outcome.actions().size();
                    }
                    processed++;
                }
            } finally {
                events.append(connectorId, fresh.subList(0, processed), raw::get, clock.instant());
            }
            return new BatchResult(batch.size(), fresh.size(), batch.size() - fresh.size(), findings, acted);
        } finally {
            lock.unlock();
        }
    }
}

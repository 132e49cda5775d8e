package io.itdr.server.schedule;

import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.Origin;
import io.itdr.server.connector.BoundedPoll;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.intake.IngestBacklog;
import io.itdr.server.intake.IngestWorkers;
import io.itdr.server.store.JdbcCursorStore;
import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Polls each running connector's telemetry on its own schedule ({@code poll-interval}) from the
 * cursor stored in the database, hands each batch to the {@link EventIntake}, and stores the next
 * cursor only after the batch was processed: a restart resumes without gaps and without double
 * effects (the intake drops events it stored before). A connector that throttles is left alone for
 * its Retry-After. Each poll call runs behind the connector's {@link BoundedPoll} (its own thread,
 * {@code poll-timeout}): a platform that hangs makes its connector's health DOWN and
 * {@code itdr_connector_poll_hanging{connector}} 1 while the other connectors' polls go on, and
 * it is not polled again until the hung call returned. Starts after {@link Housekeeping} settled
 * what a crash left executing.
 *
 * <p>With a reorder window ({@code itdr.ingest.reorder-window}) a batch is not processed here: its
 * new events are stored in the {@link IngestBacklog} and the cursor is stored after that, so an
 * event the window holds is never only in memory; the connector's {@link IngestWorkers} process
 * them in time order across batches.
 */
@Component
public class TelemetryPolling implements MeterBinder, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPolling.class);
    private static final int MAX_PAGES_PER_TICK = 50;

    private final ConnectorRuntime connectors;
    private final EventIntake intake;
    private final JdbcCursorStore cursors;
    private final IngestBacklog backlog;
    private final IngestWorkers workers;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final Map<String, Instant> quietUntil = new ConcurrentHashMap<>();
    private final Map<String, BoundedPoll> bulkheads = new ConcurrentHashMap<>();

    public TelemetryPolling(ConnectorRuntime connectors, EventIntake intake, JdbcCursorStore cursors, IngestBacklog backlog, IngestWorkers workers,
                            TaskScheduler scheduler, Clock clock) {
        this.connectors = connectors;
        this.intake = intake;
        this.cursors = cursors;
        this.backlog = backlog;
        this.workers = workers;
        this.scheduler = scheduler;
        this.clock = clock;
        for (ConnectorRuntime.Managed managed : connectors.running()) {
            if (managed.connector().capabilities().contains(Capability.TELEMETRY_POLL)) {
                bulkheads.put(managed.id(), new BoundedPoll(managed.id(), managed.settings().pollTimeout()));
            }
        }
    }

    /**
     * {@code itdr.connector.poll.hanging{connector}} (1 while a poll given up at its deadline has
     * not returned) and {@code itdr.connector.poll.timeouts{connector}} (polls given up).
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        bulkheads.forEach((id, bulkhead) -> {
            Gauge.builder("itdr.connector.poll.hanging", bulkhead, b -> b.hanging() ? 1 : 0).tag("connector", id)
                    .description("1 while a telemetry poll given up at its poll-timeout has not returned (no other poll starts)")
                    .register(registry);
            FunctionCounter.builder("itdr.connector.poll.timeouts", bulkhead, BoundedPoll::timeouts).tag("connector", id)
                    .description("telemetry polls given up at their poll-timeout").register(registry);
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(Housekeeping.ORDER + 1)
    public void start() {
        for (ConnectorRuntime.Managed managed : connectors.running()) {
            if (managed.connector().capabilities().contains(Capability.TELEMETRY_POLL)) {
                scheduler.scheduleWithFixedDelay(() -> poll(managed), managed.settings().pollInterval());
            }
        }
    }

    /** Polls until the connector has nothing more (or the per-tick page limit); public for tests. */
    public void poll(ConnectorRuntime.Managed managed) {
        String id = managed.id();
        Instant now = clock.instant();
        Instant quiet = quietUntil.get(id);
        if (quiet != null && now.isBefore(quiet)) {
            return;
        }
        try {
            Cursor cursor = cursors.load(id).map(Cursor::new).orElse(Cursor.START);
            for (int page = 0; page < MAX_PAGES_PER_TICK; page++) {
                TelemetryBatch batch = bulkhead(managed).poll(managed.connector().telemetry(), cursor, managed.settings().pollBatch());
                int accepted;
                if (workers.reorders()) {
                    // held for the reorder window: stored first, so the cursor never moves past an event only in memory
                    EventIntake.Screened kept = intake.screen(batch.events(), batch.rejections(), batch.records());
                    IngestBacklog.Added added = backlog.add(id, kept.events(), kept.records(), Origin.POLLED, clock.instant());
                    accepted = added.accepted();
                    intake.duplicated(id, added.duplicates());
                    intake.rejected(id, kept.rejections().size(), kept.rejections());
                } else {
                    accepted = intake.accept(id, batch.events(), batch.rejections(), batch.records()).accepted();
                }
                cursors.save(id, batch.next().value(), clock.instant());
                if (workers.reorders() && accepted > 0) {
                    workers.wake(id);
                }
                managed.status().polled(clock.instant(), accepted, batch.rejections().size());
                cursor = batch.next();
                if (!batch.hasMore()) {
                    break;
                }
            }
            quietUntil.remove(id);
        } catch (ConnectorException e) {
            managed.status().failed(clock.instant(), e.getMessage());
            e.retryAfter().ifPresent(wait -> quietUntil.put(id, clock.instant().plus(wait)));
            LOG.warn("connector {}: poll failed ({}{}): {}", Printable.escape(id), e.code(), e.retryAfter().map(w -> ", retry after " + w).orElse(""),
                    Printable.escape(e.getMessage()));
        } catch (RuntimeException e) {
            managed.status().failed(clock.instant(), e.toString());
            // the message may carry platform text: escaped; the stack trace only when debugging
            LOG.error("connector {}: poll failed: {}", Printable.escape(id), Printable.escape(e.toString()));
            LOG.debug("connector {}: poll failure", Printable.escape(id), e);
        }
    }

    private BoundedPoll bulkhead(ConnectorRuntime.Managed managed) {
        return bulkheads.computeIfAbsent(managed.id(), id -> new BoundedPoll(id, managed.settings().pollTimeout()));
    }

    @Override
    @jakarta.annotation.PreDestroy
    public void close() {
        bulkheads.values().forEach(BoundedPoll::close);
    }
}

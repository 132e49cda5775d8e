package io.itdr.server.engine;

import io.itdr.server.connector.ConnectorRuntime;

import io.itdr.server.config.ItdrProperties;
import io.itdr.server.store.JdbcCursorStore;
import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Polls each running connector's telemetry on its own schedule ({@code poll-interval}) from the
 * cursor stored in the database, hands each batch to the engine, and stores the next cursor only
 * after the batch was processed: a restart resumes without gaps and without double effects (the
 * engine drops events it stored before). A connector that throttles is left alone for its
 * Retry-After. Also reads each connector's inventory at start-up and every 15 minutes, runs the
 * engine's housekeeping (reconcile, approval expiry, quarantine restore) every 30 seconds, and
 * deletes accepted events past their retention ({@code itdr.events.keep}) every hour.
 */
@Component
public class TelemetryPoller {
    private static final Logger LOG = LoggerFactory.getLogger(TelemetryPoller.class);
    private static final int MAX_PAGES_PER_TICK = 50;
    private static final Duration INVENTORY_EVERY = Duration.ofMinutes(15);
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofSeconds(30);

    private final ConnectorRuntime connectors;
    private final Engine engine;
    private final JdbcCursorStore cursors;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final Map<String, Instant> quietUntil = new ConcurrentHashMap<>();
    private final Duration keepEvents;

    public TelemetryPoller(ConnectorRuntime connectors, Engine engine, JdbcCursorStore cursors, TaskScheduler scheduler, Clock clock,
                           ItdrProperties properties) {
        this.keepEvents = properties.events().keep();
        this.connectors = connectors;
        this.engine = engine;
        this.cursors = cursors;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        reconcileQuietly();
        for (ConnectorRuntime.Managed managed : connectors.running()) {
            if (managed.connector().capabilities().contains(Capability.INVENTORY)) {
                scheduler.scheduleWithFixedDelay(() -> refreshInventory(managed), INVENTORY_EVERY);
            }
            if (managed.connector().capabilities().contains(Capability.TELEMETRY_POLL)) {
                scheduler.scheduleWithFixedDelay(() -> poll(managed), managed.settings().pollInterval());
            }
        }
        scheduler.scheduleWithFixedDelay(this::housekeeping, clock.instant().plus(HOUSEKEEPING_EVERY), HOUSEKEEPING_EVERY);
        scheduler.scheduleWithFixedDelay(this::expireEvents, Duration.ofHours(1));
    }

    /** Deletes accepted events older than {@code itdr.events.keep}; findings, decisions and the ledger stay. */
    private void expireEvents() {
        try {
            int deleted = engine.events().deleteReceivedBefore(clock.instant().minus(keepEvents));
            if (deleted > 0) {
                LOG.info("{} events older than {} deleted", deleted, keepEvents);
            }
        } catch (RuntimeException e) {
            LOG.error("expiring old events failed", e);
        }
    }

    /** Polls until the connector has nothing more (or the per-tick page limit); public for tests and the API. */
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
                TelemetryBatch batch = managed.connector().telemetry().poll(cursor, managed.settings().pollBatch());
                Engine.BatchResult result = engine.accept(id, batch.events(), batch.rejections());
                cursors.save(id, batch.next().value(), clock.instant());
                managed.status().polled(clock.instant(), result.accepted(), batch.rejections().size());
                cursor = batch.next();
                if (!batch.hasMore()) {
                    break;
                }
            }
            quietUntil.remove(id);
        } catch (ConnectorException e) {
            managed.status().failed(clock.instant(), e.getMessage());
            e.retryAfter().ifPresent(wait -> quietUntil.put(id, clock.instant().plus(wait)));
            LOG.warn("connector {}: poll failed ({}{}): {}", id, e.code(), e.retryAfter().map(w -> ", retry after " + w).orElse(""),
                    e.getMessage());
        } catch (RuntimeException e) {
            managed.status().failed(clock.instant(), e.toString());
            LOG.error("connector {}: poll failed", id, e);
        }
    }

    /** Reads the connector's whole inventory into the engine's enrichment. */
    public void refreshInventory(ConnectorRuntime.Managed managed) {
        try {
            String token = null;
            int read = 0;
            do {
                InventoryPage page = managed.connector().inventory().list(token, 200);
                engine.updateInventory(page.identities());
                read += page.identities().size();
                token = page.nextPageToken();
            } while (token != null);
            LOG.info("connector {}: inventory read, {} identities", managed.id(), read);
        } catch (RuntimeException e) {
            LOG.warn("connector {}: inventory not read: {}", managed.id(), e.getMessage());
        }
    }

    private void housekeeping() {
        reconcileQuietly();
        try {
            List<String> changed = new ArrayList<>();
            engine.housekeeping().forEach(record -> changed.add(record.id() + " → " + record.state().label()));
            if (!changed.isEmpty()) {
                LOG.info("housekeeping: {}", changed);
            }
        } catch (RuntimeException e) {
            LOG.error("housekeeping failed", e);
        }
    }

    private void reconcileQuietly() {
        try {
            engine.reconcile();
        } catch (RuntimeException e) {
            LOG.error("reconciling pending actions failed", e);
        }
    }
}

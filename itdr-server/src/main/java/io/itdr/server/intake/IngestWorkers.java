package io.itdr.server.intake;

import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.Origin;
import io.itdr.spi.event.IdentityEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The server's own workers that take pushed events out of the {@link IngestBacklog} and run them
 * through the engine (detect, decide, act) after the push was acknowledged: one thread per
 * connector, so a connector whose platform hangs stalls only its own backlog (as its bulkhead
 * does for actions), and a connector's events are processed in the order they were stored.
 *
 * <p>A drain reads {@value #BATCH} events at a time, hands each run of one pusher to the
 * {@link EventIntake}, and deletes the rows only after that returned: a crash in between processes
 * them again on restart, which the engine turns into duplicates (findings, decisions and actions
 * have deterministic ids; an event is stored once). When processing fails (the ledger or the
 * database down) the drain stops and is tried again after a growing pause (1 s to 1 min), the
 * events staying in the backlog. Started after the start-up housekeeping settled what a crash left
 * executing ({@link #start()}); a push before that only stores.
 *
 * <p>Thread-safe.
 */
@Component
public class IngestWorkers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestWorkers.class);
    static final int BATCH = 500;
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofMinutes(1);

    private final IngestBacklog backlog;
    private final EventIntake intake;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    public IngestWorkers(IngestBacklog backlog, EventIntake intake) {
        this.backlog = backlog;
        this.intake = intake;
    }

    /**
     * Starts draining every connector that has events waiting (left by a crash or stored before
     * start-up), after the start-up housekeeping (order 0) settled what a crash left executing and
     * the decisions a crash left unhandled were handed over (order 1, {@link DecisionHandoff}).
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(2)
    public void start() {
        if (started.compareAndSet(false, true)) {
            backlog.connectors().forEach(this::wake);
        }
    }

    /** Events of {@code connectorId} were added: drain them (at once if no drain of it runs, else after the one running). */
    public void wake(String connectorId) {
        if (!started.get() || closed) {
            return;
        }
        workers.computeIfAbsent(connectorId, Worker::new).wake(Duration.ZERO);
    }

    /**
     * Waits until no connector has events waiting or being processed, at most {@code timeout};
     * true when that was reached. For tests and for a graceful stop.
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (workers.values().stream().noneMatch(Worker::busy) && backlog.size() == 0) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return false;
    }

    @Override
    @jakarta.annotation.PreDestroy
    public void close() {
        closed = true;
        workers.values().forEach(Worker::close);
    }

    /** One connector's drain: a single thread, a drain scheduled at most once at a time. */
    private final class Worker {
        private final String connectorId;
        private final ScheduledExecutorService thread;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean again;
        private volatile boolean running;
        private Duration pause = FIRST_PAUSE;
        /** The last sequence number processed and removed by this worker: the next read starts after it. */
        private long done;

        Worker(String connectorId) {
            this.connectorId = connectorId;
            this.thread = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "ingest-" + connectorId);
                t.setDaemon(true);
                return t;
            });
        }

        void wake(Duration delay) {
            again = true;
            if (scheduled.compareAndSet(false, true)) {
                thread.schedule(this::drain, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        boolean busy() {
            return running || scheduled.get();
        }

        private void drain() {
            running = true;
            scheduled.set(false);
            again = false;
            try {
                List<IngestBacklog.Entry> entries;
                while (!closed && !(entries = backlog.next(connectorId, done, BATCH)).isEmpty()) {
                    process(entries);
                    backlog.remove(entries);
                    done = entries.get(entries.size() - 1).seq();
                }
                pause = FIRST_PAUSE;
            } catch (RuntimeException e) {
                LOG.warn("connector {}: pushed events could not be processed, trying again in {}: {}", Printable.escape(connectorId), pause,
                        Printable.escape(e.toString()));
                Duration retry = pause;
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                running = false;
                if (!closed) {
                    again = false;
                    wake(retry);
                }
                return;
            }
            running = false;
            if (again && !closed) {
                wake(Duration.ZERO); // added while the last read found nothing more: read again
            }
        }

        /** Runs of one pusher go to the engine together, in backlog order. */
        private void process(List<IngestBacklog.Entry> entries) {
            int from = 0;
            while (from < entries.size()) {
                Origin origin = entries.get(from).origin();
                int to = from;
                List<IdentityEvent> events = new ArrayList<>();
                List<String> records = new ArrayList<>();
                while (to < entries.size() && entries.get(to).origin().equals(origin)) {
                    events.add(entries.get(to).event());
                    records.add(entries.get(to).record());
                    to++;
                }
                intake.accept(connectorId, events, List.of(), records, origin);
                from = to;
            }
        }

        void close() {
            thread.shutdownNow();
        }
    }
}

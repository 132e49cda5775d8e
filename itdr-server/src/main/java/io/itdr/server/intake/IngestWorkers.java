package io.itdr.server.intake;

import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.SetAsideEvents;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.Origin;
import io.itdr.core.pipeline.ReorderWindow;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.store.JdbcLedger;
import io.itdr.spi.event.IdentityEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
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
 * <p>Poison events: when a batch fails, its events are run again one at a time to find the one that
 * fails. A failure is counted against that event only when the database takes the count (a write):
 * then the storage works and the event is what fails; when it does not, nothing is counted and the
 * drain waits as above. The connector's later events wait behind a failing event (order is kept)
 * until its failures reach {@code itdr.ingest.max-attempts}; then it is ledgered
 * ({@code ingest.dead_lettered}), moved to the dead letters with the reason, counted
 * ({@code itdr_ingest_dead_lettered_total{connector}}), and the drain goes on with the rest.
 *
 * <p>Reorder window ({@code itdr.ingest.reorder-window}, 0 by default: none): what a drain reads is
 * offered to the connector's {@link ReorderWindow}, and only what it releases, in time order across
 * batches, is processed; an event behind what was released is processed at once and counted
 * ({@code itdr_ingest_late_total{connector}}). Held events keep their backlog rows (so a crash loses
 * none: a restart reads and offers them again); a timer wakes the worker when the next hold
 * ({@code itdr.ingest.reorder-max-hold}, from receipt) runs out. Polled events then wait here too.
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
    private final SetAsideEvents setAside;
    private final MeterRegistry meters;
    private final Clock clock;
    private final int maxAttempts;
    private final Duration reorderWindow;
    private final Duration reorderMaxHold;
    private final Map<String, Worker> workers = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean closed;

    @Autowired
    public IngestWorkers(IngestBacklog backlog, EventIntake intake, JdbcLedger ledger, MeterRegistry meters, Clock clock,
                         ItdrProperties properties) {
        this(backlog, intake, ledger, meters, clock, properties.ingest().maxAttempts(), properties.ingest().reorderWindow(),
                properties.ingest().reorderMaxHold());
    }

    /**
     * Without a reorder window.
     *
     * @param ledger      where a dead-lettered event is recorded before it is moved
     * @param maxAttempts failed processings after which an event is moved to the dead letters; at least 1
     */
    public IngestWorkers(IngestBacklog backlog, EventIntake intake, Ledger ledger, MeterRegistry meters, Clock clock, int maxAttempts) {
        this(backlog, intake, ledger, meters, clock, maxAttempts, Duration.ZERO, Duration.ZERO);
    }

    /**
     * @param ledger         where a dead-lettered event is recorded before it is moved
     * @param maxAttempts    failed processings after which an event is moved to the dead letters; at least 1
     * @param reorderWindow  how far behind its connector's newest event time an event may arrive and still be put in
     *                       time order ({@code itdr.ingest.reorder-window}); zero for none
     * @param reorderMaxHold longest an event is held for the window from when it was received
     */
    public IngestWorkers(IngestBacklog backlog, EventIntake intake, Ledger ledger, MeterRegistry meters, Clock clock, int maxAttempts,
                         Duration reorderWindow, Duration reorderMaxHold) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("itdr.ingest.max-attempts must be at least 1, not " + maxAttempts);
        }
        this.backlog = backlog;
        this.intake = intake;
        this.setAside = new SetAsideEvents(ledger);
        this.meters = meters;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
        this.reorderWindow = reorderWindow;
        this.reorderMaxHold = reorderMaxHold;
        new ReorderWindow<>(reorderWindow, reorderMaxHold); // refuses a negative window or hold now, not in a worker
    }

    /** Whether events are held across batches for a reorder window (then polled events wait in the backlog too). */
    public boolean reorders() {
        return !reorderWindow.isZero();
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

    /** Whether a drain of {@code connectorId} runs or is scheduled (waiting for a held event's hold to run out is not); for tests. */
    public boolean busy(String connectorId) {
        Worker worker = workers.get(connectorId);
        return worker != null && worker.busy();
    }

    @Override
    @jakarta.annotation.PreDestroy
    public void close() {
        closed = true;
        workers.values().forEach(Worker::close);
    }

    /**
     * One connector's drain: a single thread, a drain scheduled at most once at a time. With a
     * reorder window, what it read is offered to the window and only what the window releases (and
     * late events) is processed; the rows of held events stay in the backlog.
     */
    private final class Worker {
        private final String connectorId;
        private final ScheduledExecutorService thread;
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private volatile boolean again;
        private volatile boolean running;
        private Duration pause = FIRST_PAUSE;
        /** The last sequence number read (processed, or held by the window): the next read starts after it. */
        private long read;
        /** Read (and released by the window) but not yet processed and removed, in the order to process them. */
        private final List<IngestBacklog.Entry> ready = new ArrayList<>();
        /** Null without a reorder window. */
        private final ReorderWindow<IngestBacklog.Entry> order;
        private ScheduledFuture<?> timer;

        Worker(String connectorId) {
            this.connectorId = connectorId;
            this.order = reorders() ? new ReorderWindow<>(reorderWindow, reorderMaxHold) : null;
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
                while (!closed) {
                    if (!ready.isEmpty()) {
                        processReady(); // throws to wait and try again
                        continue;
                    }
                    List<IngestBacklog.Entry> entries = backlog.next(connectorId, read, BATCH);
                    if (!entries.isEmpty()) {
                        read = entries.get(entries.size() - 1).seq();
                    }
                    if (order == null) {
                        ready.addAll(entries);
                    } else {
                        hold(entries);
                    }
                    if (entries.isEmpty() && ready.isEmpty()) {
                        break;
                    }
                }
                pause = FIRST_PAUSE;
            } catch (RuntimeException | StackOverflowError e) {
                LOG.warn("connector {}: waiting events could not be processed, trying again in {}: {}", Printable.escape(connectorId), pause,
                        Printable.escape(e.toString()));
                Duration retry = pause;
                pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
                if (!closed) {
                    again = false;
                    wake(retry);
                }
                running = false; // after the wake: never seen idle in between
                return;
            }
            if (again && !closed) {
                wake(Duration.ZERO); // added while the last read found nothing more: read again
            } else if (order != null && !closed) {
                timeOut();
            }
            running = false;
        }

        /**
         * Offers what was read to the window: late events are ready at once (counted), a copy of a
         * held event is taken out (the held one has its row), then what the window releases follows.
         */
        private void hold(List<IngestBacklog.Entry> entries) {
            List<IngestBacklog.Entry> copies = new ArrayList<>();
            for (IngestBacklog.Entry entry : entries) {
                if (entry.event() == null) {
                    ready.add(entry); // unreadable: fails alone, on its way to the dead letters
                    continue;
                }
                switch (order.offer(entry.event(), entry, entry.receivedAt())) {
                    case LATE -> {
                        meters.counter("itdr.ingest.late", "connector", connectorId).increment();
                        ready.add(entry);
                    }
                    case DUPLICATE -> copies.add(entry);
                    case HELD -> {
                    }
                }
            }
            backlog.remove(copies);
            ready.addAll(order.release(clock.instant()));
        }

        /** Wakes this worker when the next held event's hold runs out (a quiet connector's last events). */
        private void timeOut() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            order.nextDeadline().ifPresent(deadline -> {
                long wait = Math.max(0, Duration.between(clock.instant(), deadline).toMillis()) + 1;
                timer = thread.schedule(() -> wake(Duration.ZERO), wait, TimeUnit.MILLISECONDS);
            });
        }

        /** Processes what is ready and takes it out of the backlog; a failing batch is run one at a time ({@link #isolate}). */
        private void processReady() {
            try {
                process(ready);
            } catch (RuntimeException | StackOverflowError e) {
                isolate(e); // returns when a poison event was set aside; throws to wait and try again
                pause = FIRST_PAUSE; // the next failing event gets its own attempts from the first pause on
                return;
            }
            backlog.remove(ready);
            ready.clear();
        }

        /**
         * A batch failed ({@code failure}): runs the ready events one at a time, in order, taking out
         * each that succeeds. At the first that fails, counts the failure against it (a write: when
         * the database takes none, nothing is counted and the failure is thrown to wait); below
         * {@code max-attempts} the failure is thrown (the drain waits and tries again from this
         * event), at it the event is moved to the dead letters and this returns, the drain going on
         * after it.
         */
        private void isolate(Throwable failure) {
            List<IngestBacklog.Entry> processed = new ArrayList<>();
            int total = ready.size();
            try {
                for (int i = 0; i < ready.size(); i++) {
                    IngestBacklog.Entry entry = ready.get(i);
                    try {
                        process(List.of(entry));
                    } catch (RuntimeException | StackOverflowError e) {
                        takeOut(processed); // the failing entry is first in ready now
                        int attempts = backlog.failed(entry.seq()); // throws when the database takes no write
                        if (attempts < maxAttempts) {
                            LOG.warn("connector {}: waiting event {} failed ({} of {} attempts): {}", Printable.escape(connectorId),
                                    Printable.escape(entry.event() == null ? "#" + entry.seq() : entry.event().id()), attempts, maxAttempts,
                                    Printable.escape(e.toString()));
                            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.toString(), e);
                        }
                        setAside(entry, attempts, e);
                        ready.remove(0);
                        return;
                    }
                    processed.add(entry);
                }
            } finally {
                takeOut(processed);
            }
            // one at a time, every event went through: what failed in the batch did not fail again
            LOG.info("connector {}: a batch of {} waiting events failed ({}) and then went through one at a time",
                    Printable.escape(connectorId), total, Printable.escape(failure.toString()));
        }

        /** Takes the processed entries (the first of {@link #ready}) out of the backlog, then out of ready. */
        private void takeOut(List<IngestBacklog.Entry> processed) {
            if (!processed.isEmpty()) {
                backlog.remove(processed);
                ready.subList(0, processed.size()).clear();
                processed.clear();
            }
        }

        /** Ledgers the poison event, then moves it to the dead letters (an entry for a move that failed, never a silent move). */
        private void setAside(IngestBacklog.Entry entry, int attempts, Throwable failure) {
            String reason = failure.toString();
            setAside.record(connectorId, entry.seq(), entry.event() == null ? null : entry.event().id(),
                    entry.event() == null ? null : entry.event().identityKey(),
                    entry.origin().pushed() ? entry.origin().by() : "poll:" + connectorId, attempts, reason);
            backlog.deadLetter(entry.seq(), reason, clock.instant());
            meters.counter("itdr.ingest.dead.lettered", "connector", connectorId).increment();
            LOG.warn("connector {}: waiting event {} moved to the dead letters after {} failed attempts: {}", Printable.escape(connectorId),
                    Printable.escape(entry.event() == null ? "#" + entry.seq() : entry.event().id()), attempts, Printable.escape(reason));
        }

        /** Runs of one pusher go to the engine together, in backlog order. */
        private void process(List<IngestBacklog.Entry> entries) {
            for (IngestBacklog.Entry entry : entries) {
                if (entry.unreadable() != null) {
                    throw new IllegalStateException(entry.unreadable());
                }
            }
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

package io.itdr.server.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.pipeline.Origin;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.replay.ReplayClock;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live intake's reorder window across batches (fault row 10) in the server: events wait in the
 * ingest backlog while the window holds them, so a held event survives a restart; a quiet
 * connector's held events go on after the hold bound; an event behind what was released is late,
 * processed at once and counted.
 */
class IngestReorderWindowTest {
    private static final String CONNECTOR = "reorder-test";
    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final Origin PUSHER = Origin.pushedBy("user:ci/token:reorder-test");

    @TempDir
    Path dir;

    private final List<IngestWorkers> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(IngestWorkers::close);
    }

    /** One server process over {@code database}: its engine, backlog and workers (new in-memory state each time). */
    private final class Server {
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final IngestBacklog backlog;
        final IngestWorkers workers;

        Server(DataSource database, Clock workerClock, Duration window, Duration maxHold) {
            ReplayClock clock = new ReplayClock(T0);
            JdbcLedger ledger = new JdbcLedger(database, clock);
            ResponseEngine engine = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger).forceShadow(true).build();
            JdbcEventStore store = new JdbcEventStore(database, JdbcEventStore.Retention.FULL);
            JdbcCaseStore cases = new JdbcCaseStore(database, Duration.ofHours(24));
            EventIntake intake = new EventIntake(engine, store, cases, new DecisionHandoff(database, cases, engine, clock), meters);
            backlog = new IngestBacklog(database, store);
            workers = new IngestWorkers(backlog, intake, ledger, meters, workerClock, 2, window, maxHold);
            started.add(workers);
        }

        void push(Instant receivedAt, IdentityEvent... events) {
            backlog.add(CONNECTOR, List.of(events), List.of(), PUSHER, receivedAt);
            workers.wake(CONNECTOR);
        }

        double late() {
            return meters.counter("itdr.ingest.late", "connector", CONNECTOR).count();
        }
    }

    private static IdentityEvent at(String id, long seconds) {
        return IdentityEvent.builder(id, T0.plusSeconds(seconds), "aws", new IdentityRef("arn:aws:iam::123456789012:role/app", "role", "app"))
                .tenant("123456789012").category(EventCategory.API_CALL).action("s3:GetObject").build();
    }

    @Test
    void anEventHeldInTheWindowSurvivesARestartAndIsProcessedInTimeOrder() throws Exception {
        DataSource database = TestDatabases.h2(dir.resolve("db"));
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        ReplayClock wall = new ReplayClock(now);
        Server first = new Server(database, wall, Duration.ofMinutes(5), Duration.ofHours(1));
        first.workers.start();
        first.push(now, at("b", 60));
        drained(first);
        assertThat(stored(database)).as("held: the window has not passed it").isEmpty();
        assertThat(waiting(database)).containsExactly("b");

        first.workers.close(); // the process dies: what the window held in memory is gone, its row is not
        Server second = new Server(database, wall, Duration.ofMinutes(5), Duration.ofHours(1));
        second.workers.start();
        second.push(now, at("a", 0)); // a later batch, an older event of the same identity
        drained(second);
        assertThat(stored(database)).isEmpty();
        assertThat(waiting(database)).containsExactlyInAnyOrder("a", "b");

        second.push(now, at("c", 400)); // 400 - 300 passes a and b
        drained(second);
        assertThat(stored(database)).as("in time order, not arrival order").containsExactly("a", "b");
        assertThat(waiting(database)).containsExactly("c");
        assertThat(second.late()).isZero();
    }

    @Test
    void aQuietConnectorsHeldEventsAreProcessedAfterTheHoldBound() throws Exception {
        DataSource database = TestDatabases.h2(dir.resolve("db"));
        Server server = new Server(database, Clock.systemUTC(), Duration.ofHours(1), Duration.ofMillis(500));
        server.backlog.add(CONNECTOR, List.of(at("b", 60)), List.of(), PUSHER, Instant.now());
        server.backlog.add(CONNECTOR, List.of(at("a", 0)), List.of(), PUSHER, Instant.now());
        server.workers.start();
        // no newer event comes: the wall-clock bound (500 ms from receipt) lets them go, in time order, by the worker's own timer
        assertThat(server.workers.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(stored(database)).containsExactly("a", "b");
        assertThat(waiting(database)).isEmpty();
    }

    @Test
    void aHoldThatRanOutWhileTheServerWasDownEndsAtStartUp() throws Exception {
        DataSource database = TestDatabases.h2(dir.resolve("db"));
        Instant received = Instant.parse("2026-12-06T12:00:00Z");
        ReplayClock wall = new ReplayClock(received);
        Server first = new Server(database, wall, Duration.ofHours(1), Duration.ofMinutes(1));
        first.backlog.add(CONNECTOR, List.of(at("a", 0)), List.of(), PUSHER, received);
        first.workers.close(); // acknowledged, then the process died before its worker ran

        wall.set(received.plus(Duration.ofMinutes(2))); // the hold is counted from receipt, not from the restart
        Server second = new Server(database, wall, Duration.ofHours(1), Duration.ofMinutes(1));
        second.workers.start();
        assertThat(second.workers.awaitIdle(Duration.ofSeconds(10))).isTrue();
        assertThat(stored(database)).containsExactly("a");
    }

    @Test
    void anEventBehindWhatWasReleasedIsLateProcessedAtOnceAndCounted() throws Exception {
        DataSource database = TestDatabases.h2(dir.resolve("db"));
        Instant now = Instant.parse("2026-12-06T12:00:00Z");
        Server server = new Server(database, new ReplayClock(now), Duration.ofSeconds(60), Duration.ofHours(1));
        server.workers.start();
        server.push(now, at("a", 0), at("c", 120)); // 120 - 60 passes a
        drained(server);
        assertThat(stored(database)).containsExactly("a");

        server.push(now, at("b", 90)); // behind c by less than the window, after a: held, to be put in its place
        drained(server);
        assertThat(server.late()).isZero();
        assertThat(stored(database)).containsExactly("a");

        server.push(now, at("z", -30)); // behind a, which was processed: late
        drained(server);
        assertThat(server.late()).isEqualTo(1);
        assertThat(stored(database)).as("late, processed at once, not dropped").containsExactly("a", "z");
        assertThat(waiting(database)).containsExactlyInAnyOrder("b", "c");
    }

    /** Waits until the worker went through what was added (held rows stay, so not awaitIdle). */
    private static void drained(Server server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.workers.busy(CONNECTOR)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the worker did not settle in 10 s");
    }

    private static List<String> stored(DataSource database) throws SQLException {
        return ids(database, "SELECT event_id FROM events WHERE connector_id = ? ORDER BY seq");
    }

    private static List<String> waiting(DataSource database) throws SQLException {
        return ids(database, "SELECT event_id FROM ingest_backlog WHERE connector_id = ? ORDER BY seq");
    }

    private static List<String> ids(DataSource database, String sql) throws SQLException {
        try (Connection connection = database.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, CONNECTOR);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        }
    }
}

package io.itdr.server.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.replay.ReplayClock;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import io.itdr.spi.event.IdentityEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ingest backlog's dead letters on both databases the server runs on: a waiting event whose
 * stored body cannot be read (a poison row: no retry can help it) fails alone, is tried
 * {@code max-attempts} times, then ledgered and moved to the dead letters while the events around
 * it are processed and stored; it stays a duplicate for pushes while it is there; re-queued it is
 * back at the end of the backlog and, once its row is repaired, stored; dropped it is gone.
 */
class IngestDeadLetterStoreTest {
    private static final String CONNECTOR = PushedBacklogChild.CONNECTOR;

    @TempDir
    static Path dir;

    private IngestWorkers workers;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", TestDatabases.h2(dir.resolve("h2-" + System.nanoTime()))),
                Arguments.of("postgresql", TestDatabases.postgres()));
    }

    @AfterEach
    void stop() {
        if (workers != null) {
            workers.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anUnreadableRowIsDeadLetteredAndTheRestIsStoredThenRequeuedOrDropped(String name, DataSource database) throws Exception {
        ReplayClock clock = new ReplayClock(PushedBacklogChild.T0);
        JdbcLedger ledger = new JdbcLedger(database, clock);
        ResponseEngine engine = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger).forceShadow(true).build();
        JdbcEventStore store = new JdbcEventStore(database, JdbcEventStore.Retention.FULL);
        JdbcCaseStore cases = new JdbcCaseStore(database, Duration.ofHours(24));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        EventIntake intake = new EventIntake(engine, store, cases, new DecisionHandoff(database, cases, engine, clock), meters);
        IngestBacklog backlog = new IngestBacklog(database, store);
        workers = new IngestWorkers(backlog, intake, ledger, meters, clock, 2);
        IngestDeadLetters deadLetters = new IngestDeadLetters(backlog, workers, ledger);

        List<IdentityEvent> events = PushedBacklogChild.events(0, 7);
        assertThat(backlog.add(CONNECTOR, events, List.of(), PushedBacklogChild.PUSHER, PushedBacklogChild.T0).accepted()).isEqualTo(7);
        corrupt(database, "evt-2");
        corrupt(database, "evt-5");
        workers.start();
        assertThat(workers.awaitIdle(Duration.ofSeconds(60))).as("the worker settles").isTrue();

        assertThat(stored(database)).containsExactly("evt-0", "evt-1", "evt-3", "evt-4", "evt-6");
        List<IngestBacklog.DeadLetter> letters = deadLetters.list(CONNECTOR, 50, 0);
        assertThat(letters).extracting(IngestBacklog.DeadLetter::eventId).containsExactly("evt-2", "evt-5");
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.attempts()).isEqualTo(2);
            assertThat(letter.reason()).contains("cannot be read");
            assertThat(letter.pushedBy()).isEqualTo(PushedBacklogChild.PUSHER.by());
            assertThat(letter.deadAt()).isEqualTo(PushedBacklogChild.T0);
        });
        assertThat(deadLetters.counts(CONNECTOR)).isEqualTo(new IngestBacklog.Counts(0, 2));
        assertThat(meters.counter("itdr.ingest.dead.lettered", "connector", CONNECTOR).count()).isEqualTo(2);
        assertThat(ledger.read(1, 10_000)).filteredOn(e -> e.kind().equals("ingest.dead_lettered"))
                .extracting(e -> e.evidence().get("backlog.seq") + " " + e.evidence().get("attempts") + " " + e.actor())
                .containsExactly(letters.get(0).seq() + " 2 system", letters.get(1).seq() + " 2 system");

        // pushed again while set aside: a duplicate, the dead letter is its one copy
        assertThat(backlog.add(CONNECTOR, List.of(events.get(2)), List.of(), PushedBacklogChild.PUSHER, PushedBacklogChild.T0).duplicates())
                .isEqualTo(1);

        // re-queued: at the end of the backlog, its failures from zero; the repaired row is stored
        repair(database, letters.get(0).seq(), events.get(2));
        long placed = deadLetters.requeue(CONNECTOR, letters.get(0).seq(), "user:ops", "the row was repaired").orElseThrow();
        assertThat(placed).isGreaterThan(letters.get(0).seq());
        assertThat(workers.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(stored(database)).contains("evt-2");
        assertThat(deadLetters.requeue(CONNECTOR, letters.get(0).seq(), "user:ops", "again")).as("no longer a dead letter").isEmpty();

        // dropped: gone, and a new push of it is new
        assertThat(deadLetters.drop(CONNECTOR, letters.get(1).seq(), "user:admin", "a test event")).isTrue();
        assertThat(deadLetters.list(CONNECTOR, 50, 0)).isEmpty();
        assertThat(backlog.add(CONNECTOR, List.of(events.get(5)), List.of(), PushedBacklogChild.PUSHER, PushedBacklogChild.T0).accepted())
                .isEqualTo(1);
        workers.wake(CONNECTOR);
        assertThat(workers.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(stored(database)).containsExactly("evt-0", "evt-1", "evt-2", "evt-3", "evt-4", "evt-5", "evt-6");

        List<LedgerEntry> changes = ledger.read(1, 10_000).stream().filter(e -> e.kind().startsWith("admin.ingest_")).toList();
        assertThat(changes).extracting(e -> e.kind() + " " + e.evidence().get("event.id") + " " + e.actor() + " " + e.evidence().get("reason"))
                .containsExactly("admin.ingest_requeued evt-2 user:ops the row was repaired", "admin.ingest_dropped evt-5 user:admin a test event");
        assertThat(ledger.verify().intact()).isTrue();
    }

    private static void corrupt(DataSource database, String eventId) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE ingest_backlog SET body = ? WHERE event_id = ?")) {
            update.setString(1, "{\"id\": \"" + eventId + "\", \"truncated");
            update.setString(2, eventId);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    /** The operator's fix of the cause: the dead letter's stored body made readable. */
    private static void repair(DataSource database, long seq, IdentityEvent event) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE ingest_dead_letters SET body = ? WHERE seq = ?")) {
            update.setString(1, EventJson.write(event));
            update.setLong(2, seq);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private static List<String> stored(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT event_id FROM events WHERE connector_id = ? ORDER BY event_id")) {
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

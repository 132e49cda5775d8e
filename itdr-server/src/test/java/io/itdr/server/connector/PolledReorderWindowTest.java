package io.itdr.server.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.replay.ReplayClock;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.intake.DecisionHandoff;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.intake.IngestBacklog;
import io.itdr.server.intake.IngestWorkers;
import io.itdr.server.schedule.TelemetryPolling;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcCursorStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * Polled telemetry under a reorder window (fault row 10): a page's events are stored in the ingest
 * backlog before the cursor moves, so an event the window holds when the process dies is neither
 * lost nor needed again from the platform, and an older event of a later page is processed before it.
 * (In this package for the connector status a {@link ConnectorRuntime.Managed} carries.)
 */
class PolledReorderWindowTest {
    private static final String CONNECTOR = "polled-reorder";
    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path dir;

    private final List<IngestWorkers> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(IngestWorkers::close);
    }

    /** A platform whose pages (one per cursor position) are each one event: b, then the older a, then c. */
    private static final class Pages implements Connector, TelemetrySource {
        final List<Cursor> asked = new ArrayList<>();

        @Override
        public String id() {
            return CONNECTOR;
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.TELEMETRY_POLL);
        }

        @Override
        public TelemetrySource telemetry() {
            return this;
        }

        @Override
        public TelemetryBatch poll(Cursor cursor, int maxEvents) {
            asked.add(cursor);
            int page = cursor.value().isEmpty() ? 0 : Integer.parseInt(cursor.value());
            List<IdentityEvent> events = switch (page) {
                case 0 -> List.of(at("b", 60));
                case 1 -> List.of(at("a", 0));
                case 2 -> List.of(at("c", 400));
                default -> List.of();
            };
            return new TelemetryBatch(events, List.of(), new Cursor(Integer.toString(Math.min(page + 1, 3))), false);
        }

        @Override
        public void close() {
        }
    }

    private static IdentityEvent at(String id, long seconds) {
        return IdentityEvent.builder(id, T0.plusSeconds(seconds), CONNECTOR, new IdentityRef("arn:aws:iam::123456789012:role/app", "role", "app"))
                .tenant("123456789012").category(EventCategory.API_CALL).action("s3:GetObject").build();
    }

    /** One server process: engine, backlog, workers (a 5-minute window, an hour's hold) and the poller. */
    private final class Server {
        final IngestWorkers workers;
        final TelemetryPolling polling;

        Server(DataSource database, ReplayClock clock) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            JdbcLedger ledger = new JdbcLedger(database, clock);
            ResponseEngine engine = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger).forceShadow(true).build();
            JdbcEventStore store = new JdbcEventStore(database, JdbcEventStore.Retention.FULL);
            JdbcCaseStore cases = new JdbcCaseStore(database, Duration.ofHours(24));
            EventIntake intake = new EventIntake(engine, store, cases, new DecisionHandoff(database, cases, engine, clock), meters);
            IngestBacklog backlog = new IngestBacklog(database, store);
            workers = new IngestWorkers(backlog, intake, ledger, meters, clock, 2, Duration.ofMinutes(5), Duration.ofHours(1));
            started.add(workers);
            ItdrProperties properties = new ItdrProperties(null, null, new ItdrProperties.Events("full", Duration.ofDays(30)),
                    new ItdrProperties.Incidents(Duration.ofHours(24)), new ItdrProperties.Approvals(Duration.ofHours(4)), Map.of(),
                    new ItdrProperties.Ingest(DataSize.ofMegabytes(10)), new ItdrProperties.Security(null, "roles", "sub", null),
                    new ItdrProperties.Plugins(null),
                    new ItdrProperties.LedgerSettings(new ItdrProperties.Checkpoint(null, Duration.ofMinutes(5), null, null)));
            polling = new TelemetryPolling(new ConnectorRuntime(properties, clock, meters), intake, new JdbcCursorStore(database), backlog,
                    workers, null, clock);
            workers.start();
        }

        void poll(Connector platform) throws InterruptedException {
            polling.poll(new ConnectorRuntime.Managed(CONNECTOR, null, platform,
                    new ItdrProperties.Connector(true, Map.of(), Map.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(30),
                            Duration.ofSeconds(60), 500, Duration.ofSeconds(30), 4),
                    null, new ConnectorStatus(CONNECTOR)));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (workers.busy(CONNECTOR)) {
                assertThat(System.nanoTime()).as("the worker settles within 10 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    @Test
    void aPolledEventHeldInTheWindowIsStoredBeforeTheCursorMovesAndSurvivesARestart() throws Exception {
        DataSource database = TestDatabases.h2(dir.resolve("db"));
        ReplayClock clock = new ReplayClock(Instant.parse("2026-12-06T12:00:00Z"));
        Pages platform = new Pages();

        Server first = new Server(database, clock);
        first.poll(platform);
        assertThat(cursor(database)).isEqualTo("1");
        assertThat(ids(database, "events")).as("held by the window").isEmpty();
        assertThat(ids(database, "ingest_backlog")).containsExactly("b");
        first.workers.close(); // the process dies: the window's memory is gone, the row is not

        Server second = new Server(database, clock);
        second.poll(platform);
        assertThat(platform.asked).as("b is not asked for again").containsExactly(Cursor.START, new Cursor("1"));
        assertThat(ids(database, "events")).isEmpty();
        second.poll(platform); // c: 400 - 300 passes a and b
        assertThat(ids(database, "events")).as("in time order across pages and the restart").containsExactly("a", "b");
        assertThat(ids(database, "ingest_backlog")).containsExactly("c");
        assertThat(cursor(database)).isEqualTo("3");
    }

    private static String cursor(DataSource database) {
        return new JdbcCursorStore(database).load(CONNECTOR).orElse(null);
    }

    private static List<String> ids(DataSource database, String table) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT event_id FROM " + table + " WHERE connector_id = ? ORDER BY seq")) {
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

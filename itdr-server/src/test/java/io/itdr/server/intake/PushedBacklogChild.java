package io.itdr.server.intake;

import io.itdr.core.audit.Ledger;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.pipeline.Origin;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.replay.ReplayClock;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The process {@link PushedBacklogKillTest} kills: the server's push hand-off (the {@link
 * IngestBacklog} over the server's event store, with the {@link IngestWorkers} running the engine
 * behind it) fed pushes of events, each overlapping the one before by half (a sender that sends
 * again). After every acknowledged push (stored and synced, as {@link Ingest} does before its 202)
 * it prints {@code ack <first> <last> <accepted> <duplicates>} and flushes, while the worker
 * processes what came before.
 *
 * <p>{@code PushedBacklogChild <jdbc-url> <user> <events> <push-size> <mode>}: mode {@code push}
 * pushes until killed or done; {@code redeliver} pushes everything again, waits until the worker
 * processed all, prints {@code accepted <n>} and {@code done}.
 */
public final class PushedBacklogChild {
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final String CONNECTOR = "push-kill-test";
    static final Origin PUSHER = Origin.pushedBy("user:ci/token:push-kill-test");

    private PushedBacklogChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        DataSource dataSource = dataSource(args[0], args[1]);
        int events = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        boolean redeliver = "redeliver".equals(args[4]);
        ReplayClock clock = new ReplayClock(T0);
        Ledger ledger = new JdbcLedger(dataSource, clock);
        ResponseEngine engine = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger).forceShadow(true).build();
        JdbcEventStore store = new JdbcEventStore(dataSource, JdbcEventStore.Retention.FULL);
        JdbcCaseStore cases = new JdbcCaseStore(dataSource, Duration.ofHours(24));
        EventIntake intake = new EventIntake(engine, store, cases, new DecisionHandoff(dataSource, cases, engine, clock), new SimpleMeterRegistry());
        IngestBacklog backlog = new IngestBacklog(dataSource, store);
        IngestWorkers workers = new IngestWorkers(backlog, intake, ledger, new SimpleMeterRegistry(), clock,
                io.itdr.server.config.ItdrProperties.Ingest.DEFAULT_MAX_ATTEMPTS);
        workers.start(); // what a killed run left waiting is processed first
        PrintStream out = System.out;
        int accepted = 0;
        for (int start = 0; start < events; start += redeliver ? size : size / 2) {
            int end = Math.min(events, start + size);
            IngestBacklog.Added added = backlog.add(CONNECTOR, events(start, end), List.of(), PUSHER, T0);
            backlog.sync();
            workers.wake(CONNECTOR);
            accepted += added.accepted();
            out.println("ack " + start + " " + (end - 1) + " " + added.accepted() + " " + added.duplicates());
            out.flush();
        }
        if (redeliver) {
            if (!workers.awaitIdle(Duration.ofMinutes(4))) {
                throw new IllegalStateException("the worker did not finish");
            }
            out.println("accepted " + accepted);
        }
        workers.close();
        out.println("done");
        out.flush();
    }

    static List<IdentityEvent> events(int from, int to) {
        List<IdentityEvent> events = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) {
            String role = "arn:aws:iam::123456789012:role/app-" + (n % 50);
            events.add(IdentityEvent.builder("evt-" + n, T0.plusMillis(100L * n), "aws", new IdentityRef(role, "role", "app-" + (n % 50)))
                    .tenant("123456789012").category(EventCategory.API_CALL).action("s3:GetObject").build());
        }
        return events;
    }

    static DataSource dataSource(String url, String user) {
        if (url.startsWith("jdbc:h2:")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL(url);
            h2.setUser(user);
            return h2;
        }
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(url);
        postgres.setUser(user);
        return postgres;
    }
}

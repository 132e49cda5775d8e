package io.itdr.server.store;

import io.itdr.core.audit.Ledger;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.pipeline.Intake;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.replay.ReplayClock;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The process {@link DurableIntakeKillTest} kills: the server's durable intake (the engine's {@link
 * Intake} over the server's event store, ledger and case store) fed batches of events, each batch
 * overlapping the one before by half (a redelivery). After every acknowledged batch ({@link
 * Intake#accept} returned) it prints {@code ack <first> <last>}, the range of event numbers the
 * batch held, and flushes: what was printed was acknowledged.
 *
 * <p>{@code DurableIntakeChild <jdbc-url> <user> <from-event> <to-event> <batch>}
 */
public final class DurableIntakeChild {
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final String CONNECTOR = "kill-test";

    private DurableIntakeChild() {
    }

    public static void main(String[] args) {
        DataSource dataSource = dataSource(args[0], args[1]);
        int from = Integer.parseInt(args[2]);
        int to = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        ReplayClock clock = new ReplayClock(T0);
        Ledger ledger = new JdbcLedger(dataSource, clock);
        Intake intake = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger).forceShadow(true).build()
                .intake(new JdbcEventStore(dataSource, JdbcEventStore.Retention.FULL),
                        new JdbcCaseStore(dataSource, Duration.ofHours(24)), clock.following(outcome -> { }));
        PrintStream out = System.out;
        out.println("ready");
        out.flush();
        // each batch starts half a batch before the end of the last: half of every batch is a redelivery
        for (int start = from; start < to; start += batch / 2) {
            int end = Math.min(to, start + batch);
            intake.accept(CONNECTOR, events(start, end));
            out.println("ack " + start + " " + (end - 1));
            out.flush();
        }
        out.println("done");
        out.flush();
    }

    /** Events number {@code from} (inclusive) to {@code to} (exclusive): the same number, the same event. */
    static List<IdentityEvent> events(int from, int to) {
        List<IdentityEvent> events = new ArrayList<>(to - from);
        for (int n = from; n < to; n++) {
            events.add(event(n));
        }
        return events;
    }

    static IdentityEvent event(int n) {
        String role = "arn:aws:iam::123456789012:role/app-" + (n % 50);
        return IdentityEvent.builder("evt-" + n, T0.plusMillis(100L * n), "aws", new IdentityRef(role, "role", "app-" + (n % 50)))
                .tenant("123456789012").category(EventCategory.API_CALL).action("s3:GetObject").build();
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

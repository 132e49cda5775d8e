package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionJournal;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.Approvals;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Stage;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clock skew between the server and its database (fault row 11): the server's injected clock runs
 * hours ahead of the database's, then hours behind it, then steps backwards. Every time itdr
 * stores is the server's, and every comparison of times is made by the server against its own
 * clock; the database's clock is never asked. So the ledger keeps append order (by sequence
 * number, whatever the times say) and its chain; an approval expires by the server's clock, not by
 * the database's; and no SQL statement or migration reads the database's time, which is what
 * keeps budget windows, retention and the start-up sweeps on one clock too.
 */
class ClockSkewTest {
    private static final Duration SKEW = Duration.ofHours(6);

    /** The server's clock, set by the test. */
    static final class SetClock extends Clock {
        volatile Instant now;

        SetClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path dir;

    @Test
    void theLedgerKeepsAppendOrderAndItsChainWhenTheServersClockIsAheadBehindOrStepsBack() throws SQLException {
        DataSource database = TestDatabases.h2(dir);
        Instant databaseNow = databaseNow(database);
        SetClock clock = new SetClock(databaseNow.plus(SKEW));
        JdbcLedger ledger = new JdbcLedger(database, clock);

        ledger.append(draft("server ahead of the database"));
        clock.now = databaseNow.minus(SKEW); // then behind it: the server's time went back 12 hours
        ledger.append(draft("server behind the database"));
        clock.now = databaseNow.minus(SKEW).minusSeconds(1);
        ledger.append(draft("and one second further back"));

        List<LedgerEntry> entries = ledger.read(1, 10);
        assertThat(entries).extracting(LedgerEntry::result)
                .containsExactly("server ahead of the database", "server behind the database", "and one second further back");
        assertThat(entries).extracting(LedgerEntry::seq).isSorted();
        assertThat(entries).extracting(LedgerEntry::time).as("the times written are the server's")
                .containsExactly(databaseNow.plus(SKEW), databaseNow.minus(SKEW), databaseNow.minus(SKEW).minusSeconds(1));
        assertThat(ledger.verify().intact()).isTrue();
    }

    @Test
    void anApprovalExpiresByTheServersClockNotTheDatabases() throws SQLException {
        DataSource database = TestDatabases.h2(dir);
        Instant databaseNow = databaseNow(database);
        SetClock clock = new SetClock(databaseNow.minus(SKEW)); // the server runs 6 hours behind the database
        JdbcLedger ledger = new JdbcLedger(database, clock);
        ActionJournal journal = new ActionJournal(ledger, new JdbcActionStore(database), clock);
        Approvals approvals = new Approvals(journal, Duration.ofHours(1));
        ActionRecord planned = journal.open(ActionRecord.planned("skew/action", "skew/decision", "skew/finding", "memory/svc-skew",
                "memory", plan(clock.now), "skew-key", "policy:skew", clock.now), Stage.CONTAINMENT, "policy:skew", "planned", Map.of());
        ActionRecord held = approvals.request(planned, "policy:skew", Map.of());
        assertThat(held.approvalExpiresAt()).isEqualTo(databaseNow.minus(SKEW).plus(Duration.ofHours(1)));
        assertThat(held.approvalExpiresAt()).as("already past by the database's clock").isBefore(databaseNow);

        clock.now = databaseNow.minus(SKEW).plus(Duration.ofMinutes(59));
        assertThat(approvals.expireDue()).as("not expired by the server's clock").isEmpty();
        assertThat(journal.require("skew/action").state()).isEqualTo(ActionState.HELD);

        clock.now = databaseNow.minus(SKEW).plus(Duration.ofMinutes(61));
        assertThat(approvals.expireDue()).extracting(ActionRecord::id).containsExactly("skew/action");
        assertThat(journal.require("skew/action").state()).isEqualTo(ActionState.EXPIRED);
        assertThat(ledger.verify().intact()).isTrue();
    }

    /** The guarantee behind the two tests above: nothing the server runs on its database reads the database's clock. */
    @Test
    void noStatementOrMigrationReadsTheDatabasesClock() throws IOException {
        Pattern databaseTime = Pattern.compile("(?i)\\b(current_timestamp|current_date|current_time|localtimestamp|localtime|sysdate"
                + "|systimestamp|now\\s*\\(\\)|clock_timestamp|statement_timestamp|transaction_timestamp)\\b");
        List<Path> roots = List.of(Path.of("src/main/java"), Path.of("src/main/resources/db/migration"));
        List<String> found;
        try (Stream<Path> files = roots.stream().flatMap(ClockSkewTest::walk)) {
            found = files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".sql"))
                    .flatMap(f -> lines(f).filter(line -> databaseTime.matcher(line).find()
                            && !line.strip().startsWith("*") && !line.strip().startsWith("//") && !line.strip().startsWith("--"))
                            .map(line -> f + ": " + line.strip()))
                    .toList();
        }
        assertThat(roots).allSatisfy(root -> assertThat(root).isDirectory());
        assertThat(found).as("times come from the server's injected Clock, never from the database").isEmpty();
    }

    private static Stream<Path> walk(Path root) {
        try {
            return Files.walk(root).filter(Files::isRegularFile).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static LedgerDraft draft(String result) {
        return new LedgerDraft("skew-incident", Stage.DETECTION, "finding", "detector:skew", "memory/svc-skew", Map.of("k", "v"), result);
    }

    private static ActionPlan plan(Instant at) {
        ActionRequest request = new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget("tenant", IdentityRef.of("svc-skew"),
                new CredentialRef("KEY-SKEW", "access_key")), Map.of());
        return new ActionPlan("memory", request, List.of(new PlatformCall("UpdateKey", "KEY-SKEW", true)), Reversibility.REVERSIBLE,
                new Snapshot(Map.of("KEY-SKEW", "Active"), at), new Snapshot(Map.of("KEY-SKEW", "Inactive"), at), "disable KEY-SKEW", Map.of());
    }

    /** The database's own time, truncated as the test's clock values are. */
    private static Instant databaseNow(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection(); Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT CURRENT_TIMESTAMP")) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class).toInstant().truncatedTo(ChronoUnit.MILLIS);
        }
    }
}

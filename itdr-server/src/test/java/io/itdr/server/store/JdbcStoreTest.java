package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.StaleActionException;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerException;
import io.itdr.core.model.Stage;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The stores on both databases the server runs on: H2 (file, WRITE_DELAY=0) and PostgreSQL. */
class JdbcStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    static Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", TestDatabases.h2(dir.resolve("h2-" + System.nanoTime()))),
                Arguments.of("postgresql", TestDatabases.postgres()));
    }

    private static LedgerDraft draft(String kind) {
        return new LedgerDraft(null, Stage.CONTAINMENT, kind, "system", "aws/123/role", Map.of("b", "2", "a", "1"), "ok");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theLedgerChainsCommitsAndVerifiesAcrossInstances(String name, DataSource database) {
        JdbcLedger ledger = new JdbcLedger(database, CLOCK);
        LedgerEntry first = ledger.append(draft("finding"));
        List<LedgerEntry> more = ledger.appendAll(List.of(draft("decision"), draft("action.planned")));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(more).extracting(LedgerEntry::seq).containsExactly(2L, 3L);
        assertThat(more.get(0).prevHash()).isEqualTo(first.hash());
        // a second instance (a restart, or another replica) continues the same chain
        JdbcLedger reopened = new JdbcLedger(database, CLOCK);
        assertThat(reopened.append(draft("action.executing")).prevHash()).isEqualTo(more.get(1).hash());
        // and a stale first instance re-reads the head instead of forking the chain
        assertThat(ledger.append(draft("action.executed")).seq()).isEqualTo(5);

        assertThat(reopened.read(1, 10)).hasSize(5).first().isEqualTo(first);
        assertThat(reopened.size()).isEqualTo(5);
        assertThat(reopened.verify().intact()).isTrue();
        assertThat(reopened.verify().entriesChecked()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void ledgerRowsCannotBeUpdatedOrDeleted(String name, DataSource database) throws SQLException {
        JdbcLedger ledger = new JdbcLedger(database, CLOCK);
        ledger.append(draft("finding"));
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE ledger SET result = 'forged' WHERE seq = 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM ledger WHERE seq = 1"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
        assertThat(ledger.verify().intact()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theLedgerCannotBeTruncated(String name, DataSource database) throws SQLException {
        JdbcLedger ledger = new JdbcLedger(database, CLOCK);
        ledger.append(draft("finding"));
        ledger.append(draft("decision"));
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("TRUNCATE TABLE ledger")).isInstanceOf(SQLException.class);
        }
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(ledger.verify().intact()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLedgerThatCannotBeWrittenSaysSo(String name, DataSource database) throws SQLException {
        JdbcLedger ledger = new JdbcLedger(database, CLOCK);
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE ledger ADD COLUMN required_extra VARCHAR(10) NOT NULL");
        }
        assertThatThrownBy(() -> ledger.append(draft("finding")))
                .isInstanceOf(LedgerException.class).hasMessageContaining("the ledger cannot be written").hasMessageContaining("finding");
    }

    private static ActionRecord planned() {
        ActionTarget target = new ActionTarget("123456789012", new IdentityRef("arn:aws:iam::123456789012:user/ci", "iam_user", "ci"),
                new CredentialRef("AKIAEXAMPLE", "access_key"));
        ActionPlan plan = new ActionPlan("aws", new ActionRequest(Rung.DISABLE_CREDENTIAL, target, Map.of("reason", "token replay")),
                List.of(new PlatformCall("iam:UpdateAccessKey", "AKIAEXAMPLE", true)), Reversibility.REVERSIBLE,
                new Snapshot(Map.of("status", "Active"), T0), new Snapshot(Map.of("status", "Inactive"), T0),
                "deactivate access key AKIAEXAMPLE", Map.of("user", "ci"));
        return ActionRecord.planned("dec-1/action/0", "dec-1", "fnd-1", "aws/123456789012/arn:aws:iam::123456789012:user/ci", "aws",
                plan, "idem-1", "policy:itdr-default/1.0.0#replay", T0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void actionRecordsRoundTripAndUpdatesAreVersionChecked(String name, DataSource database) {
        JdbcActionStore store = new JdbcActionStore(database);
        ActionRecord planned = planned();
        store.insert(planned);
        assertThat(store.find(planned.id())).contains(planned);
        assertThatThrownBy(() -> store.insert(planned)).isInstanceOf(IllegalStateException.class).hasMessageContaining("already exists");

        ActionRecord held = planned.held(T0.plus(Duration.ofHours(4)), T0.plusSeconds(1));
        store.update(held);
        assertThat(store.find(planned.id())).contains(held);
        assertThat(store.inStates(Set.of(ActionState.HELD))).containsExactly(held);
        assertThat(store.inStates(Set.of(ActionState.EXECUTING))).isEmpty();
        assertThat(store.countByState()).containsEntry(ActionState.HELD, 1L);

        // a second writer holding the old version loses
        assertThatThrownBy(() -> store.update(planned.held(T0.plus(Duration.ofHours(1)), T0.plusSeconds(2))))
                .isInstanceOf(StaleActionException.class).hasMessageContaining("version 2");
    }

    private static IdentityEvent event(String id, int second) {
        return IdentityEvent.builder(id, T0.plusSeconds(second), "aws", new IdentityRef("arn:aws:iam::123456789012:user/ci", "iam_user", "ci"))
                .tenant("123456789012").category(EventCategory.API_CALL).action("s3:GetObject").build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eventsAreStoredOnceAndOnlyWhatWasNotSeenIsNew(String name, DataSource database) {
        JdbcEventStore full = new JdbcEventStore(database, JdbcEventStore.Retention.FULL);
        List<IdentityEvent> first = IntStream.range(0, 1200).mapToObj(i -> event("e-" + i, i)).toList();
        assertThat(full.append("aws", first, T0)).hasSize(1200);

        List<IdentityEvent> again = List.of(event("e-5", 5), event("e-1300", 1300), event("e-1300", 1300), event("e-1199", 1199));
        assertThat(full.unseen("aws", again)).extracting(IdentityEvent::id).containsExactly("e-1300");
        assertThat(full.unseen("okta", again)).as("ids are per connector").hasSize(3);
        assertThat(full.append("aws", again, T0.plusSeconds(60))).extracting(IdentityEvent::id).containsExactly("e-1300");
        assertThat(full.count()).isEqualTo(1201);
        assertThat(full.read(0, 2)).extracting(e -> e.event().id()).containsExactly("e-0", "e-1");

        assertThat(full.deleteReceivedBefore(T0.plusSeconds(30))).isEqualTo(1200);
        assertThat(full.count()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void awkwardTextAndRawRecordsComeBackAsTheyWereStored(String name, DataSource database) {
        JdbcEventStore full = new JdbcEventStore(database, JdbcEventStore.Retention.FULL);
        String awkward = "tab\there, new\nline, cr\r, back\\slash \\N, \"quotes\", {braces}, comma, NULL, é ✓ 𝄞";
        IdentityEvent odd = IdentityEvent.builder("e-" + awkward, T0.plusNanos(123_456_789), "aws",
                        new IdentityRef("arn:aws:iam::123456789012:user/" + awkward, "iam_user", awkward))
                .tenant("123456789012").category(EventCategory.API_CALL).action("s3:GetObject").target(awkward)
                .attributes(Map.of("k\t" + awkward, awkward)).build();
        IdentityEvent plain = event("NULL", 1);
        Map<IdentityEvent, String> records = new java.util.IdentityHashMap<>();
        records.put(odd, "{\"eventName\":\"" + awkward.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                .replace("\r", "\\r").replace("\t", "\\t") + "\"}");

        assertThat(full.append("aws", List.of(odd, plain), records::get, T0)).containsExactly(odd, plain);
        assertThat(full.unseen("aws", List.of(odd, plain, event("e-new", 2)))).extracting(IdentityEvent::id).containsExactly("e-new");
        assertThat(full.append("aws", List.of(plain, odd), records::get, T0)).as("stored already").isEmpty();

        assertThat(full.read(0, 10)).extracting(JdbcEventStore.StoredEvent::event).containsExactly(odd, plain);
        List<io.itdr.server.query.EventQueries.EventRow> rows = full.latest(10, 0, true);
        assertThat(rows).extracting(io.itdr.server.query.EventQueries.EventRow::eventId).containsExactly("NULL", odd.id());
        assertThat(rows.get(1).record()).isEqualTo(records.get(odd));
        assertThat(rows.get(0).record()).isNull();
        assertThat(rows.get(1).identityKey()).isEqualTo(odd.identityKey());
        assertThat(rows.get(1).occurredAt()).isEqualTo(T0.plusNanos(123_457_000)); // microseconds, as both databases keep them
        assertThat(rows.get(1).digest()).isEqualTo(JdbcEventStore.sha256(rows.get(1).json()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void underDigestRetentionOnlyTheHashIsKept(String name, DataSource database) {
        JdbcEventStore digests = new JdbcEventStore(database, JdbcEventStore.Retention.DIGEST);
        digests.append("aws", List.of(event("e-1", 1)), T0);

        assertThat(digests.count()).isEqualTo(1);
        assertThat(digests.read(0, 10)).as("no bodies to replay").isEmpty();
    }
}

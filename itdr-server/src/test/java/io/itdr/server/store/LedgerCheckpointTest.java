package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerCheckpoint;
import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerHead;
import io.itdr.core.audit.LedgerReport;
import io.itdr.core.model.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ledger against its signed checkpoints on both databases: a tail cut off or a ledger wiped
 * and refilled behind the append-only rules (by someone who can drop triggers) is reported, and so
 * is a forged checkpoint.
 */
class LedgerCheckpointTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);
    private static final KeyPair KEYS = LedgerCheckpointKeys.generate();

    @TempDir
    static Path dir;
    @TempDir
    Path checkpointDir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", TestDatabases.h2(dir.resolve("h2-" + System.nanoTime()))),
                Arguments.of("postgresql", TestDatabases.postgres()));
    }

    private LedgerCheckpoints checkpoints() {
        return new LedgerCheckpoints(checkpointDir, KEYS.getPrivate(), KEYS.getPublic());
    }

    private static JdbcLedger ledgerOf(DataSource database, int entries) {
        JdbcLedger ledger = new JdbcLedger(database, CLOCK);
        append(ledger, entries, "ok");
        return ledger;
    }

    private static void append(JdbcLedger ledger, int entries, String result) {
        for (int i = 0; i < entries; i++) {
            ledger.append(new LedgerDraft(null, Stage.DETECTION, "finding", "detector:token_replay", "aws/1/role",
                    Map.of("finding.id", "f-" + i), result));
        }
    }

    private static LedgerCheckpoint checkpoint(JdbcLedger ledger, LedgerCheckpoints checkpoints, Instant time) {
        return checkpoints.write(LedgerHead.of(ledger.last().orElseThrow()), time);
    }

    /** What someone with DDL rights (or a superuser) can do: switch the append-only rule off and delete rows. */
    private static void deleteBehindTheTriggersBack(String name, DataSource database, String where) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            if (name.equals("h2")) {
                statement.execute("DROP TRIGGER ledger_no_delete");
            } else {
                statement.execute("ALTER TABLE ledger DISABLE TRIGGER ledger_no_update_delete");
            }
            statement.executeUpdate("DELETE FROM ledger" + where);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anIntactLedgerWithCheckpointsVerifiesAndShowsItsHead(String name, DataSource database) {
        JdbcLedger ledger = ledgerOf(database, 3);
        LedgerCheckpoints checkpoints = checkpoints();
        checkpoint(ledger, checkpoints, T0);
        append(ledger, 2, "ok");
        LedgerCheckpoint latest = checkpoint(ledger, checkpoints, T0.plusSeconds(300));
        append(ledger, 1, "after the last checkpoint");

        LedgerReport report = ledger.report(checkpoints);

        assertThat(report.intact()).as(report.reason()).isTrue();
        assertThat(report.entriesChecked()).isEqualTo(6);
        assertThat(report.head()).isEqualTo(LedgerHead.of(ledger.last().orElseThrow()));
        assertThat(report.checkpoint()).isEqualTo(latest);
        assertThat(checkpoints.read().count()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aTailCutOffAfterACheckpointIsReported(String name, DataSource database) throws SQLException {
        JdbcLedger ledger = ledgerOf(database, 5);
        LedgerCheckpoints checkpoints = checkpoints();
        checkpoint(ledger, checkpoints, T0);

        deleteBehindTheTriggersBack(name, database, " WHERE seq > 3");
        // without the checkpoint the shorter chain is indistinguishable from an intact one
        assertThat(ledger.verify().intact()).isTrue();
        LedgerReport report = ledger.report(checkpoints);

        assertThat(report.intact()).isFalse();
        assertThat(report.firstBrokenSeq()).isEqualTo(4);
        assertThat(report.reason()).startsWith("tail removed: ").contains("the checkpoint of " + T0 + " names entry 5");
        assertThat(report.head().seq()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLedgerWipedAndRefilledIsReportedEvenPastTheCheckpoint(String name, DataSource database) throws SQLException {
        JdbcLedger ledger = ledgerOf(database, 3);
        LedgerCheckpoints checkpoints = checkpoints();
        checkpoint(ledger, checkpoints, T0);

        deleteBehindTheTriggersBack(name, database, "");
        JdbcLedger refilled = new JdbcLedger(database, CLOCK);
        append(refilled, 4, "nothing happened");
        assertThat(refilled.verify().intact()).isTrue();
        assertThat(refilled.report(checkpoints).reason()).contains("entry 3 differs from the head checkpoint");
        // a later checkpoint of the forged ledger does not hide the earlier one
        checkpoint(refilled, checkpoints, T0.plusSeconds(300));
        LedgerReport report = refilled.report(checkpoints);

        assertThat(report.intact()).isFalse();
        assertThat(report.firstBrokenSeq()).isEqualTo(3);
        assertThat(report.reason()).contains("entry 3 differs from the checkpoint of " + T0);
    }

    @Test
    void aForgedOrForeignCheckpointIsReported() throws IOException {
        DataSource database = TestDatabases.h2(dir.resolve("h2-forged-" + System.nanoTime()));
        JdbcLedger ledger = ledgerOf(database, 2);
        LedgerCheckpoints checkpoints = checkpoints();
        LedgerCheckpoint real = checkpoint(ledger, checkpoints, T0);
        // an altered copy claiming a later head with the real signature
        LedgerCheckpoint forged = new LedgerCheckpoint(9, real.hash(), real.time(), real.signature());
        Files.writeString(checkpointDir.resolve("checkpoint-00000000000000000009-0000000000000.json"), forged.toJson());
        // and one signed with another key
        new LedgerCheckpoints(checkpointDir, LedgerCheckpointKeys.generate().getPrivate(), KEYS.getPublic())
                .write(LedgerHead.of(ledger.last().orElseThrow()), T0.plusSeconds(1));

        LedgerReport report = ledger.report(checkpoints);

        assertThat(report.intact()).isFalse();
        assertThat(report.checkpoint()).isEqualTo(real);
        assertThat(report.reason()).contains("checkpoint-00000000000000000009-0000000000000.json has a signature that does not verify")
                .contains("checkpoint-00000000000000000002-" + T0.plusSeconds(1).toEpochMilli() + ".json has a signature that does not verify");
        assertThat(checkpoints.read().problems()).hasSize(2);
    }

    @Test
    void thePublicKeyDerivedFromThePrivateKeyIsTheGeneratedOne() {
        KeyPair pair = LedgerCheckpointKeys.generate();
        String pem = LedgerCheckpointKeys.privatePem(pair.getPrivate());

        assertThat(LedgerCheckpointKeys.derivePublicKey(LedgerCheckpointKeys.privateKey(pem)).getEncoded())
                .isEqualTo(pair.getPublic().getEncoded());
        assertThat(LedgerCheckpointKeys.publicKey(LedgerCheckpointKeys.publicPem(pair.getPublic()))).isEqualTo(pair.getPublic());
        assertThat(List.of(LedgerCheckpoint.parse(new LedgerCheckpoint(1, "a".repeat(64), T0, "c2ln").toJson())))
                .containsExactly(new LedgerCheckpoint(1, "a".repeat(64), T0, "c2ln"));
    }
}

package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerHead;
import io.itdr.core.model.Stage;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code itdr ledger verify --db}: the server's ledger table, checked from the command line. */
class CliLedgerDatabaseTest {
    @TempDir
    Path dir;

    private String seed() {
        DataSource database = TestDatabases.h2(dir);
        JdbcLedger ledger = new JdbcLedger(database, Clock.systemUTC());
        for (int i = 0; i < 3; i++) {
            ledger.append(new LedgerDraft(null, Stage.DETECTION, "finding", "detector:token_replay", "aws/1/role",
                    Map.of("finding.id", "f-" + i), "token replay"));
        }
        return "jdbc:h2:file:" + dir.resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0";
    }

    @Test
    void anIntactDatabaseLedgerVerifies() {
        CliRun run = CliRun.of("ledger", "verify", "--db", seed());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("intact, 3 entries");
    }

    @Test
    void aRowEditedBehindTheTriggersBackIsNamed() throws SQLException {
        String url = seed();
        // Someone with DDL rights drops the append-only trigger and edits a row: the chain still tells.
        try (Connection connection = TestDatabases.h2(dir).getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER ledger_no_update");
            statement.executeUpdate("UPDATE ledger SET result = 'nothing happened' WHERE seq = 2");
        }

        CliRun run = CliRun.of("ledger", "verify", "--db", url);

        assertThat(run.exitCode()).isEqualTo(ExitCode.INVALID);
        assertThat(run.err()).contains("BROKEN at entry 2");
    }

    @Test
    void aTailCutAfterTheServersCheckpointIsReportedWithTheHead() throws SQLException {
        String url = seed();
        CliRun keygen = CliRun.of("ledger", "keygen", dir.resolve("checkpoint").toString());
        assertThat(keygen.exitCode()).as(keygen.err()).isEqualTo(ExitCode.OK);
        // what the server does with itdr.ledger.checkpoint.key=file:.../checkpoint.key
        DataSource database = TestDatabases.h2(dir);
        JdbcLedger ledger = new JdbcLedger(database, Clock.systemUTC());
        LedgerCheckpoints checkpoints = new LedgerCheckpoints(dir.resolve("checkpoints"),
                LedgerCheckpointKeys.privateKey(read(dir.resolve("checkpoint.key"))), LedgerCheckpointKeys.publicKey(read(dir.resolve("checkpoint.pub"))));
        LedgerEntry head = ledger.last().orElseThrow();
        checkpoints.write(LedgerHead.of(head), Instant.parse("2026-12-06T03:00:00Z"));
        String[] verify = {"ledger", "verify", "--db", url, "--checkpoints", dir.resolve("checkpoints").toString(),
                "--public-key", dir.resolve("checkpoint.pub").toString()};

        CliRun intact = CliRun.of(verify);
        assertThat(intact.exitCode()).as(intact.err()).isEqualTo(ExitCode.OK);
        assertThat(intact.out()).contains("head: entry 3 " + head.hash()).contains("checkpoint: entry 3 " + head.hash())
                .contains("intact, 3 entries");

        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER ledger_no_delete");
            statement.executeUpdate("DELETE FROM ledger WHERE seq = 3");
        }
        CliRun cut = CliRun.of(verify);

        assertThat(cut.exitCode()).isEqualTo(ExitCode.INVALID);
        assertThat(cut.out()).contains("head: entry 2 ");
        assertThat(cut.err()).contains("BROKEN at entry 3").contains("tail removed")
                .contains("the checkpoint of 2026-12-06T03:00:00Z names entry 3");
    }

    @Test
    void keygenWritesAnOwnerOnlyPrivateKeyAndNeverOverwrites() throws IOException {
        Path prefix = dir.resolve("k");
        assertThat(CliRun.of("ledger", "keygen", prefix.toString()).exitCode()).isEqualTo(ExitCode.OK);
        String before = read(dir.resolve("k.key"));

        CliRun again = CliRun.of("ledger", "keygen", prefix.toString());

        assertThat(again.exitCode()).isEqualTo(ExitCode.INVALID);
        assertThat(again.err()).contains("exists already");
        assertThat(read(dir.resolve("k.key"))).isEqualTo(before).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(again.out() + again.err()).doesNotContain(before.lines().skip(1).findFirst().orElseThrow());
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key")))).isEqualTo("rw-------");
        }
    }

    @Test
    void aPublicKeyThatIsNoneIsNamed() throws IOException {
        String url = seed();
        Path pub = Files.writeString(dir.resolve("wrong.pub"), "not a key");

        CliRun run = CliRun.of("ledger", "verify", "--db", url, "--checkpoints", dir.resolve("checkpoints").toString(),
                "--public-key", pub.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(run.err()).contains("wrong.pub: not an Ed25519 public key");
    }

    @Test
    void checkpointsWithoutAPublicKeyIsAUsageError() {
        CliRun run = CliRun.of("ledger", "verify", "--db", "jdbc:h2:mem:x", "--checkpoints", dir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--checkpoints and --public-key go together");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFileAndADatabaseTogetherIsAUsageError() {
        CliRun run = CliRun.of("ledger", "verify", "ledger.jsonl", "--db", "jdbc:h2:mem:x");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("either a ledger FILE or --db");
    }

    @Test
    void aDatabaseHeldByARunningServerIsNamedAsInUse() throws Exception {
        String url = seed();
        // Another process (as a running server would) holds the H2 file open.
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldDatabaseOpen.class.getName(), url)
                .redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).as("the holder opened the database").isEqualTo("open");

            CliRun run = CliRun.of("ledger", "verify", "--db", url);

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREADABLE);
            assertThat(run.err()).contains("in use by another process", "GET /api/v1/ledger/verify")
                    .doesNotContain("cannot be read from entry");
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Opens the database given as the argument, says "open", and waits to be killed. */
    public static final class HoldDatabaseOpen {
        public static void main(String[] args) throws Exception {
            try (Connection held = java.sql.DriverManager.getConnection(args[0], "sa", "")) {
                System.out.println("open");
                System.out.flush();
                Thread.sleep(Long.MAX_VALUE);
            }
        }
    }
}

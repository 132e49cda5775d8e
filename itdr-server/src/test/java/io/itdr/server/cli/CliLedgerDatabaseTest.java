package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.model.Stage;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Map;
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
    void aFileAndADatabaseTogetherIsAUsageError() {
        CliRun run = CliRun.of("ledger", "verify", "ledger.jsonl", "--db", "jdbc:h2:mem:x");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("either a ledger FILE or --db");
    }
}

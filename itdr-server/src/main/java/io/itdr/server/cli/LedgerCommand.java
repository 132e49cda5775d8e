package io.itdr.server.cli;

import io.itdr.core.audit.LedgerException;
import io.itdr.core.audit.LedgerVerification;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.normalize.Printable;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "ledger", mixinStandardHelpOptions = true, description = "Work with audit ledgers.",
        subcommands = {LedgerCommand.Verify.class})
final class LedgerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: verify");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a ledger's hash chain from its first entry: a JSONL ledger file, or the server's database (--db).",
                    "Exits 0 when intact, 3 naming the first broken entry, 4 when the ledger cannot be read."},
            footer = {"%nExamples:", "  itdr ledger verify ledger.jsonl",
                    "  itdr ledger verify --db 'jdbc:h2:file:./data/itdr;WRITE_DELAY=0'",
                    "  ITDR_DB_PASSWORD=... itdr ledger verify --db jdbc:postgresql://db/itdr --db-user itdr"})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "The ledger file.")
        Path file;

        @Option(names = "--db", paramLabel = "JDBC_URL", description = "Verify the ledger table of the server's database instead.")
        String dbUrl;

        @Option(names = "--db-user", paramLabel = "USER", description = "Database user (default: ITDR_DB_USER, else sa).")
        String dbUser;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if ((file == null) == (dbUrl == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either a ledger FILE or --db JDBC_URL");
            }
            String name;
            LedgerVerification v;
            if (dbUrl != null) {
                name = Printable.escape(dbUrl);
                try {
                    v = verifyDatabase();
                } catch (LedgerException | StoreException e) {
                    err.println("itdr ledger verify: " + name + ": " + Printable.escape(String.valueOf(e.getMessage())));
                    return ExitCode.UNREADABLE;
                }
            } else {
                name = Printable.escape(file.toString());
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    err.println("itdr ledger verify: " + name + ": no such readable file");
                    return ExitCode.UNREADABLE;
                }
                v = LedgerVerifier.verifyFile(file);
            }
            if (v.intact()) {
                spec.commandLine().getOut().printf("%s: intact, %,d entries%n", name, v.entriesChecked());
                spec.commandLine().getOut().flush();
                return ExitCode.OK;
            }
            err.printf("%s: BROKEN at entry %d (%,d entries checked): %s%n", name, v.firstBrokenSeq(), v.entriesChecked(),
                    Printable.escape(v.reason()));
            return ExitCode.INVALID;
        }

        /** Reads the ledger table only: no migration runs, nothing is written. */
        private LedgerVerification verifyDatabase() {
            String user = dbUser != null ? dbUser : Objects.requireNonNullElse(System.getenv("ITDR_DB_USER"), "sa");
            String password = Objects.requireNonNullElse(System.getenv("ITDR_DB_PASSWORD"), "");
            DataSource dataSource = new DriverManagerDataSource(dbUrl, user, password);
            return new JdbcLedger(dataSource, Clock.systemUTC()).verify();
        }
    }
}

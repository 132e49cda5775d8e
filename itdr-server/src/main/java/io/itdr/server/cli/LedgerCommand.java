package io.itdr.server.cli;

import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerException;
import io.itdr.core.audit.LedgerReport;
import io.itdr.core.audit.LedgerVerification;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.normalize.Printable;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.StoreException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.sql.SQLException;
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
        subcommands = {LedgerCommand.Verify.class, LedgerCommand.Keygen.class})
final class LedgerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: verify or keygen");
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check a ledger's hash chain from its first entry: a JSONL ledger file, or the server's database (--db).",
                    "With --checkpoints, the database's ledger must also contain the latest signed checkpoint's entry, "
                            + "so a removed tail is reported. The head (seq, hash) is printed to compare with a copy kept elsewhere.",
                    "Exits 0 when intact, 3 naming the first broken entry, 4 when the ledger cannot be read."},
            footer = {"%nExamples:", "  itdr ledger verify ledger.jsonl",
                    "  itdr ledger verify --db 'jdbc:h2:file:./data/itdr;WRITE_DELAY=0'",
                    "  ITDR_DB_PASSWORD=... itdr ledger verify --db jdbc:postgresql://db/itdr --db-user itdr",
                    "  itdr ledger verify --db jdbc:postgresql://db/itdr --checkpoints /mnt/audit/itdr --public-key ledger-checkpoint.pub"})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "The ledger file.")
        Path file;

        @Option(names = "--db", paramLabel = "JDBC_URL", description = "Verify the ledger table of the server's database instead.")
        String dbUrl;

        @Option(names = "--db-user", paramLabel = "USER", description = "Database user (default: ITDR_DB_USER, else sa).")
        String dbUser;

        @Option(names = "--checkpoints", paramLabel = "DIR",
                description = "The server's signed checkpoints (itdr.ledger.checkpoint.dir); needs --db and --public-key.")
        Path checkpoints;

        @Option(names = "--public-key", paramLabel = "FILE", description = "The checkpoints' Ed25519 public key (PEM, from itdr ledger keygen).")
        Path publicKey;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if ((file == null) == (dbUrl == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either a ledger FILE or --db JDBC_URL");
            }
            if ((checkpoints == null) != (publicKey == null) || checkpoints != null && dbUrl == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--checkpoints and --public-key go together, with --db");
            }
            String name;
            LedgerVerification v;
            if (dbUrl != null) {
                name = Printable.escape(dbUrl);
                LedgerCheckpoints kept = null;
                if (checkpoints != null) {
                    try {
                        kept = new LedgerCheckpoints(checkpoints, null, LedgerCheckpointKeys.publicKey(Files.readString(publicKey)));
                    } catch (IllegalArgumentException | IOException e) {
                        err.println("itdr ledger verify: " + Printable.escape(publicKey.toString()) + ": "
                                + Printable.escape(String.valueOf(e.getMessage())));
                        return ExitCode.UNREADABLE;
                    }
                }
                LedgerReport report;
                try {
                    report = verifyDatabase(kept);
                } catch (LedgerException | StoreException e) {
                    err.println("itdr ledger verify: " + name + ": " + Printable.escape(unreadable(e)));
                    return ExitCode.UNREADABLE;
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println(report.head() == null ? "head: none (empty ledger)" : "head: entry " + report.head().seq() + " " + report.head().hash());
                if (report.checkpoint() != null) {
                    out.println("checkpoint: entry " + report.checkpoint().seq() + " " + report.checkpoint().hash() + " of " + report.checkpoint().time());
                } else if (checkpoints != null) {
                    out.println("checkpoint: none in " + Printable.escape(checkpoints.toString()));
                }
                out.flush();
                if (report.intact()) {
                    out.printf("%s: intact, %,d entries%n", name, report.entriesChecked());
                    out.flush();
                    return ExitCode.OK;
                }
                err.printf("%s: BROKEN%s (%,d entries checked): %s%n", name,
                        report.firstBrokenSeq() == null ? "" : " at entry " + report.firstBrokenSeq(), report.entriesChecked(),
                        Printable.escape(report.reason()));
                return ExitCode.INVALID;
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

        /**
         * Why the database could not be read. An embedded H2 file is open in one process at a time: while the server runs,
         * the answer is to ask the server, not "cannot be read from entry 1".
         */
        static String unreadable(RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IN_USE) {
                    return "the database is in use by another process (a running server holds the H2 file). Verify "
                            + "through the server instead: GET /api/v1/ledger/verify with an auditor token, or stop the server first";
                }
            }
            return String.valueOf(e.getMessage());
        }

        /** H2's ErrorCode.DATABASE_ALREADY_OPEN_1 ("Database may be already in use"). */
        private static final int H2_DATABASE_IN_USE = 90020;

        /** Reads the ledger table only: no migration runs, nothing is written. */
        private LedgerReport verifyDatabase(LedgerCheckpoints kept) {
            String user = dbUser != null ? dbUser : Objects.requireNonNullElse(System.getenv("ITDR_DB_USER"), "sa");
            String password = Objects.requireNonNullElse(System.getenv("ITDR_DB_PASSWORD"), "");
            DataSource dataSource = new DriverManagerDataSource(dbUrl, user, password);
            return new JdbcLedger(dataSource, Clock.systemUTC()).report(kept);
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true,
            description = {"Generate the Ed25519 key pair that signs the ledger's checkpoints: PREFIX.key (PKCS#8 PEM, private, "
                    + "owner-only where the file system allows) and PREFIX.pub (X.509 PEM, public). Refuses to overwrite.",
                    "Give the server the private key as itdr.ledger.checkpoint.key=file:/path/PREFIX.key (or env:VAR); keep "
                            + "the public key with whoever verifies."},
            footer = {"%nExample:", "  itdr ledger keygen /etc/itdr/ledger-checkpoint"})
    static final class Keygen implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "PREFIX", description = "Where to write PREFIX.key and PREFIX.pub.")
        Path prefix;

        @Override
        public Integer call() {
            Path key = Path.of(prefix + ".key");
            Path pub = Path.of(prefix + ".pub");
            if (Files.exists(key) || Files.exists(pub)) {
                spec.commandLine().getErr().println("itdr ledger keygen: " + Printable.escape(key.toString()) + " or "
                        + Printable.escape(pub.toString()) + " exists already; not overwritten");
                return ExitCode.INVALID;
            }
            KeyPair pair = LedgerCheckpointKeys.generate();
            try {
                Files.createFile(key, ownerOnly(key));
                Files.writeString(key, LedgerCheckpointKeys.privatePem(pair.getPrivate()));
                Files.writeString(pub, LedgerCheckpointKeys.publicPem(pair.getPublic()));
            } catch (IOException e) {
                spec.commandLine().getErr().println("itdr ledger keygen: " + Printable.escape(String.valueOf(e.getMessage())));
                return ExitCode.UNREADABLE;
            }
            spec.commandLine().getOut().println("wrote " + key + " (private) and " + pub + " (public)");
            spec.commandLine().getOut().flush();
            return ExitCode.OK;
        }

        private static FileAttribute<?>[] ownerOnly(Path file) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))};
            }
            return new FileAttribute<?>[0];
        }
    }
}

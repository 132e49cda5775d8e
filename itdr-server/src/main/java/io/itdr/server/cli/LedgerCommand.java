package io.itdr.server.cli;

import io.itdr.core.audit.LedgerVerification;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.normalize.Printable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

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
            description = {"Check a JSONL ledger's hash chain from its first entry.",
                    "Exits 0 when intact, 3 naming the first broken entry, 4 when the file cannot be read."})
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The ledger file.")
        Path file;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                spec.commandLine().getErr().println("itdr ledger verify: " + Printable.escape(file.toString()) + ": no such readable file");
                return ExitCode.UNREADABLE;
            }
            LedgerVerification v = LedgerVerifier.verifyFile(file);
            if (v.intact()) {
                spec.commandLine().getOut().printf("%s: intact, %,d entries%n", Printable.escape(file.toString()), v.entriesChecked());
                spec.commandLine().getOut().flush();
                return ExitCode.OK;
            }
            spec.commandLine().getErr().printf("%s: BROKEN at entry %d (%,d entries checked): %s%n", Printable.escape(file.toString()),
                    v.firstBrokenSeq(), v.entriesChecked(), Printable.escape(v.reason()));
            return ExitCode.INVALID;
        }
    }
}

package io.itdr.server.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code itdr}: the command line of the platform. */
@Command(name = "itdr", mixinStandardHelpOptions = true, versionProvider = ItdrCli.Version.class,
        description = "Reversible, policy-governed threat response for non-human identities.",
        subcommands = {ServeCommand.class, ReplayCommand.class, GenerateCommand.class, PolicyCommand.class, LedgerCommand.class,
                RulesCommand.class, BreakerCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:internal error", "2:usage error", "3:invalid policy, catalog or rule, or broken ledger",
                "4:input unreadable"})
public final class ItdrCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    public static void main(String[] args) {
        if ((args.length == 0 || !"serve".equals(args[0])) && System.getProperty("logback.configurationFile") == null) {
            // everything but the server prints its own output: library logging stays quiet
            System.setProperty("logback.configurationFile", "io/itdr/server/cli/logback-cli.xml");
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new ItdrCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? ExitCode.USAGE : ExitCode.SOFTWARE);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("itdr: internal error: " + e);
            return ExitCode.SOFTWARE;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ItdrCli.class.getPackage().getImplementationVersion();
            return new String[]{"itdr " + (v == null ? "development build" : v) + ", SPI " + io.itdr.spi.SpiVersion.CURRENT};
        }
    }
}

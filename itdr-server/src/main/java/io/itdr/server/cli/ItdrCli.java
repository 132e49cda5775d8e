package io.itdr.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code itdr}: the command line of the platform. */
@Command(name = "itdr", mixinStandardHelpOptions = true, versionProvider = ItdrCli.Version.class,
        description = "Reversible, policy-governed threat response for non-human identities.",
        subcommands = {ServeCommand.class, ReplayCommand.class, GenerateCommand.class, PolicyCommand.class, CatalogCommand.class,
                LedgerCommand.class,
                RulesCommand.class, BreakerCommand.class, DeadLetterCommand.class, TokenCommand.class, CommandLine.HelpCommand.class},
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
            return new String[]{line(buildProperties())};
        }

        /** {@code itdr 0.1.0-SNAPSHOT (commit 52d3f4c1a2b3), SPI 1.1}; unfiltered values (an IDE build) are left out. */
        static String line(Properties build) {
            String version = known(build.getProperty("version"));
            String commit = known(build.getProperty("commit"));
            StringBuilder line = new StringBuilder("itdr ").append(version == null ? "development build" : version);
            if (commit != null) {
                line.append(" (commit ").append(commit).append("true".equals(known(build.getProperty("dirty"))) ? ", modified" : "")
                        .append(')');
            }
            return line.append(", SPI ").append(io.itdr.spi.SpiVersion.CURRENT).toString();
        }

        private static String known(String value) {
            return value == null || value.isBlank() || value.startsWith("${") ? null : value;
        }

        private static Properties buildProperties() {
            Properties build = new Properties();
            try (InputStream in = ItdrCli.class.getResourceAsStream("build.properties")) {
                if (in != null) {
                    build.load(in);
                }
            } catch (IOException e) {
                // no build information: the line says "development build"
            }
            return build;
        }
    }
}

package io.itdr.server.cli;

import io.itdr.core.normalize.Printable;
import io.itdr.core.rules.sigma.RuleRefusal;
import io.itdr.core.rules.sigma.SigmaRule;
import io.itdr.core.rules.sigma.SigmaCorrelation;
import io.itdr.core.rules.sigma.SigmaRuleLoader;
import io.itdr.core.rules.sigma.SigmaRules;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "rules", mixinStandardHelpOptions = true, description = "Work with detection rules (Sigma).",
        subcommands = {RulesCommand.Check.class})
final class RulesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: check");
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Load Sigma rule files and folders (.yml, .yaml; recursively) without running them.",
                    "Prints one line per rule: loaded (with its log source, and 'inactive' when no connector of this "
                            + "distribution reads it) or refused with file:line and reason; then a summary with the reasons "
                            + "grouped. Exits 3 when any rule is refused, 4 when a path cannot be read."})
    static final class Check implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", arity = "1..*", description = "Rule files or folders.")
        List<Path> paths = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            SigmaRules loaded;
            try {
                loaded = new SigmaRuleLoader().load(paths);
            } catch (UncheckedIOException e) {
                err.println("itdr rules check: " + Printable.escape(String.valueOf(e.getCause().getMessage())));
                return ExitCode.UNREADABLE;
            }
            for (SigmaRule r : loaded.rules()) {
                out.printf("loaded   %s  %s  %s  [%s, %s%s]%n", Printable.escape(r.file()), Printable.escape(r.id()),
                        Printable.escape(r.title()), r.logSourceName(), r.level(), r.active() ? "" : ", inactive: no connector reads it");
            }
            for (SigmaCorrelation c : loaded.correlations()) {
                out.printf("loaded   %s  %s  %s  [correlation %s over %s, %s%s]%n", Printable.escape(c.file()), Printable.escape(c.id()),
                        Printable.escape(c.title()), c.type().sigmaName(), Printable.escape(c.logSourceName()), c.level(),
                        c.active() ? "" : ", inactive: no connector reads it");
            }
            Map<String, Integer> reasons = new TreeMap<>();
            for (RuleRefusal r : loaded.refused()) {
                out.println("refused  " + Printable.escape(r.toString()));
                reasons.merge(Printable.escape(r.reason().replaceAll("'[^']*'", "'…'")), 1, Integer::sum);
            }
            out.printf("%d files: %d rules loaded (%d active, %d inactive), %d refused%n", loaded.files(), loaded.rules().size(),
                    loaded.active(), loaded.rules().size() - loaded.active(), loaded.refused().size());
            if (!loaded.correlations().isEmpty()) {
                out.printf("%d correlation rules loaded%n", loaded.correlations().size());
            }
            reasons.forEach((reason, count) -> out.printf("  %4d refused: %s%n", count, reason));
            out.flush();
            return loaded.refused().isEmpty() ? ExitCode.OK : ExitCode.INVALID;
        }
    }
}

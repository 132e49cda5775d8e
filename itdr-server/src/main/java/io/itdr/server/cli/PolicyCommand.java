package io.itdr.server.cli;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.decide.policy.PolicyProblem;
import io.itdr.core.normalize.Printable;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policy files.",
        subcommands = {PolicyCommand.Validate.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: validate");
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Load and type-check policies (schema and CEL) without running them.",
                    "Prints each problem as file:line:column: path: reason; exits 3 when any policy is invalid."})
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Policy files.")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int invalid = 0;
            int unreadable = 0;
            for (Path file : files) {
                // PolicyLoader reports an unreadable file as a policy problem; the exit code tells them apart.
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    unreadable++;
                    err.println(Printable.escape(file.toString()) + ": cannot read: no such readable file");
                    continue;
                }
                try {
                    Policy policy = PolicyLoader.load(file);
                    out.printf("%s: valid — %s %s, %d rules, mode %s, sha256 %s%n", Printable.escape(file.toString()),
                            Printable.escape(policy.ref().name()), Printable.escape(policy.ref().version()), policy.rules().size(),
                            policy.mode().policyName(), policy.ref().sha256());
                } catch (PolicyException e) {
                    invalid++;
                    for (PolicyProblem p : e.problems()) {
                        err.println(Printable.escape(p.toString()));
                    }
                }
            }
            out.flush();
            return invalid > 0 ? ExitCode.INVALID : unreadable > 0 ? ExitCode.UNREADABLE : ExitCode.OK;
        }
    }
}

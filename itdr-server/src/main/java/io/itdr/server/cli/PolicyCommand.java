package io.itdr.server.cli;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.decide.policy.PolicyLimits;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.decide.policy.PolicyProblem;
import io.itdr.core.normalize.Printable;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Work with policy files.",
        subcommands = {PolicyCommand.Validate.class, PolicyCommand.Activate.class, PolicyCommand.Promote.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: validate, activate or promote");
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
            return FileValidation.run(files, spec.commandLine().getOut(), spec.commandLine().getErr(), file -> {
                try {
                    Policy policy = PolicyLoader.load(file);
                    return String.format("%s %s, %d rules, mode %s, sha256 %s", Printable.escape(policy.ref().name()),
                            Printable.escape(policy.ref().version()), policy.rules().size(), policy.mode().policyName(),
                            policy.ref().sha256());
                } catch (PolicyException e) {
                    throw new FileValidation.Invalid(e.problems().stream().map(PolicyProblem::toString).toList());
                }
            });
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Command(name = "activate", mixinStandardHelpOptions = true,
            description = {"Activate a policy on a running server, with a reason; the server validates it, ledgers the activation with "
                    + "the policy's hash and keeps it across restarts.",
                    "Needs an admin's token. Exits 0 when active, 3 when the policy is invalid or the active one changed "
                    + "(--expected-hash), 2 for bad usage or a refused token."},
            footer = {"%nExample:", "  ITDR_TOKEN=itdr_... itdr policy activate policy.yaml --reason 'CHG-1234: enforce stolen-key rules' "
                    + "--expected-hash 3f2a..."})
    static final class Activate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        BreakerCommand.Server server = new BreakerCommand.Server();

        @Parameters(paramLabel = "FILE", description = "The policy file (UTF-8 YAML).")
        Path file;

        @CommandLine.Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (ledgered).")
        String reason;

        @CommandLine.Option(names = "--expected-hash", paramLabel = "SHA256",
                description = "Activate only if this is the active policy's hash (the one the dry-run compared against).")
        String expectedHash;

        @Override
        public Integer call() throws Exception {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                spec.commandLine().getErr().println(Printable.escape(file.toString()) + ": cannot read: " + e.getMessage());
                return ExitCode.UNREADABLE;
            }
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                // the loader locates the bad byte (line, column, rule) without a round trip to the server
                try {
                    PolicyLoader.parse(bytes, file.toString(), PolicyLimits.DEFAULTS);
                } catch (PolicyException refused) {
                    refused.problems().forEach(p -> spec.commandLine().getErr().println(Printable.escape(p.toString())));
                }
                return ExitCode.INVALID;
            }
            Map<String, String> body = new LinkedHashMap<>();
            body.put("policy", text);
            body.put("reason", reason);
            if (expectedHash != null) {
                body.put("expectedActiveHash", expectedHash);
            }
            return answer(server.send(spec.commandLine(), "POST", "/api/v1/policies/activate", JSON.writeValueAsString(body)));
        }

        private Integer answer(HttpResponse<String> response) {
            return PolicyCommand.answer(spec, response);
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Promote one rule of the active policy from shadow to enforce, with a reason: a new policy version, ledgered.",
                    "Needs an admin's token. Exits 0 when promoted, 3 when the rule is unknown or cannot be promoted."})
    static final class Promote implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        BreakerCommand.Server server = new BreakerCommand.Server();

        @Parameters(paramLabel = "RULE", description = "The rule's id.")
        String rule;

        @CommandLine.Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (ledgered).")
        String reason;

        @Override
        public Integer call() throws Exception {
            return PolicyCommand.answer(spec, server.send(spec.commandLine(), "POST", "/api/v1/policies/rules/"
                    + URLEncoder.encode(rule, StandardCharsets.UTF_8).replace("+", "%20") + "/promote",
                    JSON.writeValueAsString(Map.of("reason", reason))));
        }
    }

    /** Prints an activation's outcome, or the server's refusal (with every policy problem). */
    static int answer(CommandLine.Model.CommandSpec spec, HttpResponse<String> response) {
        PrintWriter err = spec.commandLine().getErr();
        if (response.statusCode() == 422) {
            JsonNode problem = JSON.readTree(response.body());
            err.println("itdr: the server refused the policy: " + problem.path("detail").asString());
            problem.path("errors").forEach(e -> err.println(Printable.escape(e.path("line").asString() + ":" + e.path("column").asString()
                    + ": " + e.path("path").asString() + ": " + e.path("reason").asString())));
            return ExitCode.INVALID;
        }
        if (response.statusCode() != 200) {
            return BreakerCommand.failed(response, err);
        }
        JsonNode active = JSON.readTree(response.body());
        PrintWriter out = spec.commandLine().getOut();
        out.printf("active: %s %s, version %s, sha256 %s%n", Printable.escape(active.path("name").asString()),
                Printable.escape(active.path("policyVersion").asString()), active.path("version").asString(), active.path("hash").asString());
        if (!active.path("pendingRestart").isEmpty()) {
            out.println("takes effect at the next start: " + active.path("pendingRestart").valueStream().map(JsonNode::asString).toList());
        }
        out.flush();
        return ExitCode.OK;
    }
}

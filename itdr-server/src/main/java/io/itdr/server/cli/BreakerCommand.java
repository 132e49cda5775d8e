package io.itdr.server.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Budget circuit breakers on a running server, through its API: list the tripped ones, reset one
 * with a reason. The API token is read from {@code ITDR_TOKEN} or a file, never from the command
 * line (it would end up in the shell's history and the process list).
 */
@Command(name = "breaker", mixinStandardHelpOptions = true, description = "See and reset the budgets' circuit breakers of a running server.",
        subcommands = {BreakerCommand.ListTripped.class, BreakerCommand.Reset.class})
final class BreakerCommand implements Runnable {
    static final String TOKEN_VARIABLE = "ITDR_TOKEN";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: list or reset");
    }

    /** Where the server is and who calls it. */
    static final class Server {
        @Option(names = "--server", paramLabel = "URL", defaultValue = "http://localhost:8080",
                description = "The server's base URL (default: ${DEFAULT-VALUE}); the API token comes from " + TOKEN_VARIABLE + ".")
        String url;

        @Option(names = "--token-file", paramLabel = "FILE", description = "Read the API token from FILE instead of " + TOKEN_VARIABLE + ".")
        Path tokenFile;

        HttpResponse<String> send(CommandLine commandLine, String method, String path, String body) throws IOException, InterruptedException {
            String token = tokenFile != null ? Files.readString(tokenFile).strip() : System.getenv(TOKEN_VARIABLE);
            if (token == null || token.isBlank()) {
                throw new CommandLine.ParameterException(commandLine, "set " + TOKEN_VARIABLE + " to an API token (an approver's, to reset)"
                        + " or give --token-file");
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
            if (body == null) {
                request.GET();
            } else {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The exit code and message for an answer that is not 200. */
    static int failed(HttpResponse<String> response, PrintWriter err) {
        String detail = response.body();
        try {
            JsonNode problem = JSON.readTree(response.body());
            if (problem.has("detail")) {
                detail = problem.get("detail").asString();
            }
        } catch (RuntimeException e) {
            // not a problem document: show the body as it came
        }
        err.println("itdr: the server answered " + response.statusCode() + ": " + detail);
        return switch (response.statusCode()) {
            case 400, 401, 403 -> ExitCode.USAGE;
            case 404, 409 -> ExitCode.INVALID;
            default -> ExitCode.SOFTWARE;
        };
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Print the tripped breakers: budget, key, used/max.")
    static final class ListTripped implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Server server = new Server();

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = server.send(spec.commandLine(), "GET", "/api/v1/automation", null);
            if (response.statusCode() != 200) {
                return failed(response, spec.commandLine().getErr());
            }
            PrintWriter out = spec.commandLine().getOut();
            JsonNode breakers = JSON.readTree(response.body()).path("breakers");
            if (breakers.isEmpty()) {
                out.println("no breaker is tripped");
            }
            breakers.forEach(b -> out.println(b.path("budget").asString() + "\t" + b.path("key").asString() + "\t"
                    + b.path("used").asInt() + "/" + b.path("maxActions").asInt()));
            return ExitCode.OK;
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = {"Reset a tripped breaker of BUDGET (every tripped key of it, or --key), with a reason; the server ledgers it.",
                    "Needs an approver's token. Exits 0 when reset, 3 when the budget is unknown or nothing was tripped."},
            footer = {"%nExample:", "  ITDR_TOKEN=itdr_... itdr breaker reset per-owner-hourly --key team-payments "
                    + "--reason 'checked with the owner: a mass rotation'"})
    static final class Reset implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        Server server = new Server();

        @Parameters(paramLabel = "BUDGET", description = "The budget's id in the policy.")
        String budget;

        @Option(names = "--key", paramLabel = "KEY", description = "The key to reset: * for a global budget, a platform, an owner.")
        String key;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why it is safe to act again (ledgered).")
        String reason;

        @Override
        public Integer call() throws Exception {
            Map<String, String> body = new LinkedHashMap<>();
            if (key != null) {
                body.put("key", key);
            }
            body.put("reason", reason);
            HttpResponse<String> response = server.send(spec.commandLine(), "POST",
                    "/api/v1/automation/breakers/" + URLEncoder.encode(budget, StandardCharsets.UTF_8).replace("+", "%20") + "/reset",
                    JSON.writeValueAsString(body));
            if (response.statusCode() != 200) {
                return failed(response, spec.commandLine().getErr());
            }
            JsonNode answer = JSON.readTree(response.body());
            PrintWriter out = spec.commandLine().getOut();
            answer.path("reset").forEach(k -> out.println("reset: " + budget + " " + k.asString()));
            out.println(answer.path("stillTripped").size() + " breaker(s) still tripped");
            return ExitCode.OK;
        }
    }
}

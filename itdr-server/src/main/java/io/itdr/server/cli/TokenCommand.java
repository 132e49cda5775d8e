package io.itdr.server.cli;

import java.io.PrintWriter;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * API tokens on a running server, through its API ({@code POST /api/v1/tokens}, admin only): issue
 * one, optionally bound to one connector. The admin's own token is read from {@code ITDR_TOKEN} or
 * a file, never from the command line; the issued token is printed once, on its own line.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Issue API tokens on a running server.",
        subcommands = {TokenCommand.Issue.class})
final class TokenCommand implements Runnable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: issue");
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = {"Issue an API token named NAME, with a reason; the server ledgers it. Needs an admin's token.",
                    "Prints the new token (shown this once) on stdout and what it is on stderr."},
            footer = {"%nExample (a token EventBridge can push to /api/v1/ingest/aws with, and nowhere else):",
                    "  ITDR_TOKEN=itdr_... itdr token issue eventbridge-aws --role ingest --connector aws --principal platform-team "
                            + "--expires-in 90d --reason 'EventBridge API destination for GuardDuty findings'"})
    static final class Issue implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        BreakerCommand.Server server = new BreakerCommand.Server();

        @Parameters(paramLabel = "NAME", description = "The token's name (unique among active tokens, without regard to case).")
        String name;

        @Option(names = "--role", required = true, split = ",", paramLabel = "ROLE",
                description = "viewer, responder, approver, admin or ingest; repeat or separate with commas.")
        List<String> roles;

        @Option(names = "--connector", paramLabel = "ID",
                description = "Bind an ingest-only token to one connector: it can push to /api/v1/ingest/ID only (403 elsewhere).")
        String connector;

        @Option(names = "--principal", paramLabel = "PERSON", description = "Who the token belongs to (default: the issuing admin).")
        String principal;

        @Option(names = "--expires-in", paramLabel = "DURATION", description = "90d, 12h or ISO-8601 (P90D); 1 minute to 366 days; "
                + "default: no expiry.")
        String expiresIn;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why it is issued (ledgered).")
        String reason;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("roles", roles);
            body.put("reason", reason);
            if (connector != null) {
                body.put("connector", connector);
            }
            if (principal != null) {
                body.put("principal", principal);
            }
            if (expiresIn != null) {
                body.put("expiresIn", expiresIn);
            }
            HttpResponse<String> response = server.send(spec.commandLine(), "POST", "/api/v1/tokens", JSON.writeValueAsString(body));
            if (response.statusCode() != 201) {
                return BreakerCommand.failed(response, spec.commandLine().getErr());
            }
            JsonNode issued = JSON.readTree(response.body());
            PrintWriter err = spec.commandLine().getErr();
            err.println("issued " + issued.path("id").asString() + " (" + issued.path("actor").asString() + ") with roles "
                    + issued.path("roles") + (issued.path("connector").isString() ? ", pushing to connector "
                    + issued.path("connector").asString() + " only" : "")
                    + (issued.path("expiresAt").isString() ? ", expiring " + issued.path("expiresAt").asString() : ""));
            err.flush();
            spec.commandLine().getOut().println(issued.path("token").asString());
            return ExitCode.OK;
        }
    }
}

package io.itdr.server.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dead letters of a running server's ingest backlog, through its API: pushed events set aside
 * after failing {@code itdr.ingest.max-attempts} times. List them, re-queue one once the cause is
 * fixed, or drop one, with a reason (the server ledgers both). The API token comes from
 * {@code ITDR_TOKEN} or a file, as for {@code itdr breaker}.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "See, re-queue and drop the pushed events a running server set aside after they kept failing.",
        subcommands = {DeadLetterCommand.ListLetters.class, DeadLetterCommand.Requeue.class, DeadLetterCommand.Drop.class})
final class DeadLetterCommand implements Runnable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: list, requeue or drop");
    }

    private static String path(String connector) {
        return "/api/v1/ingest/" + URLEncoder.encode(connector, StandardCharsets.UTF_8).replace("+", "%20") + "/dead-letters";
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Print CONNECTOR's dead letters (the first 500): seq, event id, attempts, who pushed it, reason.")
    static final class ListLetters implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        BreakerCommand.Server server = new BreakerCommand.Server();

        @Parameters(paramLabel = "CONNECTOR", description = "The connector the events were pushed to.")
        String connector;

        @Override
        public Integer call() throws Exception {
            HttpResponse<String> response = server.send(spec.commandLine(), "GET", path(connector) + "?limit=500", null);
            if (response.statusCode() != 200) {
                return BreakerCommand.failed(response, spec.commandLine().getErr());
            }
            PrintWriter out = spec.commandLine().getOut();
            JsonNode items = JSON.readTree(response.body()).path("items");
            if (items.isEmpty()) {
                out.println("no dead letters");
            }
            // the reason may carry platform text: one line each, control characters shown escaped
            items.forEach(l -> out.println(l.path("seq").asLong() + "\t" + printable(l.path("eventId").asString()) + "\t"
                    + l.path("attempts").asInt() + "\t" + printable(l.path("pushedBy").asString()) + "\t"
                    + printable(l.path("reason").asString())));
            return ExitCode.OK;
        }
    }

    /** One dead letter of one connector, changed by a POST with a reason. */
    abstract static class OneLetter implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        BreakerCommand.Server server = new BreakerCommand.Server();

        @Parameters(index = "0", paramLabel = "CONNECTOR", description = "The connector the event was pushed to.")
        String connector;

        @Parameters(index = "1", paramLabel = "SEQ", description = "The dead letter's seq (itdr dead-letters list).")
        long seq;

        /** POSTs the reason to {@code …/SEQ/verb} and prints what {@code line} makes of the answer. */
        Integer post(String verb, String reason, Function<JsonNode, String> line) throws Exception {
            HttpResponse<String> response = server.send(spec.commandLine(), "POST", path(connector) + "/" + seq + "/" + verb,
                    JSON.writeValueAsString(Map.of("reason", reason)));
            if (response.statusCode() != 200) {
                return BreakerCommand.failed(response, spec.commandLine().getErr());
            }
            spec.commandLine().getOut().println(line.apply(JSON.readTree(response.body())));
            return ExitCode.OK;
        }
    }

    @Command(name = "requeue", mixinStandardHelpOptions = true,
            description = {"Put dead letter SEQ of CONNECTOR back into its backlog, with a reason; the server ledgers it.",
                    "Needs a responder's token. Exits 0 when re-queued, 3 when there is no such dead letter."})
    static final class Requeue extends OneLetter {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "What was fixed (ledgered).")
        String reason;

        @Override
        public Integer call() throws Exception {
            return post("requeue", reason, answer -> "re-queued: " + printable(answer.path("eventId").asString())
                    + " (backlog seq " + answer.path("backlogSeq").asLong() + ")");
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true,
            description = {"Delete dead letter SEQ of CONNECTOR, with a reason; the server ledgers it.",
                    "Needs an admin's token. Exits 0 when dropped, 3 when there is no such dead letter."})
    static final class Drop extends OneLetter {
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why the event may be lost (ledgered).")
        String reason;

        @Override
        public Integer call() throws Exception {
            return post("drop", reason, answer -> "dropped: " + printable(answer.path("eventId").asString()));
        }
    }

    private static String printable(String text) {
        return io.itdr.core.normalize.Printable.escape(text);
    }
}

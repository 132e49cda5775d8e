package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.normalize.Printable;
import io.itdr.server.cli.ItdrCli;
import io.itdr.server.security.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Poison events in the durable ingest backlog: a pushed event the event store refuses (an H2
 * trigger stands in for whatever makes one event fail while the database takes writes) sits
 * between good ones. The good ones are stored and decided; the poison one is tried
 * {@code itdr.ingest.max-attempts} times (3 on the test server), then ledgered and moved to the dead
 * letters with the reason, counted in the metrics, and the rest of the connector's backlog goes on.
 * Pushed again while dead-lettered it is a duplicate; once the cause is fixed a responder re-queues
 * it and it is stored; an admin drops another one. Every change is ledgered; nothing is lost.
 */
class IngestDeadLetterTest extends ApiServerTest {
    private static final String TRIGGER = "itdr_test_poison";
    private static final String POISON = EventStorePoison.PREFIX;

    @TempDir
    Path dir;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void poisonTheEventStore() throws SQLException {
        EventStorePoison.refusing = true;
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE TRIGGER IF NOT EXISTS " + TRIGGER + " BEFORE INSERT ON events FOR EACH ROW CALL '" + EventStorePoison.class.getName() + "'");
        }
    }

    @AfterEach
    void cure() throws SQLException {
        EventStorePoison.refusing = false;
        try (Connection connection = dataSource.getConnection(); Statement sql = connection.createStatement()) {
            sql.execute("DROP TRIGGER IF EXISTS " + TRIGGER);
        }
    }

    /** A CloudTrail record (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html). */
    private static String record(String eventId, String user, String eventName) {
        return """
                {"eventVersion": "1.05", "eventTime": "2026-11-02T09:00:00Z", "eventSource": "iam.amazonaws.com",
                 "eventName": "%s", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
                 "userAgent": "aws-cli/2.15.0", "requestID": "req-%s", "eventID": "%s",
                 "userIdentity": {"type": "IAMUser", "principalId": "AIDA%s", "accountId": "123456789012",
                                  "arn": "arn:aws:iam::123456789012:user/%s", "userName": "%s",
                                  "accessKeyId": "AKIADEADLETTER000001"}}
                """.formatted(eventName, eventId, eventId, user.toUpperCase(java.util.Locale.ROOT).replace("-", ""), user, user);
    }

    private static String trail(String... records) {
        return "{\"Records\": [" + String.join(",", records) + "]}";
    }

    @Test
    void aPoisonEventIsDeadLetteredAfterItsAttemptsAndTheRestGoesOnAndNothingIsLost() throws Exception {
        ApiClient pusher = new ApiClient(port, issue("dead-letter-pusher", Role.INGEST));
        String good1 = "evt-dl-good-1-" + run;
        String good2 = "evt-dl-good-2-" + run;
        String good3 = "evt-dl-good-3-" + run;
        String poison1 = POISON + "1-" + run;
        // its id carries CR, LF, ESC and U+2028 into the failure, the reason and every log line about it
        String poison2 = POISON + "2-\r\n06:00:00.000 ERROR io.itdr.Forged - forged\u001b[2J\u2028-" + run;
        String poison2Json = poison2.replace("\r", "\\r").replace("\n", "\\n").replace("\u001b", "\\u001b").replace("\u2028", "\\u2028");
        String poison2Printed = Printable.escape(poison2);
        LogCapture log = LogCapture.start();
        // the probes make findings and decisions (TestServer's Sigma rule), one identity each so none is a repeat of another
        ApiClient.Response pushed = pusher.postText("/api/v1/ingest/aws", trail(record(good1, "dl-one-" + run, TestServer.RULE_PROBE),
                record(poison1, "dl-two-" + run, "GetUserPolicy"), record(good2, "dl-three-" + run, TestServer.RULE_PROBE),
                record(poison2Json, "dl-four-" + run, "GetUserPolicy")), "application/json");
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(4);
        // a later push waits behind the failing events, and goes through once they are set aside
        ApiClient.Response later = pusher.postText("/api/v1/ingest/aws", trail(record(good3, "dl-five-" + run, TestServer.RULE_PROBE)),
                "application/json");
        assertThat(later.status()).as(later.toString()).isEqualTo(202);

        // the backlog gauge shows the waiting events while the poison holds the connector's backlog
        await("the backlog gauge counts the waiting events", () -> metric("itdr_ingest_backlog", "aws") >= 1);

        await("both poison events are dead letters", () -> deadLetters().size() == 2);
        awaitPushesProcessed();
        String logged = log.stop();
        assertThat(logged).as(logged).contains("moved to the dead letters after " + TestServer.MAX_ATTEMPTS + " failed attempts")
                .contains(poison2Printed);
        assertThat(logged.lines()).as(logged).allMatch(line -> line.matches("(TRACE|DEBUG|INFO|WARN|ERROR) [\\w.$]+ - .*"));
        assertThat(logged.chars().filter(c -> c != '\n' && (Character.isISOControl(c) || c == 0x2028))).as(logged).isEmpty();
        List<JsonNode> letters = deadLetters();
        assertThat(letters).extracting(l -> l.get("eventId").asString()).containsExactly(poison1, poison2);
        String pushedBy = letters.get(0).get("pushedBy").asString();
        assertThat(pushedBy).startsWith("user:dead-letter-pusher/token:dead-letter-pusher-");
        assertThat(letters).allSatisfy(letter -> {
            assertThat(letter.get("attempts").asInt()).as("itdr.ingest.max-attempts on the test server").isEqualTo(TestServer.MAX_ATTEMPTS);
            assertThat(letter.get("reason").asString()).contains("test poison: the event store refuses " + letter.get("eventId").asString());
            assertThat(letter.get("body").asString()).as("the stored event").contains("\"action\":\"iam:GetUserPolicy\"");
            assertThat(letter.get("connectorId").asString()).isEqualTo("aws");
        });

        // the good ones are stored and decided; the poison ones are not stored, and not lost
        assertThat(stored(good1, good2, good3)).isEqualTo(3);
        assertThat(stored(poison1, poison2)).isZero();
        List<JsonNode> decisions = ledger().stream().filter(e -> e.get("kind").asString().equals("decision")
                && pushedBy.equals(e.get("evidence").path("event.pushed_by").asString())).toList();
        for (String user : List.of("dl-one-", "dl-three-", "dl-five-")) {
            assertThat(decisions).as("a decision on " + user + run).anySatisfy(d -> assertThat(d.get("identityKey").asString()).contains(user + run));
        }
        assertThat(ledger()).filteredOn(e -> e.get("kind").asString().equals("ingest.dead_lettered")
                        && e.get("evidence").path("event.pushed_by").asString().equals(pushedBy))
                .extracting(e -> e.get("evidence").get("event.id").asString()).containsExactly(poison1, poison2);
        JsonNode backlog = as(Role.RESPONDER).get("/api/v1/ingest/aws").json();
        assertThat(backlog.get("waiting").asLong()).isZero();
        assertThat(backlog.get("deadLetters").asLong()).isEqualTo(2);
        await("the gauges read from the metrics endpoint", () -> metric("itdr_ingest_dead_letters", "aws") == 2
                && metric("itdr_ingest_backlog", "aws") == 0);
        assertThat(metric("itdr_ingest_dead_lettered_total", "aws")).isGreaterThanOrEqualTo(2);

        // pushed again while set aside, it is a duplicate: the dead letter is its one copy
        ApiClient.Response again = pusher.postText("/api/v1/ingest/aws", trail(record(poison1, "dl-two-" + run, "GetUserPolicy")),
                "application/json");
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(again.json().get("accepted").asInt()).isZero();

        long seq1 = letters.get(0).get("seq").asLong();
        long seq2 = letters.get(1).get("seq").asLong();
        assertThat(as(Role.RESPONDER).post("/api/v1/ingest/aws/dead-letters/" + seq1 + "/requeue", "{}").status())
                .as("a reason is required").isEqualTo(400);
        assertThat(as(Role.RESPONDER).post("/api/v1/ingest/aws/dead-letters/" + seq2 + "/drop", "{\"reason\":\"not mine\"}").status())
                .as("dropping evidence is an admin's").isEqualTo(403);

        // the cause is fixed: re-queued, the event is stored
        EventStorePoison.refusing = false;
        ApiClient.Response requeued = as(Role.RESPONDER).post("/api/v1/ingest/aws/dead-letters/" + seq1 + "/requeue",
                "{\"reason\":\"the event store takes it again\"}");
        assertThat(requeued.status()).as(requeued.toString()).isEqualTo(200);
        assertThat(requeued.json().get("eventId").asString()).isEqualTo(poison1);
        assertThat(requeued.json().get("backlogSeq").asLong()).isGreaterThan(seq1);
        awaitPushesProcessed();
        assertThat(stored(poison1)).isEqualTo(1);
        assertThat(as(Role.RESPONDER).post("/api/v1/ingest/aws/dead-letters/" + seq1 + "/requeue", "{\"reason\":\"twice\"}").status())
                .as("re-queued already").isEqualTo(404);

        // the command line lists and drops, with an admin's token
        Path token = Files.writeString(dir.resolve("token"), issue("dead-letter-admin", Role.ADMIN));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int listed = ItdrCli.run(new String[] {"dead-letters", "list", "aws", "--server", "http://localhost:" + port,
                "--token-file", token.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(listed).as(out + "\n" + err).isZero();
        assertThat(out.toString()).as("printed escaped").contains(seq2 + "\t" + poison2Printed + "\t" + TestServer.MAX_ATTEMPTS + "\t"
                + pushedBy + "\t").doesNotContain(poison1);
        int dropped = ItdrCli.run(new String[] {"dead-letters", "drop", "aws", Long.toString(seq2), "--reason", "a test event",
                "--server", "http://localhost:" + port, "--token-file", token.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(dropped).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("dropped: " + poison2Printed);
        assertThat(deadLetters()).isEmpty();
        assertThat(ItdrCli.run(new String[] {"dead-letters", "drop", "aws", Long.toString(seq2), "--reason", "twice",
                "--server", "http://localhost:" + port, "--token-file", token.toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true))).as("no such dead letter any more").isEqualTo(3);

        assertThat(ledger()).filteredOn(e -> e.get("kind").asString().startsWith("admin.ingest_")
                        && e.get("evidence").path("event.pushed_by").asString().equals(pushedBy))
                .extracting(e -> e.get("kind").asString() + " " + e.get("evidence").get("event.id").asString() + " "
                        + e.get("evidence").get("reason").asString())
                .containsExactly("admin.ingest_requeued " + poison1 + " the event store takes it again",
                        "admin.ingest_dropped " + poison2 + " a test event");
        assertThat(as(Role.VIEWER).get("/api/v1/ledger/verify").json().get("intact").asBoolean()).isTrue();
        await("the dead-letter gauge is back to 0", () -> metric("itdr_ingest_dead_letters", "aws") == 0);
    }

    private List<JsonNode> deadLetters() {
        ApiClient.Response response = as(Role.VIEWER).get("/api/v1/ingest/aws/dead-letters?limit=500");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.json().get("items").valueStream().filter(l -> l.get("eventId").asString().endsWith(run)).toList();
    }

    private long stored(String... eventIds) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM events WHERE connector_id = 'aws' AND event_id IN ("
                     + String.join(", ", java.util.Collections.nCopies(eventIds.length, "?")) + ")")) {
            for (int i = 0; i < eventIds.length; i++) {
                select.setString(i + 1, eventIds[i]);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** A sample of {@code name{connector="..."}} on {@code /actuator/prometheus}; -1 when absent. */
    private double metric(String name, String connector) {
        String text = as(Role.VIEWER).get("/actuator/prometheus").body();
        Matcher sample = Pattern.compile("(?m)^" + name + "\\{[^}]*connector=\"" + connector + "\"[^}]*\\} (\\S+)$").matcher(text);
        return sample.find() ? Double.parseDouble(sample.group(1)) : -1;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** What the root logger writes meanwhile, as {@code LEVEL logger - message} lines (as {@link LogEscapingTest} reads it). */
    private record LogCapture(ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender,
                              java.io.ByteArrayOutputStream captured) {
        static LogCapture start() {
            ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%level %logger - %msg%n");
            encoder.setCharset(java.nio.charset.StandardCharsets.UTF_8);
            encoder.start();
            java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
            ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ch.qos.logback.core.OutputStreamAppender<>();
            appender.setContext(context);
            appender.setEncoder(encoder);
            appender.setOutputStream(captured);
            appender.start();
            context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME).addAppender(appender);
            return new LogCapture(appender, captured);
        }

        String stop() {
            ch.qos.logback.classic.LoggerContext context = (ch.qos.logback.classic.LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
            context.getLogger(ch.qos.logback.classic.Logger.ROOT_LOGGER_NAME).detachAppender(appender);
            appender.stop();
            return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}

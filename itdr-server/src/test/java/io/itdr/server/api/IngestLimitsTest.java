package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.normalize.EventJson;
import io.itdr.core.pipeline.Intake;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.intake.IngestGate;
import io.itdr.server.security.Role;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Push ingest in bounded memory: a compression bomb, a payload with too many records and one push
 * too many at once are refused with a problem naming the limit and its property, and the server
 * keeps answering.
 */
class IngestLimitsTest extends ApiServerTest {

    @Test
    void aGzipUnpackingBeyondTheLimitIs413AndTheServerKeepsAnswering() {
        // 8 MiB of blanks inside a valid CloudTrail envelope: a few KiB packed, 8x the unpacked limit
        byte[] bomb = gzip(("{\"Records\": [" + " ".repeat(8 * TestServer.MAX_UNPACKED) + "]}").getBytes(StandardCharsets.UTF_8));
        assertThat(bomb.length).isLessThan(TestServer.MAX_PAYLOAD);
        for (byte[] payload : List.of(bomb, gzip(bomb))) {
            ApiClient.Response response = push(payload);
            assertThat(response.status()).as(response.toString()).isEqualTo(413);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            JsonNode problem = response.json();
            assertThat(problem.get("type").asString()).isEqualTo("urn:itdr:problem:payload-too-large");
            assertThat(problem.get("property").asString()).isEqualTo("itdr.ingest.max-unpacked");
            assertThat(problem.get("limit").asLong()).isEqualTo(TestServer.MAX_UNPACKED);
            assertThat(problem.get("detail").asString()).contains("unpacks to more than").contains("itdr.ingest.max-unpacked");
        }
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
        // a packed payload within the limits is still taken
        ApiClient.Response small = push(gzip(cloudTrail(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(small.status()).as(small.toString()).isEqualTo(202);
        assertThat(small.json().get("accepted").asInt() + small.json().get("duplicates").asInt()).isEqualTo(1);
    }

    @Test
    void recordsBeyondTheLimitAre413AndThoseBeforeItAreProcessed() {
        ApiClient.Response atLimit = as(Role.RESPONDER).postText("/api/v1/ingest/aws", cloudTrail(TestServer.MAX_RECORDS), "application/json");
        assertThat(atLimit.status()).as(atLimit.toString()).isEqualTo(202);
        assertThat(atLimit.json().get("accepted").asInt()).isEqualTo(TestServer.MAX_RECORDS);

        ApiClient.Response beyond = as(Role.RESPONDER).postText("/api/v1/ingest/aws", cloudTrail(TestServer.MAX_RECORDS + 1), "application/json");
        assertThat(beyond.status()).as(beyond.toString()).isEqualTo(413);
        JsonNode problem = beyond.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:itdr:problem:too-many-records");
        assertThat(problem.get("property").asString()).isEqualTo("itdr.ingest.max-records");
        assertThat(problem.get("limit").asInt()).isEqualTo(TestServer.MAX_RECORDS);
        assertThat(problem.get("accepted").asInt() + problem.get("duplicates").asInt()).isEqualTo(TestServer.MAX_RECORDS);
    }

    @Test
    void aTextTooLongToBeReadBackIsRejectedNamingItsFieldAndTheRestIsTaken() {
        String records = cloudTrail(3);
        String huge = "aws-cli/" + "x".repeat(EventJson.MAX_STRING + 10);
        String body = records.replaceFirst("\"userAgent\": \"aws-cli/2.15.0\"", "\"userAgent\": \"" + huge + "\"");
        ApiClient.Response pushed = push(gzip(body.getBytes(StandardCharsets.UTF_8))); // packed: under the payload limit
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt() + pushed.json().get("duplicates").asInt()).isEqualTo(2);
        assertThat(pushed.json().get("rejected").asInt()).isEqualTo(1);
        assertThat(pushed.json().get("rejections").get(0).get("reason").asString())
                .isEqualTo("source.userAgent longer than " + EventJson.MAX_STRING + " characters");
    }

    @Test
    void aPolledEventWithATextTooLongToBeReadBackIsRejectedAndTheRestIsStored() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        IdentityEvent fine = polled("evt-polled-" + run + "-1", "aws-cli/2.15.0");
        IdentityEvent overlong = polled("evt-polled-" + run + "-2", "aws-cli/" + "y".repeat(EventJson.MAX_STRING + 1));
        EventIntake intake = server.bean(EventIntake.class);
        Intake.BatchResult result = intake.accept("aws", List.of(overlong, fine), List.of(), List.of());
        assertThat(result.accepted()).isEqualTo(1);
        JdbcEventStore store = server.bean(JdbcEventStore.class);
        assertThat(store.unseen("aws", List.of(fine, overlong))).containsExactly(overlong); // only the fine one is stored
    }

    private static IdentityEvent polled(String id, String userAgent) {
        return IdentityEvent.builder(id, Instant.parse("2026-11-02T09:00:00Z"), "aws", IdentityRef.of("arn:aws:iam::123456789012:user/limits-test"))
                .tenant("123456789012").action("iam:GetUserPolicy")
                .source(new Source("198.51.100.7", null, null, null, userAgent, null)).build();
    }

    @Test
    void onePushTooManyAtOnceIs429WithRetryAfter() {
        IngestGate gate = server.bean(IngestGate.class);
        List<IngestGate.Place> taken = new ArrayList<>();
        try {
            for (Optional<IngestGate.Place> place = gate.tryEnter(); place.isPresent(); place = gate.tryEnter()) {
                taken.add(place.get());
            }
            assertThat(taken).hasSize(gate.limit());
            ApiClient.Response refused = as(Role.RESPONDER).postText("/api/v1/ingest/aws", cloudTrail(1), "application/json");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.json().get("type").asString()).isEqualTo("urn:itdr:problem:too-many-ingests");
            assertThat(refused.json().get("property").asString()).isEqualTo("itdr.ingest.max-concurrent");
            assertThat(refused.json().get("limit").asInt()).isEqualTo(gate.limit());
        } finally {
            taken.forEach(IngestGate.Place::close);
        }
        ApiClient.Response again = as(Role.RESPONDER).postText("/api/v1/ingest/aws", cloudTrail(1), "application/json");
        assertThat(again.status()).as(again.toString()).isEqualTo(202);
    }

    @Test
    void aFullBacklogIs429WithRetryAfterAndNothingIsRead() throws Exception {
        // a connector whose worker never runs (none is configured under this id) fills the backlog
        String filler = "backlog-filler";
        try (java.sql.Connection connection = dataSource.getConnection(); java.sql.PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ingest_backlog (connector_id, event_id, pushed_by, received_at, body) VALUES (?, ?, 'test', CURRENT_TIMESTAMP, '{}')")) {
            for (int i = 0; i < TestServer.MAX_BACKLOG; i++) {
                insert.setString(1, filler);
                insert.setString(2, "filler-" + i);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try {
            String payload = cloudTrail(1);
            ApiClient.Response refused = as(Role.RESPONDER).postText("/api/v1/ingest/aws", payload, "application/json");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.header("Retry-After")).isEqualTo("5");
            assertThat(refused.json().get("type").asString()).isEqualTo("urn:itdr:problem:ingest-backlog-full");
            assertThat(refused.json().get("property").asString()).isEqualTo("itdr.ingest.max-backlog");
            assertThat(refused.json().get("limit").asInt()).isEqualTo(TestServer.MAX_BACKLOG);
            assertThat(refused.json().has("accepted")).as("refused before reading").isFalse();

            try (java.sql.Connection connection = dataSource.getConnection(); java.sql.Statement delete = connection.createStatement()) {
                delete.executeUpdate("DELETE FROM ingest_backlog WHERE connector_id = '" + filler + "'");
            }
            ApiClient.Response again = as(Role.RESPONDER).postText("/api/v1/ingest/aws", payload, "application/json");
            assertThat(again.status()).as(again.toString()).isEqualTo(202);
            assertThat(again.json().get("accepted").asInt()).as("the refused push stored nothing").isEqualTo(1);
        } finally {
            try (java.sql.Connection connection = dataSource.getConnection(); java.sql.Statement delete = connection.createStatement()) {
                delete.executeUpdate("DELETE FROM ingest_backlog WHERE connector_id = '" + filler + "'");
            }
        }
    }

    @Test
    void anAcknowledgedPushIsProcessedAfterTheAnswerAndItsBacklogCanBeRead() {
        String payload = cloudTrail(3);
        ApiClient pusher = as(Role.RESPONDER);
        ApiClient.Response pushed = pusher.postText("/api/v1/ingest/aws", payload, "application/json");
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(3);
        assertThat(pushed.json().get("backlog").asLong()).isBetween(0L, 3L);
        awaitPushesProcessed();
        assertThat(pusher.get("/api/v1/ingest/aws").json().get("waiting").asLong()).isZero();
        String firstId = payload.substring(payload.indexOf("evt-limits-"), payload.indexOf('"', payload.indexOf("evt-limits-")));
        assertThat(as(Role.VIEWER).get("/api/v1/events?limit=500").body()).as("processed and stored as events").contains(firstId);
        ApiClient.Response again = pusher.postText("/api/v1/ingest/aws", payload, "application/json");
        assertThat(again.json().get("duplicates").asInt()).as("dedupe exact after processing").isEqualTo(3);
    }

    private ApiClient.Response push(byte[] payload) {
        return ApiClient.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ingest/aws"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build());
    }

    /** A CloudTrail log file of {@code count} valid records, each with an event id of its own. */
    private static String cloudTrail(int count) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add("""
                    {"eventVersion": "1.05", "eventTime": "2026-11-02T09:00:00Z", "eventSource": "iam.amazonaws.com",
                     "eventName": "GetUserPolicy", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
                     "userAgent": "aws-cli/2.15.0", "requestID": "req-limits-%1$s-%2$d", "eventID": "evt-limits-%1$s-%2$d",
                     "userIdentity": {"type": "IAMUser", "principalId": "AIDALIMITSTEST", "accountId": "123456789012",
                                      "arn": "arn:aws:iam::123456789012:user/limits-test", "userName": "limits-test",
                                      "accessKeyId": "AKIALIMITSTEST000001"}}""".formatted(run, i));
        }
        return "{\"Records\": [" + String.join(",\n", records) + "]}";
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(packed)) {
            out.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return packed.toByteArray();
    }
}

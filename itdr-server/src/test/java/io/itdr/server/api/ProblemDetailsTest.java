package io.itdr.server.api;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.security.Role;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every error is an RFC 9457 problem detail with type, title, status, detail and instance, plus
 * the field, role or located policy problems it concerns; never a stack trace or a secret.
 */
class ProblemDetailsTest extends ApiServerTest {
    private static final String CLOUDTRAIL = """
            {"Records": [
              {"eventVersion": "1.05", "eventTime": "2026-11-02T09:00:00Z", "eventSource": "iam.amazonaws.com",
               "eventName": "GetUserPolicy", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
               "userAgent": "aws-cli/2.15.0", "requestID": "req-ingest-test-1", "eventID": "evt-ingest-test-1",
               "userIdentity": {"type": "IAMUser", "principalId": "AIDAINGESTTEST", "accountId": "123456789012",
                                "arn": "arn:aws:iam::123456789012:user/ingest-test", "userName": "ingest-test",
                                "accessKeyId": "AKIAINGESTTEST000001"}},
              {"eventVersion": "1.05"}
            ]}
            """;

    private static void assertProblem(ApiClient.Response response, int status, String type) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo(type);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
        assertThat(problem.get("instance").asString()).startsWith("/");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("io.itdr.");
    }

    @Test
    void unknownIdsAre404Problems() {
        for (String path : new String[] {"/api/v1/findings/nope", "/api/v1/incidents/nope", "/api/v1/decisions/nope",
                "/api/v1/actions/dec-nope%2Faction%2F0", "/api/v1/connectors/nope/health"}) {
            assertProblem(as(Role.VIEWER).get(path), 404, "urn:itdr:problem:not-found");
        }
        ApiClient.Response finding = as(Role.VIEWER).get("/api/v1/findings/nope");
        assertThat(finding.json().get("detail").asString()).isEqualTo("no finding 'nope'");
        assertThat(finding.json().get("instance").asString()).isEqualTo("/api/v1/findings/nope");
        assertProblem(admin().delete("/api/v1/tokens/tok-nope?reason=cleanup"), 404, "urn:itdr:problem:not-found");
    }

    @Test
    void badInputNamesTheField() {
        ApiClient.Response limit = as(Role.VIEWER).get("/api/v1/findings?limit=501");
        assertProblem(limit, 400, "urn:itdr:problem:bad-input");
        assertThat(limit.json().get("field").asString()).isEqualTo("limit");
        assertThat(as(Role.VIEWER).get("/api/v1/events?offset=-1").json().get("field").asString()).isEqualTo("offset");
        assertThat(as(Role.VIEWER).get("/api/v1/ledger?from=0").json().get("field").asString()).isEqualTo("from");
        ApiClient.Response notANumber = as(Role.VIEWER).get("/api/v1/findings?limit=many");
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.json().get("detail").asString()).contains("limit");
        ApiClient.Response reason = as(Role.APPROVER).post("/api/v1/approvals/manual%2Fx/reject", json("reason", " "));
        assertProblem(reason, 400, "urn:itdr:problem:bad-input");
        assertThat(reason.json().get("field").asString()).isEqualTo("reason");
        ApiClient.Response engaged = as(Role.RESPONDER).post("/api/v1/automation/kill-switch", json("reason", "why"));
        assertThat(engaged.json().get("field").asString()).isEqualTo("engaged");
    }

    /** Numbers that do not fit, methods Spring does not map: still problems naming the parameter, never a class name. */
    @Test
    void unconvertibleInputIsAProblemWithoutInternals() {
        ApiClient.Response overflow = as(Role.VIEWER).get("/api/v1/findings?limit=99999999999999999999");
        assertProblem(overflow, 400, "urn:itdr:problem:bad-input");
        assertThat(overflow.json().get("field").asString()).isEqualTo("limit");
        assertThat(overflow.body()).doesNotContain("java.").doesNotContain("NumberFormat");
        ApiClient.Response typed = as(Role.RESPONDER).post("/api/v1/automation/kill-switch", "{\"engaged\": {\"x\": 1}, \"reason\": \"r\"}");
        assertThat(typed.status()).as(typed.toString()).isEqualTo(400);
        assertThat(typed.body()).doesNotContain("java.").doesNotContain("tools.jackson").doesNotContain("io.itdr.");
        ApiClient.Response trace = as(Role.VIEWER).send("TRACE", "/api/v1/findings", null, null);
        assertThat(trace.status()).as(trace.toString()).isEqualTo(405);
        assertThat(trace.header("Content-Type")).as(trace.toString()).startsWith("application/problem+json");
        assertThat(trace.json().get("type").asString()).isEqualTo("urn:itdr:problem:method-not-allowed");
        for (String path : new String[] {"/api/v1/findings/a%00b", "/api/v1/findings/a%5Cb"}) {
            ApiClient.Response odd = as(Role.VIEWER).get(path);
            assertThat(odd.status()).as(odd.toString()).isBetween(400, 404);
            assertThat(odd.header("Content-Type")).as(path + " " + odd).startsWith("application/problem+json");
        }
    }

    @Test
    void aRoleTooLowIs403NamingTheRole() {
        ApiClient.Response response = as(Role.VIEWER).post("/api/v1/actions", "{}");
        assertProblem(response, 403, "urn:itdr:problem:forbidden");
        assertThat(response.json().get("detail").asString()).isEqualTo("POST /api/v1/actions needs the role responder; you have the roles [viewer]");
        assertProblem(anonymous().get("/api/v1/findings"), 401, "urn:itdr:problem:unauthenticated");
    }

    @Test
    void anInvalidPolicyIs422WithEveryProblemAtItsLine() {
        String policy = """
                name: broken
                version: "1"
                mode: enforce
                rules:
                  - id: bad-cel
                    when: finding.confidence >= 'high'
                    rung: quarantine_session
                  - id: bad-rung
                    when: "true"
                    rung: obliterate
                """;
        ApiClient.Response response = as(Role.RESPONDER).postText("/api/v1/policies/validate", policy, "application/yaml");
        assertProblem(response, 422, "urn:itdr:problem:invalid-policy");
        JsonNode errors = response.json().get("errors");
        assertThat(errors.size()).isGreaterThanOrEqualTo(2);
        assertThat(errors.valueStream().map(e -> e.get("line").asInt())).contains(6, 10);
        assertThat(errors.valueStream().filter(e -> e.get("line").asInt() == 10).findFirst().orElseThrow().get("reason").asString())
                .contains("obliterate");
        assertThat(errors.valueStream().allMatch(e -> e.get("column").asInt() > 0 && e.get("file").asString().equals("request"))).isTrue();
    }

    @Test
    void aPayloadBeyondTheLimitIs413WhetherDeclaredOrStreamed() {
        String big = "x".repeat(TestServer.MAX_PAYLOAD + 1);
        ApiClient.Response declared = as(Role.RESPONDER).postText("/api/v1/ingest/aws", big, "application/json");
        assertProblem(declared, 413, "urn:itdr:problem:payload-too-large");
        assertThat(declared.json().get("maxBytes").asLong()).isEqualTo(TestServer.MAX_PAYLOAD);

        // streamed (no Content-Length): counted while the normalizer reads, so the payload must parse up to the limit
        byte[] bytes = ("{\"Records\": [" + " ".repeat(TestServer.MAX_PAYLOAD) + "]}").getBytes(StandardCharsets.UTF_8);
        HttpRequest chunked = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/ingest/aws"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        ApiClient.Response streamed = ApiClient.send(chunked);
        assertProblem(streamed, 413, "urn:itdr:problem:payload-too-large");
        assertThat(streamed.json().get("property").asString()).isEqualTo("itdr.ingest.max-payload");
        assertThat(streamed.json().get("limit").asLong()).isEqualTo(TestServer.MAX_PAYLOAD);

        assertProblem(as(Role.RESPONDER).postText("/api/v1/ingest/okta", "{}", "application/json"), 404, "urn:itdr:problem:unknown-connector");
    }

    @Test
    void aPushedPayloadIsNormalizedByItsConnectorAndBadRecordsAreCounted() {
        ApiClient.Response response = as(Role.RESPONDER).postText("/api/v1/ingest/aws", CLOUDTRAIL, "application/json");
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        assertThat(response.json().get("connectorId").asString()).isEqualTo("aws");
        assertThat(response.json().get("accepted").asInt() + response.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(response.json().get("rejected").asInt()).isEqualTo(1);
        assertThat(response.json().get("rejections").get(0).get("reason").asString()).isNotBlank();
        ApiClient.Response again = as(Role.RESPONDER).postText("/api/v1/ingest/aws", CLOUDTRAIL, "application/json");
        assertThat(again.json().get("duplicates").asInt()).isEqualTo(1);
    }

    /** Pushed records reach detection with their raw record: the server's Sigma rule (itdr.rules.dirs) matches it. */
    @Test
    void aPushedRecordIsMatchedByTheServersRules() {
        String probe = CLOUDTRAIL.replace("evt-ingest-test-1", "evt-rule-probe-1").replace("req-ingest-test-1", "req-rule-probe-1")
                .replaceFirst("\"eventName\": \"[A-Za-z]+\"", "\"eventName\": \"" + TestServer.RULE_PROBE + "\"");
        assertThat(probe).contains(TestServer.RULE_PROBE);
        ApiClient.Response response = as(Role.RESPONDER).postText("/api/v1/ingest/aws", probe, "application/json");
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        assertThat(response.json().get("accepted").asInt()).isEqualTo(1);
        awaitPushesProcessed();
        assertThat(as(Role.VIEWER).get("/api/v1/findings?limit=500").body()).contains("sigma:" + TestServer.RULE_ID);
    }
}

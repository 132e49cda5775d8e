package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.cli.ItdrCli;
import io.itdr.server.security.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * An ingest token bound to one connector ({@code itdr token issue --connector aws}) pushes to that
 * connector only: 403 for any other, before anything is read; the binding is ledgered with the
 * issue, listed, and only an ingest-only token can carry one.
 */
class ConnectorBoundTokenTest extends ApiServerTest {
    private static final String RECORD = """
            {"Records": [{"eventVersion": "1.05", "eventTime": "2026-11-02T09:00:00Z", "eventSource": "iam.amazonaws.com",
              "eventName": "GetUserPolicy", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2.15.0",
              "requestID": "req-bound-1", "eventID": "evt-bound-1",
              "userIdentity": {"type": "IAMUser", "principalId": "AIDABOUNDTEST", "accountId": "123456789012",
                               "arn": "arn:aws:iam::123456789012:user/bound-test", "userName": "bound-test", "accessKeyId": "AKIABOUNDTEST0000001"}}]}""";

    @TempDir
    Path dir;

    @Test
    void aTokenIssuedForAwsPushesToAwsOnlyAndTheBindingIsLedgered() throws Exception {
        Path admin = Files.writeString(dir.resolve("admin-token"), ADMIN_TOKEN);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ItdrCli.run(new String[] {"token", "issue", "eventbridge-aws", "--role", "ingest", "--connector", "aws",
                "--principal", "platform-team", "--expires-in", "90d", "--reason", "EventBridge API destination",
                "--server", "http://localhost:" + port, "--token-file", admin.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(err.toString()).contains("pushing to connector aws only");
        String token = out.toString().strip();
        assertThat(token).startsWith("itdr_");
        ApiClient bound = new ApiClient(port, token);

        ApiClient.Response pushed = bound.postText("/api/v1/ingest/aws", RECORD, "application/json");
        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        for (String other : new String[] {"okta", "azure", "no-such-connector"}) {
            ApiClient.Response refused = bound.postText("/api/v1/ingest/" + other, RECORD, "application/json");
            assertThat(refused.status()).as(other + ": " + refused).isEqualTo(403);
            assertThat(refused.json().get("detail").asString()).contains("connector 'aws' only");
            assertThat(bound.get("/api/v1/ingest/" + other).status()).isEqualTo(403);
        }
        assertThat(bound.get("/api/v1/ingest/aws").status()).isEqualTo(200);
        assertThat(bound.get("/api/v1/events").status()).as("still an ingest token: it reads nothing").isEqualTo(403);

        JsonNode listed = admin().get("/api/v1/tokens").json().valueStream()
                .filter(t -> t.get("name").asString().equals("eventbridge-aws")).findFirst().orElseThrow();
        assertThat(listed.get("connector").asString()).isEqualTo("aws");
        JsonNode issued = ledger().stream().filter(e -> e.get("kind").asString().equals("admin.token_issued"))
                .filter(e -> "eventbridge-aws".equals(e.get("evidence").path("token.name").asString(null))).findFirst().orElseThrow();
        assertThat(issued.get("evidence").get("token.connector").asString()).isEqualTo("aws");

        ApiClient.Response unbound = new ApiClient(port, issue("any-pusher", Role.INGEST)).postText("/api/v1/ingest/okta", RECORD,
                "application/json");
        assertThat(unbound.status()).as("an unbound token reaches the connector check: %s", unbound).isEqualTo(404);
    }

    @Test
    void onlyAnIngestOnlyTokenCanBeBoundToAConnector() {
        ApiClient.Response wide = admin().post("/api/v1/tokens", ApiClient.json("name", "bound-responder", "roles", java.util.List.of("responder"),
                "connector", "aws", "reason", "test"));
        assertThat(wide.status()).as(wide.toString()).isEqualTo(400);
        assertThat(wide.json().get("field").asString()).isEqualTo("connector");
        ApiClient.Response malformed = admin().post("/api/v1/tokens", ApiClient.json("name", "bound-bad", "roles", java.util.List.of("ingest"),
                "connector", "../aws", "reason", "test"));
        assertThat(malformed.status()).as(malformed.toString()).isEqualTo(400);
    }
}

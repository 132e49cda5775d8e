package io.itdr.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The central server end to end: CloudTrail records pushed to the ingest endpoint, the real AWS
 * connector acting on a WireMock-emulated IAM, approvals and rollback over the REST API with API
 * tokens, the ledger verified. Runs once per database ({@link ServerEndToEndH2Test}, {@link ServerEndToEndPostgresTest}).
 */
abstract class ServerEndToEndTest {
    @TempDir
    Path dir;

    AwsEstate aws;
    RunningServer server;
    String responder;
    String approver;
    String secondApprover;
    String admin = RunningServer.ADMIN_TOKEN;

    /** The datasource properties of the database under test. */
    abstract Map<String, Object> database(Path dir);

    @BeforeEach
    void start() throws IOException {
        aws = new AwsEstate();
        Path policy = Files.writeString(dir.resolve("policy.yaml"), AwsEstate.POLICY);
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG);
        Map<String, Object> properties = new LinkedHashMap<>(database(dir));
        properties.putAll(aws.connectorProperties());
        properties.put("itdr.policy", policy.toString());
        properties.put("itdr.catalog", catalog.toString());
        server = new RunningServer(properties);
        responder = server.token("alice", "responder");
        approver = server.token("bob", "approver");
        secondApprover = server.token("carol", "approver");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        aws.close();
    }

    /** The key used from its workload's network, then from outside it a minute later. */
    private void replayKey(String user, String key) {
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
        server.ingestProcessed("aws", responder, AwsEstate.trail(user, key, "10.20.3.4", t0));
        JsonNode pushed = server.ingestProcessed("aws", responder, AwsEstate.trail(user, key, "203.0.113.50", t0.plusSeconds(60)));
        assertThat(pushed.path("accepted").asInt()).as("the replayed use is stored: %s", pushed).isEqualTo(1);
    }

    private List<JsonNode> held() {
        return RunningServer.items(server.get("/api/v1/approvals", approver).ok());
    }

    @Test
    void aReplayedKeyOfASharedIdentityIsHeldApprovedByAnotherPersonDisabledOnceAndRolledBack() {
        replayKey(AwsEstate.SHARED_USER, AwsEstate.SHARED_KEY);

        assertThat(aws.calls("UpdateAccessKey")).as("a shared identity's key is not disabled without a person").isZero();
        List<JsonNode> held = held();
        assertThat(held).hasSize(1);
        String actionId = held.get(0).path("actionId").asText();

        JsonNode approved = server.post("/api/v1/approvals/" + RunningServer.action(actionId) + "/approve", approver,
                Map.of("reason", "owner confirmed the key leaked", "planDigest", held.get(0).path("planDigest").asText())).ok();

        assertThat(approved.path("state").asText()).isEqualTo("verified");
        assertThat(aws.keyStatus(AwsEstate.SHARED_USER, AwsEstate.SHARED_KEY)).isEqualTo("Inactive");
        assertThat(aws.calls("UpdateAccessKey")).isEqualTo(1);

        JsonNode rolledBack = server.post("/api/v1/actions/" + RunningServer.action(actionId) + "/rollback", responder,
                Map.of("reason", "the pipeline was rotated to a new key")).ok();

        assertThat(rolledBack.path("state").asText()).isEqualTo("rolled_back");
        assertThat(aws.keyStatus(AwsEstate.SHARED_USER, AwsEstate.SHARED_KEY)).isEqualTo("Active");
        JsonNode verify = server.get("/api/v1/ledger/verify", responder).ok();
        assertThat(verify.path("intact").asBoolean()).as("%s", verify).isTrue();
        assertThat(verify.path("entriesChecked").asLong()).isGreaterThan(5);
    }

    @Test
    void theSamePolicyOnAnUnsharedIdentityWithAKnownOwnerContainsAutomatically() {
        replayKey(AwsEstate.OWN_USER, AwsEstate.OWN_KEY);

        assertThat(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)).isEqualTo("Inactive");
        assertThat(aws.calls("UpdateAccessKey")).isEqualTo(1);
        assertThat(held()).isEmpty();
        List<JsonNode> actions = RunningServer.items(server.get("/api/v1/actions", responder).ok());
        assertThat(actions).singleElement().satisfies(a -> assertThat(a.path("state").asText()).isEqualTo("verified"));
    }

    @Test
    void withTheKillSwitchEngagedNothingActs() {
        server.post("/api/v1/automation/kill-switch", admin, Map.of("engaged", true, "reason", "incident drill")).ok();

        replayKey(AwsEstate.OWN_USER, AwsEstate.OWN_KEY);

        assertThat(aws.calls("UpdateAccessKey")).isZero();
        assertThat(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)).isEqualTo("Active");
        JsonNode ledger = server.get("/api/v1/ledger?from=1&limit=500", responder).ok();
        assertThat(RunningServer.items(ledger.path("entries"))).anySatisfy(e -> assertThat(e.path("kind").asText()).isEqualTo("action.not_planned"));
    }

    @Test
    void healthIsPublicPerConnectorAndMetricsShowTheEngine() {
        replayKey(AwsEstate.SHARED_USER, AwsEstate.SHARED_KEY);

        RunningServer.Reply anonymous = server.get("/actuator/health", null);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body().path("status").asText()).isEqualTo("UP");
        assertThat(anonymous.body().has("components")).as("anonymous health names no component: %s", anonymous.body()).isFalse();
        RunningServer.Reply health = server.get("/actuator/health", server.token("probe-reader", "viewer"));
        assertThat(health.body().path("components").path("connectors").path("components").has("aws")).as("%s", health.body()).isTrue();
        assertThat(server.get("/actuator/prometheus", null).status()).isEqualTo(401);
        assertThat(server.get("/api/v1/findings", null).status()).isEqualTo(401);

        String metrics = server.text("/actuator/prometheus", server.token("grafana", "viewer"));
        assertThat(metrics).contains("itdr_events_accepted_total{connector=\"aws\"} 2.0", "itdr_findings_total{detector=\"token_replay\"} 1.0",
                "itdr_holds_pending 1.0", "itdr_actions{state=\"held\"} 1.0", "itdr_ledger_entries", "itdr_connector_up{connector=\"aws\"}",
                "itdr_decisions_total{hold=\"true\",mode=\"enforce\"");
    }

    @Test
    void aRequesterCannotApproveTheirOwnRequest() {
        replayKey(AwsEstate.SHARED_USER, AwsEstate.SHARED_KEY);
        String findingId = RunningServer.items(server.get("/api/v1/findings", approver).ok()).get(0).path("id").asText();
        // bob asks for the key to be disabled himself...
        JsonNode requested = server.post("/api/v1/actions", approver, Map.of("findingId", findingId, "rung", "disable_credential",
                "reason", "I want this key off now")).ok();
        String actionId = requested.path("id").asText();
        assertThat(requested.path("state").asText()).isEqualTo("held");

        // ...and may not approve his own request
        String digest = requested.path("planDigest").asText();
        RunningServer.Reply self = server.post("/api/v1/approvals/" + RunningServer.action(actionId) + "/approve", approver,
                Map.of("reason", "approving my own request", "planDigest", digest));
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.body().path("detail").asText()).contains("may not approve");
        assertThat(aws.calls("UpdateAccessKey")).isZero();
        // ...not even through a second token issued to him
        RunningServer.Reply sameBob = server.post("/api/v1/approvals/" + RunningServer.action(actionId) + "/approve",
                server.tokenFor("bob", "bob-laptop", "approver"), Map.of("reason", "my other token", "planDigest", digest));
        assertThat(sameBob.status()).isEqualTo(403);

        JsonNode approved = server.post("/api/v1/approvals/" + RunningServer.action(actionId) + "/approve", secondApprover,
                Map.of("reason", "second pair of eyes", "planDigest", digest)).ok();
        assertThat(approved.path("state").asText()).isEqualTo("verified");
        assertThat(aws.calls("UpdateAccessKey")).isEqualTo(1);
    }
}

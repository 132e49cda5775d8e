package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Finding;
import io.itdr.server.security.Role;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** What a viewer reads: events, findings, incidents, decisions, the ledger, connectors, the policy, the OpenAPI document. */
class ReadEndpointsTest extends ApiServerTest {

    @Test
    void aFindingIsListedWithItsDecisionIncidentAndEvents() {
        Finding finding = Sessions.replayed(server, "team4-reports");
        ApiClient viewer = as(Role.VIEWER);

        JsonNode detail = viewer.get("/api/v1/findings/" + finding.id()).json();
        assertThat(detail.get("finding").get("detector").asString()).isEqualTo("token_replay");
        assertThat(detail.get("finding").get("identity").get("id").asString()).endsWith("role/team4-reports");
        JsonNode decision = detail.get("decisions").get(0);
        assertThat(decision.get("rung").asString()).isEqualTo("quarantine_session");
        assertThat(decision.get("mode").asString()).isEqualTo("enforce");
        assertThat(viewer.get("/api/v1/decisions/" + decision.get("id").asString()).json().get("findingId").asString())
                .isEqualTo(finding.id());
        assertThat(viewer.get("/api/v1/findings?limit=500").json().get("items").valueStream().map(f -> f.get("id").asString()))
                .contains(finding.id());
        assertThat(viewer.get("/api/v1/decisions?limit=500").json().get("items").valueStream().map(d -> d.get("findingId").asString()))
                .contains(finding.id());

        JsonNode incident = viewer.get("/api/v1/incidents?limit=500").json().get("items").valueStream()
                .filter(i -> i.get("identityKey").asString().equals(finding.identityKey())).findFirst().orElseThrow();
        JsonNode incidentDetail = viewer.get("/api/v1/incidents/" + incident.get("id").asString()).json();
        assertThat(incidentDetail.get("findings").valueStream().map(f -> f.get("id").asString())).containsExactly(finding.id());
        assertThat(incidentDetail.get("decisions").size()).isEqualTo(1);
        assertThat(incidentDetail.get("actions").valueStream().map(a -> a.get("state").asString())).containsExactly("verified");

        JsonNode events = viewer.get("/api/v1/events?limit=500").json().get("items");
        JsonNode event = events.valueStream().filter(e -> e.get("eventId").asString().equals("team4-reports-replay")).findFirst().orElseThrow();
        assertThat(event.get("digest").asString()).hasSize(64);
        assertThat(event.get("event").get("source").get("ip").asString()).isEqualTo("203.0.113.9");
        JsonNode page = viewer.get("/api/v1/events?limit=1").json();
        assertThat(page.get("items").size()).isEqualTo(1);
        assertThat(page.get("nextOffset").asLong()).isEqualTo(1);
    }

    @Test
    void theLedgerIsReadInPagesAndVerified() {
        Sessions.replayed(server, "team5-ledger");
        JsonNode page = as(Role.VIEWER).get("/api/v1/ledger?from=2&limit=3").json();
        assertThat(page.get("entries").valueStream().map(e -> e.get("seq").asLong())).containsExactly(2L, 3L, 4L);
        assertThat(page.get("next").asLong()).isEqualTo(5);
        JsonNode entry = page.get("entries").get(0);
        assertThat(entry.get("hash").asString()).hasSize(64);
        assertThat(entry.get("stage").asString()).isIn("detection", "containment", "recovery");
        JsonNode verification = as(Role.VIEWER).get("/api/v1/ledger/verify").json();
        assertThat(verification.get("intact").asBoolean()).isTrue();
        assertThat(verification.get("entriesChecked").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(verification.get("firstBrokenSeq").isNull()).isTrue();
        assertThat(verification.get("head").get("seq").asLong()).isEqualTo(verification.get("entriesChecked").asLong());
        assertThat(verification.get("head").get("hash").asString()).hasSize(64);
        assertThat(verification.get("checkpoint").isNull()).isTrue(); // checkpoints are off in this server
    }

    @Test
    void connectorsShowTheirDeclaredConfigurationButNeverItsValues() {
        ApiClient.Response response = as(Role.VIEWER).get("/api/v1/connectors");
        assertThat(response.body()).doesNotContain("test-secret-not-real").doesNotContain("AKIDTESTEXAMPLE");
        JsonNode aws = response.json().valueStream().filter(c -> c.get("id").asString().equals("aws")).findFirst().orElseThrow();
        assertThat(aws.get("running").asBoolean()).isTrue();
        assertThat(aws.get("capabilities").valueStream().map(JsonNode::asString)).contains("actions");
        JsonNode secret = aws.get("configProperties").valueStream().filter(p -> p.get("name").asString().equals("secret-access-key"))
                .findFirst().orElseThrow();
        assertThat(secret.get("secret").asBoolean()).isTrue();
        assertThat(secret.get("description").asString()).isNotBlank();
        assertThat(aws.get("status").get("connectorId").asString()).isEqualTo("aws");
        JsonNode okta = response.json().valueStream().filter(c -> c.get("id").asString().equals("okta")).findFirst().orElseThrow();
        assertThat(okta.get("running").asBoolean()).isFalse();
        assertThat(okta.get("status").isNull()).isTrue();

        JsonNode health = as(Role.VIEWER).get("/api/v1/connectors/aws/health").json();
        assertThat(health.get("healthy").asBoolean()).as(health.toString()).isTrue();
        ApiClient.Response notRunning = as(Role.VIEWER).get("/api/v1/connectors/okta/health");
        assertThat(notRunning.status()).isEqualTo(409);
        assertThat(notRunning.json().get("type").asString()).isEqualTo("urn:itdr:problem:connector-not-running");
    }

    @Test
    void thePolicyIsSummarisedAndACandidateIsValidatedAndDryRun() throws IOException {
        JsonNode policy = as(Role.VIEWER).get("/api/v1/policies").json();
        assertThat(policy.get("mode").asString()).isEqualTo("enforce");
        assertThat(policy.get("sha256").asString()).hasSize(64);
        JsonNode rule = policy.get("rules").get(0);
        assertThat(rule.get("id").asString()).isEqualTo("token-replay-quarantine");
        assertThat(rule.get("when").asString()).contains("token_replay");
        assertThat(rule.get("rung").asString()).isEqualTo("quarantine_session");
        assertThat(as(Role.VIEWER).get("/api/v1/automation").json().get("policyMode").asString()).isEqualTo("enforce");

        String shipped;
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode valid = as(Role.RESPONDER).postText("/api/v1/policies/validate", shipped, "application/yaml").json();
        assertThat(valid.get("valid").asBoolean()).isTrue();
        assertThat(valid.get("mode").asString()).isEqualTo("shadow");

        Sessions.replayed(server, "team6-dry-run");
        ApiClient.Response dryRun = admin().postText("/api/v1/policies/dry-run?limit=1000", shipped, "text/plain");
        assertThat(dryRun.status()).as(dryRun.toString()).isEqualTo(200);
        JsonNode report = dryRun.json();
        assertThat(report.get("findings").get("token_replay").asLong()).isPositive();
        assertThat(report.get("events").get("accepted").asLong()).isPositive();
        assertThat(report.get("actions").valueStream().map(a -> a.get("identity").asString()))
                .anyMatch(identity -> identity.endsWith("role/team6-dry-run"));
        assertThat(report.get("actions").valueStream().map(a -> a.get("mode").asString())).containsOnly("shadow");
        assertThat(admin().postText("/api/v1/policies/dry-run?limit=0", shipped, "text/plain").json().get("field").asString())
                .isEqualTo("limit");
    }

    @Test
    void theOpenApiDocumentIsServedToAViewerOnly() {
        ApiClient.Response document = as(Role.VIEWER).get("/api/v1/openapi");
        assertThat(document.status()).isEqualTo(200);
        JsonNode openapi = document.json();
        assertThat(openapi.get("openapi").asString()).startsWith("3.");
        assertThat(openapi.get("info").get("title").asString()).isEqualTo("itdr API");
        assertThat(openapi.get("paths").propertyNames()).contains("/api/v1/actions/{id}", "/api/v1/approvals/{actionId}/approve",
                "/api/v1/ingest/{connector}", "/api/v1/tokens");
        assertThat(openapi.get("components").get("securitySchemes").get("bearer").get("scheme").asString()).isEqualTo("bearer");
        JsonNode approve = openapi.get("paths").get("/api/v1/approvals/{actionId}/approve").get("post");
        assertThat(approve.get("parameters").valueStream().map(p -> p.get("name").asString())).containsExactly("actionId");
        assertThat(openapi.get("paths").get("/api/v1/policies/validate").get("post").get("requestBody").get("content").propertyNames())
                .containsExactly("application/yaml");
        assertThat(anonymous().get("/api/v1/openapi").status()).isEqualTo(401);
    }
}

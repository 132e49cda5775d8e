package io.itdr.server.api;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.model.Finding;
import io.itdr.server.security.Role;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Actions through the API on the real AWS connector and its IAM sandbox: a person's request is
 * held and only someone else may approve it; an action shows its plan, state and ledger evidence,
 * is confirmed and rolled back by its URL-encoded id; the kill switch stops approvals.
 */
class ActionEndpointsTest extends ApiServerTest {

    private static String path(String actionId) {
        return URLEncoder.encode(actionId, StandardCharsets.UTF_8);
    }

    private ActionRecord quarantineOf(Finding finding) {
        return actions.page(null, finding.identityKey(), 10, 0).stream()
                .filter(a -> a.plan().request().rung().policyName().equals("quarantine_session")).findFirst().orElseThrow();
    }

    @Test
    void aPersonsRequestIsHeldAndOnlyAnotherApproverMayApproveIt() {
        Finding finding = Sessions.replayed(server, "team1-payments");
        ApiClient alice = new ApiClient(port, issue("alice", Role.APPROVER));

        ApiClient.Response requested = alice.post("/api/v1/actions", json("findingId", finding.id(), "rung", "disable_identity",
                "reason", "replayed session; take the role out"));
        assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
        JsonNode held = requested.json();
        String actionId = held.get("id").asString();
        assertThat(actionId).startsWith("manual/").contains("/disable_identity/user:alice/token:alice-");
        assertThat(held.get("state").asString()).isEqualTo("held");
        String location = requested.header("Location");
        assertThat(URLDecoder.decode(location.substring("/api/v1/actions/".length()), StandardCharsets.UTF_8)).isEqualTo(actionId);
        assertThat(as(Role.VIEWER).get(location).json().get("action").get("state").asString()).isEqualTo("held");

        JsonNode approval = as(Role.VIEWER).get("/api/v1/approvals?limit=500").json().get("items").valueStream()
                .filter(a -> a.get("actionId").asString().equals(actionId)).findFirst().orElseThrow();
        assertThat(approval.get("rung").asString()).isEqualTo("disable_identity");
        assertThat(approval.get("requester").asString()).startsWith("user:alice/token:alice-");
        assertThat(approval.get("expired").asBoolean()).isFalse();
        assertThat(approval.get("expiresAt").asString()).isNotBlank();
        String digest = approval.get("planDigest").asString();
        assertThat(digest).isEqualTo(held.get("planDigest").asString());

        ApiClient.Response noDigest = alice.post("/api/v1/approvals/" + path(actionId) + "/approve", json("reason", "looks right to me"));
        assertThat(noDigest.status()).as(noDigest.toString()).isEqualTo(400);
        assertThat(noDigest.json().get("field").asString()).isEqualTo("planDigest");

        ApiClient.Response own = alice.post("/api/v1/approvals/" + path(actionId) + "/approve",
                json("reason", "looks right to me", "planDigest", digest));
        assertThat(own.status()).as(own.toString()).isEqualTo(403);
        assertThat(own.json().get("type").asString()).isEqualTo("urn:itdr:problem:self-approval");
        assertThat(own.json().get("refusal").asString()).isEqualTo("self_approval");
        assertThat(own.json().get("detail").asString()).contains("may not approve it");
        // the same person through a second token, or signed in with OIDC, is still the requester
        ApiClient aliceAgain = new ApiClient(port, issue("alice", Role.APPROVER));
        ApiClient aliceSignedIn = new ApiClient(port, estate().jwt(Map.of("sub", "alice", "roles", List.of("approver"))));
        for (ApiClient samePerson : List.of(aliceAgain, aliceSignedIn)) {
            ApiClient.Response refused = samePerson.post("/api/v1/approvals/" + path(actionId) + "/approve",
                    json("reason", "mine again", "planDigest", digest));
            assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
            assertThat(refused.json().get("refusal").asString()).isEqualTo("self_approval");
        }

        ApiClient bob = new ApiClient(port, estate().jwt(Map.of("sub", "bob", "roles", List.of("approver"))));
        ApiClient.Response stale = bob.post("/api/v1/approvals/" + path(actionId) + "/approve",
                json("reason", "checked", "planDigest", "0".repeat(64)));
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.json().get("refusal").asString()).isEqualTo("digest_mismatch");

        ApiClient.Response approved = bob.post("/api/v1/approvals/" + path(actionId) + "/approve",
                json("reason", "checked with team-1", "planDigest", digest));
        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        assertThat(approved.json().get("state").asString()).isEqualTo("verified");
        assertThat(approved.json().get("approver").asString()).isEqualTo("user:bob");
        synchronized (estate().iam) {
            assertThat(estate().iam.roles.get("team1-payments").attached).isNotEmpty();
        }

        JsonNode verdicts = bob.get("/api/v1/actions/" + path(actionId)).json().get("verdicts");
        assertThat(verdicts.size()).isEqualTo(1);
        assertThat(verdicts.get(0).get("verdict").asString()).isEqualTo("approved");
        assertThat(verdicts.get(0).get("actor").asString()).isEqualTo("user:bob");
        assertThat(verdicts.get(0).get("reason").asString()).isEqualTo("checked with team-1");

        ApiClient.Response again = bob.post("/api/v1/approvals/" + path(actionId) + "/approve",
                json("reason", "twice", "planDigest", digest));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("refusal").asString()).isEqualTo("illegal_state");
    }

    @Test
    void anActionShowsItsPlanStateAndEvidenceAndIsConfirmedAndRolledBackByItsEncodedId() {
        Finding finding = Sessions.replayed(server, "team2-orders");
        ActionRecord quarantine = quarantineOf(finding);
        assertThat(quarantine.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(quarantine.id()).contains("/action/");
        String path = "/api/v1/actions/" + path(quarantine.id());

        JsonNode detail = as(Role.VIEWER).get(path).json();
        assertThat(detail.get("action").get("id").asString()).isEqualTo(quarantine.id());
        assertThat(detail.get("action").get("state").asString()).isEqualTo("verified");
        assertThat(detail.get("action").get("plan").get("preState").get("state").isObject()).isTrue();
        assertThat(detail.get("action").get("plan").get("postState").get("state").toString()).contains("AWSRevokeOlderSessions");
        assertThat(detail.get("action").get("requester").asString()).isEqualTo("system");
        assertThat(detail.get("restoresAt").isNull()).isFalse();
        assertThat(detail.get("ledger").valueStream().map(e -> e.get("kind").asString()).toList())
                .containsSubsequence("action.planned", "action.executing", "action.executed", "action.verified");
        assertThat(detail.get("ledger").valueStream().map(e -> e.get("evidence").get("action.id").asString())).containsOnly(quarantine.id());

        String listed = "/api/v1/actions?state=verified&identity=" + URLEncoder.encode(finding.identityKey(), StandardCharsets.UTF_8);
        assertThat(as(Role.VIEWER).get(listed).json().get("items").valueStream().map(a -> a.get("id").asString()))
                .containsExactly(quarantine.id());
        ApiClient.Response badState = as(Role.VIEWER).get("/api/v1/actions?state=sleeping");
        assertThat(badState.status()).isEqualTo(400);
        assertThat(badState.json().get("field").asString()).isEqualTo("state");

        ApiClient.Response confirmed = as(Role.RESPONDER).post(path + "/confirm", json("reason", "owner asked to keep it"));
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
        assertThat(confirmed.json().get("confirmedBy").asString()).startsWith("user:test-responder/token:test-responder");
        assertThat(as(Role.VIEWER).get(path).json().get("restoresAt").isNull()).isTrue();

        ApiClient.Response forced = as(Role.RESPONDER).post(path + "/rollback", json("reason", "false positive", "force", true));
        assertThat(forced.status()).isEqualTo(403);
        assertThat(forced.json().get("requiredRole").asString()).isEqualTo("approver");
        ApiClient.Response blank = as(Role.RESPONDER).post(path + "/rollback", json("reason", "  ", "force", false));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().get("field").asString()).isEqualTo("reason");

        ApiClient.Response rolledBack = as(Role.RESPONDER).post(path + "/rollback", json("reason", "false positive: a deploy"));
        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(rolledBack.json().get("state").asString()).isEqualTo("rolled_back");
        synchronized (estate().iam) {
            assertThat(estate().iam.roles.get("team2-orders").inline).isEmpty();
        }
        JsonNode evidence = as(Role.VIEWER).get(path).json().get("ledger");
        JsonNode request = evidence.valueStream().filter(e -> e.get("kind").asString().equals("action.rollback_requested")).findFirst().orElseThrow();
        assertThat(request.get("evidence").get("request.reason").asString()).isEqualTo("false positive: a deploy");
        assertThat(request.get("actor").asString()).startsWith("user:test-responder/token:test-responder");
        assertThat(evidence.valueStream().map(e -> e.get("kind").asString()).toList())
                .containsSubsequence("action.confirmed", "action.rollback_requested", "action.reverting", "action.rolled_back");

        ApiClient.Response twice = as(Role.RESPONDER).post(path + "/rollback", json("reason", "again"));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.json().get("refusal").asString()).isEqualTo("illegal_state");
    }

    @Test
    void aHeldActionIsRejectedWithAReasonAndTheKillSwitchStopsApprovals() {
        Finding finding = Sessions.replayed(server, "team3-billing");
        ApiClient.Response requested = as(Role.RESPONDER).post("/api/v1/actions", json("findingId", finding.id(),
                "rung", "disable_identity", "reason", "needs a second look"));
        assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
        String approve = "/api/v1/approvals/" + path(requested.json().get("id").asString()) + "/approve";
        String reject = "/api/v1/approvals/" + path(requested.json().get("id").asString()) + "/reject";

        ApiClient.Response engaged = as(Role.RESPONDER).post("/api/v1/automation/kill-switch", json("engaged", true, "reason", "incident drill"));
        try {
            assertThat(engaged.status()).as(engaged.toString()).isEqualTo(200);
            assertThat(engaged.json().get("killSwitch").get("engaged").asBoolean()).isTrue();
            ApiClient.Response stopped = as(Role.APPROVER).post(approve, json("reason", "go",
                    "planDigest", requested.json().get("planDigest").asString()));
            assertThat(stopped.status()).isEqualTo(409);
            assertThat(stopped.json().get("refusal").asString()).isEqualTo("kill_switch");
            ApiClient.Response notYours = as(Role.APPROVER).post("/api/v1/automation/kill-switch", json("engaged", false, "reason", "done"));
            assertThat(notYours.status()).isEqualTo(403);
            assertThat(notYours.json().get("requiredRole").asString()).isEqualTo("admin");
            assertThat(as(Role.VIEWER).get("/api/v1/automation").json().get("killSwitch").get("actor").asString())
                    .startsWith("user:test-responder/token:test-responder");
        } finally {
            ApiClient.Response released = admin().post("/api/v1/automation/kill-switch", json("engaged", false, "reason", "drill over"));
            assertThat(released.status()).as(released.toString()).isEqualTo(200);
            assertThat(released.json().get("killSwitch").get("engaged").asBoolean()).isFalse();
        }

        ApiClient.Response blank = as(Role.APPROVER).post(reject, json("reason", ""));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().get("field").asString()).isEqualTo("reason");
        ApiClient.Response rejected = as(Role.APPROVER).post(reject, json("reason", "the replay was our own canary"));
        assertThat(rejected.status()).as(rejected.toString()).isEqualTo(200);
        assertThat(rejected.json().get("state").asString()).isEqualTo("rejected");
    }

    @Test
    void aRequestNamesWhatIsWrongWithIt() {
        ApiClient responder = as(Role.RESPONDER);
        ApiClient.Response unknown = responder.post("/api/v1/actions", json("findingId", "no-such-finding", "rung", "disable_identity",
                "reason", "x"));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asString()).isEqualTo("no finding 'no-such-finding'");
        ApiClient.Response observing = responder.post("/api/v1/actions", json("findingId", "any", "rung", "monitor", "reason", "x"));
        assertThat(observing.status()).isEqualTo(400);
        assertThat(observing.json().get("field").asString()).isEqualTo("rung");
        ApiClient.Response noRung = responder.post("/api/v1/actions", json("findingId", "any", "rung", "revoke_everything", "reason", "x"));
        assertThat(noRung.json().get("detail").asString()).contains("unknown rung 'revoke_everything'");
        ApiClient.Response noReason = responder.post("/api/v1/actions", json("findingId", "any", "rung", "disable_identity"));
        assertThat(noReason.json().get("field").asString()).isEqualTo("reason");
        ApiClient.Response wrongType = responder.post("/api/v1/actions/x/rollback", "{\"reason\":\"r\",\"force\":\"perhaps\"}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("field").asString()).isEqualTo("force");
        ApiClient.Response notJson = responder.post("/api/v1/actions", "not json");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().get("detail").asString()).doesNotContain("io.itdr");
    }


    @Test
    void aRequestForAnActionThatWouldChangeNothingIsRefusedAndLedgeredWithItsReason() {
        Finding finding = Sessions.replayed(server, "team6-denied");
        synchronized (estate().iam) {
            estate().iam.roles.get("team6-denied").attached.add("arn:aws:iam::aws:policy/AWSDenyAll");
        }
        ApiClient.Response requested = as(Role.RESPONDER).post("/api/v1/actions", json("findingId", finding.id(),
                "rung", "disable_identity", "reason", "deny everything it does"));

        assertThat(requested.status()).as(requested.toString()).isEqualTo(409);
        assertThat(requested.json().get("type").asString()).isEqualTo("urn:itdr:problem:nothing-to-do");
        assertThat(requested.json().get("refusal").asString()).isEqualTo("nothing_to_do");
        assertThat(requested.json().get("detail").asString()).contains("nothing to do", "AWSDenyAll", "not held for approval");
        assertThat(as(Role.VIEWER).get("/api/v1/approvals?limit=500").json().get("items").valueStream()
                .filter(a -> a.get("identityKey").asString().equals(finding.identityKey()))
                .filter(a -> a.get("rung").asString().equals("disable_identity"))).isEmpty();
        JsonNode why = ledger().stream().filter(e -> e.get("kind").asString().equals("action.nothing_to_do"))
                .filter(e -> finding.identityKey().equals(e.get("identityKey").asString(null))).findFirst().orElseThrow();
        assertThat(why.get("result").asString()).startsWith("nothing to do: Attach arn:aws:iam::aws:policy/AWSDenyAll");
        assertThat(why.get("actor").asString()).startsWith("user:test-responder/token:");
    }
}

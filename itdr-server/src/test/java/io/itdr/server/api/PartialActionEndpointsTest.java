package io.itdr.server.api;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Finding;
import io.itdr.server.ItdrServerApplication;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.query.CaseQueries;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A multi-step action failing half-way, through the HTTP API (fault row 8): on a server of its own
 * running the two-call test connector ({@link StepwiseConnectorFactory}), a person's request is
 * approved and its second platform call answered 503. The approval answers with the action
 * {@code partial}, its {@code containment} naming the step done and the step not done, ledgered;
 * {@code POST /actions/{id}/complete} finishes it with one platform effect per step; an unforced
 * {@code POST /actions/{id}/rollback} reverts exactly the step done.
 */
class PartialActionEndpointsTest {
    private static final String ADMIN = "itdr_partial-test-bootstrap-admin-0123456789";
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static ConfigurableApplicationContext context;
    private static int port;

    @BeforeAll
    static void start() {
        Map<String, String> properties = new TreeMap<>(TestEstate.get().serverProperties());
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:mem:itdr-partial-test;DB_CLOSE_DELAY=-1");
        properties.put("itdr.security.bootstrap-admin-token", ADMIN);
        properties.put("itdr.connectors.stepwise.enabled", "true");
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        context = ItdrServerApplication.start(Map.of(), args.toArray(String[]::new));
        port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aHalfDoneActionIsShownPartialAndExecutingItAgainCompletesItWithOneEffectPerStep() {
        List<String> grants = StepwiseConnectorFactory.grants("app-7");
        String actionId = approvedAndHalfDone("app-7");

        JsonNode detail = new ApiClient(port, issue("vera", "viewer")).get("/api/v1/actions/" + path(actionId)).json();
        assertThat(detail.get("action").get("state").asString()).isEqualTo("partial");
        assertThat(detail.get("ledger").valueStream().map(e -> e.get("kind").asString()))
                .containsSubsequence("action.held", "action.approved", "action.executing", "action.partial");
        JsonNode entry = detail.get("ledger").valueStream().filter(e -> e.get("kind").asString().equals("action.partial"))
                .findFirst().orElseThrow();
        assertThat(entry.get("evidence").get("containment").asString()).isEqualTo("partial");
        assertThat(entry.get("evidence").get("steps.done").asString()).isEqualTo(grants.get(0));
        assertThat(entry.get("evidence").get("steps.not_done").asString()).isEqualTo(grants.get(1));
        assertThat(entry.get("evidence").get("error.code").asString()).isEqualTo("UNAVAILABLE");
        JsonNode listed = new ApiClient(port, ADMIN).get("/api/v1/actions?state=partial").json().get("items");
        assertThat(listed.valueStream().map(a -> a.get("id").asString())).contains(actionId);

        ApiClient.Response viewer = new ApiClient(port, issue("vera", "viewer")).post("/api/v1/actions/" + path(actionId) + "/complete",
                json("reason", "finish it"));
        assertThat(viewer.status()).as(viewer.toString()).isEqualTo(403);
        ApiClient alice = new ApiClient(port, issue("alice", "responder"));
        ApiClient.Response blank = alice.post("/api/v1/actions/" + path(actionId) + "/complete", json("reason", " "));
        assertThat(blank.status()).as(blank.toString()).isEqualTo(400);

        int callsBefore = StepwiseConnectorFactory.MUTATING_CALLS.get();
        ApiClient.Response completed = alice.post("/api/v1/actions/" + path(actionId) + "/complete",
                json("reason", "the platform answers again; finish the containment"));
        assertThat(completed.status()).as(completed.toString()).isEqualTo(200);
        assertThat(completed.json().get("state").asString()).isEqualTo("verified");
        assertThat(completed.json().get("containment").isNull()).isTrue();
        assertThat(completed.json().get("execution").get("performed").valueStream().map(c -> c.get("resource").asString()))
                .containsExactly(grants.get(1));
        assertThat(StepwiseConnectorFactory.MUTATING_CALLS.get() - callsBefore).as("only the step not done").isEqualTo(1);
        assertThat(grants).allSatisfy(g -> assertThat(StepwiseConnectorFactory.PLATFORM.get(g)).isEqualTo("revoked"));
        JsonNode ledger = alice.get("/api/v1/actions/" + path(actionId)).json().get("ledger");
        JsonNode requested = ledger.valueStream().filter(e -> e.get("kind").asString().equals("action.complete_requested"))
                .findFirst().orElseThrow();
        assertThat(requested.get("actor").asString()).startsWith("user:alice");
        assertThat(requested.get("evidence").get("request.reason").asString()).isEqualTo("the platform answers again; finish the containment");

        ApiClient.Response again = alice.post("/api/v1/actions/" + path(actionId) + "/complete", json("reason", "once more"));
        assertThat(again.status()).as(again.toString()).isEqualTo(409);
        assertThat(again.json().get("refusal").asString()).isEqualTo("illegal_state");
        assertThat(StepwiseConnectorFactory.MUTATING_CALLS.get() - callsBefore).isEqualTo(1);
    }

    @Test
    void anUnforcedRollbackOfAHalfDoneActionRevertsExactlyTheStepDone() {
        List<String> grants = StepwiseConnectorFactory.grants("app-8");
        String actionId = approvedAndHalfDone("app-8");
        int callsBefore = StepwiseConnectorFactory.MUTATING_CALLS.get();

        ApiClient.Response rolledBack = new ApiClient(port, issue("rita", "responder")).post("/api/v1/actions/" + path(actionId) + "/rollback",
                json("reason", "the app is needed; contain it otherwise"));

        assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
        assertThat(rolledBack.json().get("state").asString()).isEqualTo("rolled_back");
        assertThat(rolledBack.json().get("revert").get("performed").valueStream().map(c -> c.get("resource").asString()))
                .containsExactly(grants.get(0));
        assertThat(StepwiseConnectorFactory.MUTATING_CALLS.get() - callsBefore).isEqualTo(1);
        assertThat(grants).allSatisfy(g -> assertThat(StepwiseConnectorFactory.PLATFORM.get(g)).isEqualTo("granted"));
        JsonNode reverting = new ApiClient(port, ADMIN).get("/api/v1/actions/" + path(actionId)).json().get("ledger").valueStream()
                .filter(e -> e.get("kind").asString().equals("action.reverting")).findFirst().orElseThrow();
        assertThat(reverting.get("result").asString()).startsWith("reverting the 1 step done of a partially carried out action");
        assertThat(reverting.get("evidence").get("rollback.force").asString()).isEqualTo("false");
    }

    /** A person's disable_identity on {@code app}, approved by another, whose second platform call fails: partial. */
    private String approvedAndHalfDone(String app) {
        StepwiseConnectorFactory.grants(app).forEach(g -> StepwiseConnectorFactory.PLATFORM.put(g, "granted"));
        Finding finding = replayed(app);
        ApiClient alice = new ApiClient(port, issue("alice", "responder"));
        ApiClient.Response requested = alice.post("/api/v1/actions", json("findingId", finding.id(), "rung", "disable_identity",
                "reason", "replayed token; take the app's grants away"));
        assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
        String actionId = requested.json().get("id").asString();
        String digest = requested.json().get("planDigest").asString();

        StepwiseConnectorFactory.FAIL_SECOND_CALL.set(true);
        int callsBefore = StepwiseConnectorFactory.MUTATING_CALLS.get();
        ApiClient bob = new ApiClient(port, issue("bob", "approver"));
        ApiClient.Response approved = bob.post("/api/v1/approvals/" + path(actionId) + "/approve",
                json("reason", "take it out", "planDigest", digest));

        assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
        JsonNode action = approved.json();
        assertThat(action.get("state").asString()).isEqualTo("partial");
        JsonNode containment = action.get("containment");
        assertThat(containment.get("status").asString()).isEqualTo("partial");
        List<String> grants = StepwiseConnectorFactory.grants(app);
        assertThat(containment.get("stepsDone").valueStream().map(s -> s.get("key").asString())).containsExactly(grants.get(0));
        assertThat(containment.get("stepsDone").get(0).get("before").asString()).isEqualTo("granted");
        assertThat(containment.get("stepsDone").get(0).get("after").asString()).isEqualTo("revoked");
        assertThat(containment.get("stepsNotDone").valueStream().map(s -> s.get("key").asString())).containsExactly(grants.get(1));
        assertThat(action.get("lastError").asString()).startsWith("partially contained: 1 of 2 steps done").contains("HTTP 503");
        assertThat(StepwiseConnectorFactory.MUTATING_CALLS.get() - callsBefore).isEqualTo(1);
        assertThat(StepwiseConnectorFactory.PLATFORM.get(grants.get(0))).isEqualTo("revoked");
        assertThat(StepwiseConnectorFactory.PLATFORM.get(grants.get(1))).isEqualTo("granted");
        return actionId;
    }

    /** The engine finds a token of {@code app} replayed from another network: a finding on the stepwise platform. */
    private static Finding replayed(String app) {
        context.getBean(EventIntake.class).accept(StepwiseConnectorFactory.ID, List.of(
                call(app, app + "-own", T0, new Source("10.20.0.5", 16509L, "AMAZON-02", null, "app/1.0", false)),
                call(app, app + "-replay", T0.plusSeconds(240), new Source("203.0.113.9", 14061L, "DIGITALOCEAN", null,
                        "python-requests/2.31", false))));
        return context.getBean(CaseQueries.class).findings(null, 500, 0).stream().filter(f -> f.identity().id().equals(app))
                .findFirst().orElseThrow(() -> new AssertionError("no finding for " + app));
    }

    private static IdentityEvent call(String app, String id, Instant at, Source source) {
        return IdentityEvent.builder(id, at, StepwiseConnectorFactory.ID, new IdentityRef(app, "service_app", app))
                .tenant("tenant-1")
                .credential(new CredentialRef(app + "-token", "session_key"))
                .category(EventCategory.API_CALL).action("records:Read")
                .source(source)
                .session(new SessionInfo(app + "-session", app + "-token", at.minus(Duration.ofMinutes(20)), false))
                .build();
    }

    private static String issue(String principal, String role) {
        ApiClient.Response response = new ApiClient(port, ADMIN).post("/api/v1/tokens", json("name", principal + "-"
                + java.util.UUID.randomUUID().toString().substring(0, 8), "principal", principal, "roles", List.of(role),
                "reason", "a test needs this role"));
        if (response.status() != 201) {
            throw new IllegalStateException("cannot issue a test token: " + response);
        }
        return response.json().get("token").asString();
    }

    private static String path(String actionId) {
        return URLEncoder.encode(actionId, StandardCharsets.UTF_8);
    }
}

package io.itdr.server.api;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.cli.ItdrCli;
import io.itdr.server.security.Role;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A tripped budget breaker is shown and reset by an approver with a reason, through the API and
 * the command line; each reset is ledgered and counted in the metrics. The breaker is tripped by
 * spending an owner's budget in the core directly (four containments of one owner in an hour would
 * take four replayed identities).
 */
class BreakerEndpointsTest extends ApiServerTest {
    private static final String OWNER = "breaker-test-owner";
    private static final String RESET = "/api/v1/automation/breakers/per-owner/reset";

    @TempDir
    Path dir;

    private void tripPerOwnerBudget() {
        BudgetTracker budgets = server.bean(ResponseEngine.class).policyEngine().budgets();
        BudgetTracker.Admission admission;
        do {
            admission = budgets.tryConsume(Instant.now(), "breaker-test", OWNER);
        } while (admission.granted());
        assertThat(admission.refusedBy().budget().id()).isEqualTo("per-owner");
    }

    @Test
    void anApproverResetsATrippedBreakerWithAReasonThroughTheApiAndTheCli() throws Exception {
        tripPerOwnerBudget();
        JsonNode tripped = as(Role.VIEWER).get("/api/v1/automation").json().get("breakers");
        assertThat(tripped.valueStream().filter(b -> b.get("budget").asString().equals("per-owner") && b.get("key").asString().equals(OWNER)))
                .singleElement().satisfies(b -> assertThat(b.get("maxActions").asInt()).isEqualTo(3));

        assertThat(as(Role.RESPONDER).post(RESET, json("key", OWNER, "reason", "not mine to reset")).status()).isEqualTo(403);
        ApiClient.Response noReason = as(Role.APPROVER).post(RESET, json("key", OWNER));
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("field").asString()).isEqualTo("reason");
        assertThat(as(Role.APPROVER).post("/api/v1/automation/breakers/no-such-budget/reset", json("reason", "r")).status())
                .isEqualTo(404);

        Path token = Files.writeString(dir.resolve("token"), issue("breaker-approver", Role.APPROVER));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ItdrCli.run(new String[] {"breaker", "reset", "per-owner", "--key", OWNER, "--reason", "owner confirmed a mass rotation",
                "--server", "http://localhost:" + port, "--token-file", token.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("reset: per-owner " + OWNER);
        assertThat(as(Role.VIEWER).get("/api/v1/automation").json().get("breakers").valueStream()
                .filter(b -> b.get("key").asString().equals(OWNER))).isEmpty();

        ApiClient.Response again = as(Role.APPROVER).post(RESET, json("key", OWNER, "reason", "twice"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).isEqualTo("urn:itdr:problem:breaker-not-tripped");
        StringWriter cliErr = new StringWriter();
        assertThat(ItdrCli.run(new String[] {"breaker", "reset", "per-owner", "--key", OWNER, "--reason", "twice",
                "--server", "http://localhost:" + port, "--token-file", token.toString()}, new PrintWriter(new StringWriter(), true),
                new PrintWriter(cliErr, true))).isEqualTo(3);
        assertThat(cliErr.toString()).contains("409", "is tripped; nothing was reset");

        JsonNode entry = ledger().stream().filter(e -> e.get("kind").asString().equals("admin.breaker_reset"))
                .filter(e -> OWNER.equals(e.get("evidence").path("budget.key").asString(null))).findFirst().orElseThrow();
        assertThat(entry.get("actor").asString()).startsWith("user:breaker-approver/token:breaker-approver-");
        assertThat(entry.get("evidence").get("reason").asString()).isEqualTo("owner confirmed a mass rotation");
        assertThat(entry.get("evidence").get("budget.id").asString()).isEqualTo("per-owner");

        String metrics = as(Role.VIEWER).get("/actuator/prometheus").body();
        assertThat(metrics).contains("itdr_budget_breaker_resets_total{budget=\"per-owner\"} 1.0");
    }
}

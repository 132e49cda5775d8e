package io.itdr.server.api;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.ItdrServerApplication;
import io.itdr.server.cli.ItdrCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Policies activated at run time (issue #12) and bounded validation (issue #20) on a server of
 * the test's own, on an H2 file database so it can be restarted: validate → dry-run with the
 * difference from the active policy decision by decision → activate (admin only, with a reason,
 * ledgered with the hash; 409 when the active policy changed) → promote a rule from shadow to
 * enforce → restart, which keeps the activated policy.
 */
class PolicyActivationEndpointsTest {
    private static final String ADMIN = "itdr_policy-activation-test-admin-0123456789abcdef";
    private static final String RULE = "token-replay-quarantine";

    @TempDir
    Path dir;

    private ConfigurableApplicationContext start() {
        Map<String, String> properties = new TreeMap<>(TestEstate.get().serverProperties());
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0");
        properties.put("itdr.security.bootstrap-admin-token", ADMIN);
        properties.put("itdr.policies.max-rules", "100");
        properties.put("itdr.policies.max-bytes", "200KB");
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        return ItdrServerApplication.start(Map.of(), args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    private static String issue(ApiClient admin, String name, String role) {
        ApiClient.Response r = admin.post("/api/v1/tokens", json("name", name + "-" + UUID.randomUUID().toString().substring(0, 8),
                "principal", name, "roles", List.of(role), "reason", "a policy test needs this role"));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("token").asString();
    }

    private static List<JsonNode> ledger(ApiClient viewer) {
        List<JsonNode> entries = new ArrayList<>();
        long from = 1;
        while (true) {
            JsonNode page = viewer.get("/api/v1/ledger?limit=500&from=" + from).json();
            page.get("entries").valueStream().forEach(entries::add);
            if (!page.path("next").isNumber()) {
                return entries;
            }
            from = page.get("next").asLong();
        }
    }

    @Test
    void validateDryRunActivatePromoteAndRestartKeepTheActivatedPolicy() throws Exception {
        String configured = Files.readString(TestEstate.get().policy);
        // the candidate: token replay only notified, and that rule still in shadow
        String candidate = configured.replace("    when: finding.detector == 'token_replay' && finding.confidence >= 0.8\n"
                        + "    rung: quarantine_session\n",
                "    mode: shadow\n    when: finding.detector == 'token_replay' && finding.confidence >= 0.8\n    rung: notify\n");
        assertThat(candidate).isNotEqualTo(configured);
        String candidateHash = PolicyLoader.hash(candidate.getBytes(StandardCharsets.UTF_8));
        String promotedHash;
        try (ConfigurableApplicationContext server = start()) {
            ApiClient admin = new ApiClient(port(server), ADMIN);
            ApiClient approver = admin.as(issue(admin, "policy-approver", "approver"));
            ApiClient viewer = admin.as(issue(admin, "policy-viewer", "viewer"));

            JsonNode first = viewer.get("/api/v1/policies/active").json();
            String configuredHash = PolicyLoader.hash(configured.getBytes(StandardCharsets.UTF_8));
            assertThat(first.get("hash").asString()).isEqualTo(configuredHash);
            assertThat(first.get("version").isNull()).isTrue();
            assertThat(first.get("activatedBy").asString()).isEqualTo("configuration");
            assertThat(first.get("policy").asString()).isEqualTo(configured);

            // a finding the active policy contains (quarantine_session), which the candidate would only notify
            Sessions.replayed(server, "policy-activation-dry-run");
            assertThat(approver.postText("/api/v1/policies/validate", candidate, "application/yaml").status()).isEqualTo(200);
            JsonNode dryRun = admin.postText("/api/v1/policies/dry-run?limit=1000", candidate, "application/yaml").json();
            JsonNode diff = dryRun.get("diff");
            assertThat(diff.get("against").get("sha256").asString()).isEqualTo(configuredHash);
            assertThat(diff.get("byKind").get("rung").asLong()).isPositive();
            assertThat(diff.get("byKind").get("mode").asLong()).isPositive();
            assertThat(diff.get("changed").asLong()).isEqualTo(diff.get("changes").size());
            assertThat(diff.get("changes").valueStream()
                    .filter(c -> c.get("identity").asString().endsWith("role/policy-activation-dry-run")))
                    .isNotEmpty().allSatisfy(c -> {
                        assertThat(c.get("active").get("rule").asString()).isEqualTo(RULE);
                        assertThat(c.get("active").get("intendedRung").asString()).isEqualTo("quarantine_session");
                        assertThat(c.get("candidate").get("intendedRung").asString()).isEqualTo("notify");
                        assertThat(c.get("changes").valueStream().map(JsonNode::asString)).contains("rung", "mode");
                    });
            assertThat(dryRun.get("evaluationErrors").isEmpty()).isTrue();

            // a breaker tripped under the configured policy must still be tripped after the swap
            BudgetTracker budgets = server.getBean(ResponseEngine.class).policyEngine().budgets();
            while (budgets.tryConsume(Instant.now(), "policy-test", "policy-test-owner").granted()) {
                // spend the per-owner budget until it trips
            }
            BudgetTracker.BudgetKey tripped = new BudgetTracker.BudgetKey("per-owner", "policy-test-owner");
            assertThat(budgets.trippedBreakers()).contains(tripped);

            String activate = json("policy", candidate, "reason", "CHG-1: notify only while the replay detector is tuned",
                    "expectedActiveHash", configuredHash);
            assertThat(approver.post("/api/v1/policies/activate", activate).status()).isEqualTo(403);
            assertThat(viewer.post("/api/v1/policies/activate", activate).status()).isEqualTo(403);
            assertThat(admin.post("/api/v1/policies/activate", json("policy", candidate)).json().get("field").asString())
                    .isEqualTo("reason");
            ApiClient.Response stale = admin.post("/api/v1/policies/activate", json("policy", candidate, "reason", "stale",
                    "expectedActiveHash", "0".repeat(64)));
            assertThat(stale.status()).isEqualTo(409);
            assertThat(stale.json().get("type").asString()).isEqualTo("urn:itdr:problem:active-policy-changed");
            ApiClient.Response invalid = admin.post("/api/v1/policies/activate", json("policy", "name: x\nrules: [", "reason", "broken"));
            assertThat(invalid.status()).isEqualTo(422);

            ApiClient.Response activated = admin.post("/api/v1/policies/activate", activate);
            assertThat(activated.status()).as(activated.toString()).isEqualTo(200);
            assertThat(activated.json().get("hash").asString()).isEqualTo(candidateHash);
            assertThat(activated.json().get("version").asLong()).isEqualTo(1);
            JsonNode active = viewer.get("/api/v1/policies/active").json();
            assertThat(active.get("hash").asString()).isEqualTo(candidateHash);
            assertThat(active.get("reason").asString()).isEqualTo("CHG-1: notify only while the replay detector is tuned");
            assertThat(active.get("activatedBy").asString()).isEqualTo(activated.json().get("activatedBy").asString());
            assertThat(active.get("pendingRestart").isEmpty()).isTrue();
            assertThat(viewer.get("/api/v1/policies").json().get("sha256").asString()).isEqualTo(candidateHash);
            assertThat(budgets.trippedBreakers()).contains(tripped);
            assertThat(admin.post("/api/v1/policies/activate", json("policy", candidate, "reason", "again")).json().get("type")
                    .asString()).isEqualTo("urn:itdr:problem:policy-already-active");

            // decisions after the swap name the new version
            Sessions.replayed(server, "policy-activation-after");
            List<JsonNode> entries = ledger(viewer);
            assertThat(entries.stream().filter(e -> e.get("kind").asString().equals("decision"))
                    .filter(e -> e.path("identityKey").asString("").endsWith("role/policy-activation-after")))
                    .isNotEmpty().allSatisfy(e -> assertThat(e.get("evidence").get("policy.sha256").asString()).isEqualTo(candidateHash));
            JsonNode ledgered = entries.stream().filter(e -> e.get("kind").asString().equals("admin.policy_activated")).findFirst()
                    .orElseThrow();
            assertThat(ledgered.get("actor").asString()).isEqualTo(active.get("activatedBy").asString());
            assertThat(ledgered.get("evidence").get("policy.sha256").asString()).isEqualTo(candidateHash);
            assertThat(ledgered.get("evidence").get("policy.previous_sha256").asString()).isEqualTo(configuredHash);
            assertThat(ledgered.get("evidence").get("reason").asString()).isEqualTo("CHG-1: notify only while the replay detector is tuned");

            // promotion from shadow to enforce: admin only, a new version
            String promote = "/api/v1/policies/rules/" + RULE + "/promote";
            assertThat(approver.post(promote, json("reason", "proven")).status()).isEqualTo(403);
            assertThat(viewer.post(promote, json("reason", "proven")).status()).isEqualTo(403);
            assertThat(admin.post("/api/v1/policies/rules/no-such-rule/promote", json("reason", "proven")).status()).isEqualTo(404);
            ApiClient.Response promoted = admin.post(promote, json("reason", "two weeks in shadow, no false positive"));
            assertThat(promoted.status()).as(promoted.toString()).isEqualTo(200);
            assertThat(promoted.json().get("version").asLong()).isEqualTo(2);
            promotedHash = promoted.json().get("hash").asString();
            JsonNode promotedRule = promoted.json().get("summary").get("rules").valueStream()
                    .filter(r -> r.get("id").asString().equals(RULE)).findFirst().orElseThrow();
            assertThat(promotedRule.get("mode").asString()).isEqualTo("enforce");
            assertThat(viewer.get("/api/v1/policies/active").json().get("policy").asString())
                    .isEqualTo(candidate.replace("    mode: shadow\n    when: finding.detector == 'token_replay'",
                            "    mode: enforce\n    when: finding.detector == 'token_replay'"));
            ApiClient.Response again = admin.post(promote, json("reason", "twice"));
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.json().get("type").asString()).isEqualTo("urn:itdr:problem:rule-already-enforced");
            assertThat(ledger(viewer).stream().filter(e -> e.get("kind").asString().equals("admin.policy_activated")))
                    .hasSize(2).last().satisfies(e -> {
                        assertThat(e.get("evidence").get("policy.promoted_rule").asString()).isEqualTo(RULE);
                        assertThat(e.get("evidence").get("policy.sha256").asString()).isEqualTo(promotedHash);
                        assertThat(e.get("evidence").get("reason").asString()).isEqualTo("two weeks in shadow, no false positive");
                    });
            assertThat(viewer.get("/actuator/prometheus").body()).contains("itdr_policy_evaluation_errors_total");
        }

        try (ConfigurableApplicationContext restarted = start()) {
            ApiClient admin = new ApiClient(port(restarted), ADMIN);
            JsonNode active = admin.get("/api/v1/policies/active").json();
            assertThat(active.get("hash").asString()).isEqualTo(promotedHash);
            assertThat(active.get("version").asLong()).isEqualTo(2);
            assertThat(active.get("reason").asString()).isEqualTo("two weeks in shadow, no false positive");
            assertThat(restarted.getBean(ResponseEngine.class).policy().ref().sha256()).isEqualTo(promotedHash);
            assertThat(admin.get("/api/v1/policies/versions").json().get("versions").valueStream().map(v -> v.get("hash").asString()))
                    .containsExactly(promotedHash, candidateHash);

            // the command line activates a file with a reason
            Path file = Files.writeString(dir.resolve("policy.yaml"), candidate.replace("rung: notify", "rung: monitor"));
            Path token = Files.writeString(dir.resolve("token"), ADMIN);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = ItdrCli.run(new String[] {"policy", "activate", file.toString(), "--reason", "CHG-2: monitor only",
                    "--expected-hash", promotedHash, "--server", "http://localhost:" + port(restarted), "--token-file", token.toString()},
                    new PrintWriter(out, true), new PrintWriter(err, true));
            assertThat(code).as(out + "\n" + err).isZero();
            assertThat(out.toString()).contains("active: ", "version 3", PolicyLoader.hash(Files.readAllBytes(file)));
            StringWriter staleErr = new StringWriter();
            assertThat(ItdrCli.run(new String[] {"policy", "activate", file.toString(), "--reason", "stale", "--expected-hash", promotedHash,
                    "--server", "http://localhost:" + port(restarted), "--token-file", token.toString()},
                    new PrintWriter(new StringWriter(), true), new PrintWriter(staleErr, true))).isEqualTo(3);
            assertThat(staleErr.toString()).contains("409");
        }
    }

    @Test
    void validationIsBoundedAndNamesTheRuleItRefuses() throws Exception {
        try (ConfigurableApplicationContext server = start()) {
            ApiClient admin = new ApiClient(port(server), ADMIN);
            String head = "name: t\nversion: \"1\"\nmode: enforce\nrules:\n";

            ApiClient.Response regex = admin.postText("/api/v1/policies/validate", head
                    + "  - id: bad-regex\n    when: finding.detector.matches('(')\n    rung: monitor\n", "application/yaml");
            assertThat(regex.status()).isEqualTo(422);
            assertThat(regex.json().get("errors").get(0).get("reason").asString())
                    .startsWith("rule 'bad-regex': invalid regular expression '(' in matches(): ");

            ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
            latin1.writeBytes((head + "  - id: accented\n    description: caf").getBytes(StandardCharsets.UTF_8));
            latin1.write(0xe9);
            latin1.writeBytes("\n    when: \"true\"\n    rung: monitor\n".getBytes(StandardCharsets.UTF_8));
            ApiClient.Response notUtf8 = ApiClient.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(admin.base() + "/api/v1/policies/validate"))
                    .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/yaml")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(latin1.toByteArray())).build());
            assertThat(notUtf8.status()).isEqualTo(422);
            JsonNode error = notUtf8.json().get("errors").get(0);
            assertThat(error.get("line").asInt()).isEqualTo(6);
            assertThat(error.get("reason").asString()).contains("not UTF-8", "in rule 'accented'");

            StringBuilder many = new StringBuilder(head);
            for (int i = 0; i < 101; i++) {
                many.append("  - id: r").append(i).append("\n    when: \"true\"\n    rung: monitor\n");
            }
            ApiClient.Response tooMany = admin.postText("/api/v1/policies/validate", many.toString(), "application/yaml");
            assertThat(tooMany.status()).isEqualTo(422);
            assertThat(tooMany.json().get("errors").get(0).get("reason").asString()).isEqualTo("101 rules, over the limit of 100; none was compiled");

            ApiClient.Response tooBig = admin.postText("/api/v1/policies/validate", head + "#" + "x".repeat(210 * 1024) + "\n",
                    "application/yaml");
            assertThat(tooBig.status()).isEqualTo(413);

            // every permit taken (as by validations in flight): the next one is refused with a problem body
            java.util.concurrent.Semaphore permits = server.getBean(PoliciesController.class).validationPermits();
            int taken = permits.drainPermits();
            try {
                ApiClient.Response busy = admin.postText("/api/v1/policies/validate", head + "  - id: a\n    when: \"true\"\n    rung: monitor\n",
                        "application/yaml");
                assertThat(busy.status()).isEqualTo(429);
                assertThat(busy.json().get("type").asString()).isEqualTo("urn:itdr:problem:policy-validation-busy");
                assertThat(admin.post("/api/v1/policies/activate", json("policy", head, "reason", "busy")).status()).isEqualTo(429);
            } finally {
                permits.release(taken);
            }

            // a rule over CEL's iteration budget is shown in the dry-run as an evaluation error, not a silent miss
            Sessions.replayed(server, "policy-evaluation-error");
            String list = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]";
            String heavy = head + "  - id: heavy\n    when: '" + list + ".all(a, " + list + ".all(b, " + list + ".all(c, a + b + c > 0)))'\n"
                    + "    rung: notify\n  - id: rest\n    when: \"true\"\n    rung: monitor\n";
            JsonNode dryRun = admin.postText("/api/v1/policies/dry-run?limit=1000", heavy, "application/yaml").json();
            assertThat(dryRun.get("evaluationErrors").get("rule:heavy").asLong()).as(dryRun.toString()).isPositive();
        }
    }
}

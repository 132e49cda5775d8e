package io.itdr.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.api.ApiClient;
import io.itdr.server.api.ApiServerTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every endpoint × every caller (none, viewer, responder, approver, admin, ingest): 401 without a token,
 * 403 naming the needed role below it, and the endpoint's own answer at or above it. Requests are
 * chosen to be answered without changing anything (unknown ids, missing fields), so the matrix
 * proves authorisation happened before the endpoint looked at the request.
 */
class RoleMatrixTest extends ApiServerTest {
    private static final String NO_ACTION = "/api/v1/actions/manual%2Fno-such-finding%2Fdisable_identity%2Fnobody";
    private static final String NO_APPROVAL = "/api/v1/approvals/manual%2Fno-such-finding%2Fdisable_identity%2Fnobody";
    private static final String INVALID_POLICY = "name: broken\nrules: [\n";

    /**
     * One request, the rule it falls under ({@code pattern}; null for a path no rule allows), the
     * lowest role that may make it (null: nobody; public paths are tested separately) and the
     * status it gets from there up.
     */
    record Row(String method, String path, String body, String pattern, Role lowest, int allowed) {
        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body.replace('\n', ' '));
        }
    }

    private static final List<Row> ROWS = List.of(
            new Row("POST", "/api/v1/ingest/no-such-connector", "{}", "/api/v1/ingest/{connector}", Role.INGEST, 404),
            new Row("GET", "/api/v1/ingest/no-such-connector", null, "/api/v1/ingest/{connector}", Role.INGEST, 404),
            new Row("GET", "/api/v1/ingest/no-such-connector/dead-letters", null, "/api/v1/ingest/{connector}/dead-letters", Role.VIEWER, 200),
            new Row("POST", "/api/v1/ingest/no-such-connector/dead-letters/1/requeue", "{\"reason\":\"matrix\"}",
                    "/api/v1/ingest/{connector}/dead-letters/{seq}/requeue", Role.RESPONDER, 404),
            new Row("POST", "/api/v1/ingest/no-such-connector/dead-letters/1/drop", "{\"reason\":\"matrix\"}",
                    "/api/v1/ingest/{connector}/dead-letters/{seq}/drop", Role.ADMIN, 404),
            new Row("GET", "/api/v1/events", null, "/api/v1/events", Role.VIEWER, 200),
            new Row("GET", "/api/v1/findings", null, "/api/v1/findings", Role.VIEWER, 200),
            new Row("GET", "/api/v1/findings/no-such-finding", null, "/api/v1/findings/{id}", Role.VIEWER, 404),
            new Row("GET", "/api/v1/incidents", null, "/api/v1/incidents", Role.VIEWER, 200),
            new Row("GET", "/api/v1/incidents/no-such-incident", null, "/api/v1/incidents/{id}", Role.VIEWER, 404),
            new Row("GET", "/api/v1/decisions", null, "/api/v1/decisions", Role.VIEWER, 200),
            new Row("GET", "/api/v1/decisions/no-such-decision", null, "/api/v1/decisions/{id}", Role.VIEWER, 404),
            new Row("GET", "/api/v1/actions", null, "/api/v1/actions", Role.VIEWER, 200),
            new Row("POST", "/api/v1/actions", "{}", "/api/v1/actions", Role.RESPONDER, 400),
            new Row("GET", NO_ACTION, null, "/api/v1/actions/{id}", Role.VIEWER, 404),
            new Row("POST", NO_ACTION + "/rollback", "{\"reason\":\"matrix\"}", "/api/v1/actions/{id}/rollback", Role.RESPONDER, 404),
            new Row("POST", NO_ACTION + "/rollback", "{\"reason\":\"matrix\",\"force\":true}", "/api/v1/actions/{id}/rollback",
                    Role.APPROVER, 404),
            new Row("POST", NO_ACTION + "/confirm", "{}", "/api/v1/actions/{id}/confirm", Role.RESPONDER, 404),
            new Row("POST", NO_ACTION + "/complete", "{\"reason\":\"matrix\"}", "/api/v1/actions/{id}/complete", Role.RESPONDER, 404),
            new Row("GET", "/api/v1/approvals", null, "/api/v1/approvals", Role.VIEWER, 200),
            new Row("POST", NO_APPROVAL + "/approve", "{\"reason\":\"matrix\",\"planDigest\":\"0\"}", "/api/v1/approvals/{id}/approve", Role.APPROVER, 404),
            new Row("POST", NO_APPROVAL + "/reject", "{\"reason\":\"matrix\"}", "/api/v1/approvals/{id}/reject", Role.APPROVER, 404),
            new Row("GET", "/api/v1/policies", null, "/api/v1/policies", Role.VIEWER, 200),
            new Row("POST", "/api/v1/policies/validate", INVALID_POLICY, "/api/v1/policies/validate", Role.RESPONDER, 422),
            new Row("POST", "/api/v1/policies/dry-run", INVALID_POLICY, "/api/v1/policies/dry-run", Role.ADMIN, 422),
            new Row("GET", "/api/v1/policies/active", null, "/api/v1/policies/active", Role.VIEWER, 200),
            new Row("GET", "/api/v1/policies/versions", null, "/api/v1/policies/versions", Role.VIEWER, 200),
            new Row("POST", "/api/v1/policies/activate", "{\"reason\":\"matrix\"}", "/api/v1/policies/activate", Role.ADMIN, 400),
            new Row("POST", "/api/v1/policies/rules/no-such-rule/promote", "{\"reason\":\"matrix\"}",
                    "/api/v1/policies/rules/{ruleId}/promote", Role.ADMIN, 404),
            new Row("GET", "/api/v1/connectors", null, "/api/v1/connectors", Role.VIEWER, 200),
            new Row("GET", "/api/v1/connectors/no-such-connector/health", null, "/api/v1/connectors/{id}/health", Role.VIEWER, 404),
            new Row("GET", "/api/v1/automation", null, "/api/v1/automation", Role.VIEWER, 200),
            new Row("POST", "/api/v1/automation/kill-switch", "{\"engaged\":true}", "/api/v1/automation/kill-switch", Role.RESPONDER, 400),
            new Row("POST", "/api/v1/automation/kill-switch", "{\"engaged\":false,\"reason\":\"matrix: released already\"}",
                    "/api/v1/automation/kill-switch", Role.ADMIN, 200),
            new Row("POST", "/api/v1/automation/breakers/no-such-budget/reset", "{\"reason\":\"matrix\"}",
                    "/api/v1/automation/breakers/{budget}/reset", Role.APPROVER, 404),
            new Row("GET", "/api/v1/ledger", null, "/api/v1/ledger", Role.VIEWER, 200),
            new Row("GET", "/api/v1/ledger/verify", null, "/api/v1/ledger/verify", Role.VIEWER, 200),
            new Row("GET", "/api/v1/tokens", null, "/api/v1/tokens", Role.ADMIN, 200),
            new Row("POST", "/api/v1/tokens", "{}", "/api/v1/tokens", Role.ADMIN, 400),
            new Row("DELETE", "/api/v1/tokens/no-such-token?reason=matrix", null, "/api/v1/tokens/{id}", Role.ADMIN, 404),
            new Row("GET", "/api/v1/openapi", null, "/api/v1/openapi", Role.VIEWER, 200),
            new Row("GET", "/api/v1/openapi.yaml", null, "/api/v1/openapi.yaml", Role.VIEWER, 200),
            new Row("GET", "/actuator/prometheus", null, "/actuator/prometheus", Role.VIEWER, 200),
            new Row("GET", "/actuator/info", null, "/actuator/info", Role.VIEWER, 200),
            new Row("GET", "/api/v1/no-such-endpoint", null, null, null, 0),
            new Row("PUT", "/api/v1/policies", "{}", null, null, 0),
            new Row("GET", "/actuator/env", null, null, null, 0));

    @TestFactory
    Stream<DynamicTest> everyEndpointAnswersEveryRoleAsTheMatrixSays() {
        List<DynamicTest> cells = new ArrayList<>();
        for (Row row : ROWS) {
            cells.add(DynamicTest.dynamicTest(row + " without a token → 401", () -> {
                ApiClient.Response response = anonymous().send(row.method(), row.path(), row.body(), contentType(row));
                assertThat(response.status()).as(response.toString()).isEqualTo(401);
                assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
                assertThat(response.json().get("type").asString()).isEqualTo("urn:itdr:problem:unauthenticated");
            }));
            for (Role role : Role.values()) {
                boolean allowed = row.lowest() != null && role.includes(row.lowest());
                int expected = allowed ? row.allowed() : 403;
                cells.add(DynamicTest.dynamicTest(row + " as " + role.label() + " → " + expected, () -> {
                    ApiClient.Response response = as(role).send(row.method(), row.path(), row.body(), contentType(row));
                    assertThat(response.status()).as(response.toString()).isEqualTo(expected);
                    if (!allowed && row.lowest() != null) {
                        // the URL rule answers first; a finer rule in the endpoint (force, release) after it
                        Role needed = role.includes(ruleRole(row)) ? row.lowest() : ruleRole(row);
                        assertThat(response.json().get("requiredRole").asString()).isEqualTo(needed.label());
                        assertThat(response.json().get("detail").asString()).contains("needs the role " + needed.label());
                    }
                }));
            }
        }
        return cells.stream();
    }

    @Test
    void healthIsPublicAndItsDetailsAreNot() {
        ApiClient.Response anonymous = anonymous().get("/actuator/health");
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body()).doesNotContain("eventsAccepted").doesNotContain("components").doesNotContain("db");
        assertThat(anonymous.json().get("status").asString()).isEqualTo("UP");
        ApiClient.Response viewer = as(Role.VIEWER).get("/actuator/health");
        assertThat(viewer.status()).isEqualTo(200);
        assertThat(viewer.body()).contains("connectors").contains("eventsAccepted");
        assertThat(anonymous().get("/actuator/health/liveness").status()).isIn(200, 404);
    }

    /** A new endpoint must be added to the matrix: every access rule is exercised by a row. */
    @Test
    void theMatrixCoversEveryAccessRule() {
        Set<String> exercised = ROWS.stream().filter(r -> r.pattern() != null).map(r -> r.method() + " " + r.pattern())
                .collect(Collectors.toSet());
        assertThat(AccessRules.RULES).allSatisfy(rule -> assertThat(exercised).contains(rule.method().name() + " " + rule.pattern()));
        assertThat(Arrays.stream(Role.values()).map(Role::label)).containsExactly("viewer", "responder", "approver", "admin", "ingest");
    }

    private static Role ruleRole(Row row) {
        return AccessRules.RULES.stream().filter(rule -> rule.method().name().equals(row.method()) && rule.pattern().equals(row.pattern()))
                .findFirst().orElseThrow().role();
    }

    private static String contentType(Row row) {
        return row.body() == null ? null : row.body().startsWith("{") ? "application/json" : "application/yaml";
    }
}

package io.itdr.server.security;

import static io.itdr.server.security.Role.ADMIN;
import static io.itdr.server.security.Role.APPROVER;
import static io.itdr.server.security.Role.INGEST;
import static io.itdr.server.security.Role.RESPONDER;
import static io.itdr.server.security.Role.VIEWER;
import static org.springframework.http.HttpMethod.DELETE;
import static org.springframework.http.HttpMethod.GET;
import static org.springframework.http.HttpMethod.POST;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which role each endpoint needs: the one table the filter chain is built from and the 403
 * answer quotes. A request that matches no rule (and no public path) is denied. Two finer rules
 * live where the request body is known: forcing a rollback needs approver, releasing the kill
 * switch needs admin ({@link Caller#require}). Immutable.
 */
public final class AccessRules {
    /** One endpoint (method and path pattern) and the lowest role that may call it. */
    public record Rule(HttpMethod method, String pattern, Role role) {
        public Rule {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(role, "role");
        }

        public RequestMatcher matcher() {
            return PathPatternRequestMatcher.withDefaults().matcher(method, pattern);
        }
    }

    /** Served without authentication: liveness and readiness for load balancers (details only to callers with a role). */
    public static final List<String> PUBLIC = List.of("/actuator/health", "/actuator/health/**",
            // platforms' event hooks authenticate by their connector's shared secret (EventHookController), not by bearer token
            "/api/v1/hooks/*");

    private static final String API = "/api/v1";

    public static final List<Rule> RULES = List.of(
            new Rule(POST, API + "/ingest/{connector}", INGEST),
            new Rule(GET, API + "/ingest/{connector}", INGEST),
            new Rule(GET, API + "/ingest/{connector}/dead-letters", VIEWER),
            new Rule(POST, API + "/ingest/{connector}/dead-letters/{seq}/requeue", RESPONDER),
            new Rule(POST, API + "/ingest/{connector}/dead-letters/{seq}/drop", ADMIN),
            new Rule(GET, API + "/events", VIEWER),
            new Rule(GET, API + "/findings", VIEWER),
            new Rule(GET, API + "/findings/{id}", VIEWER),
            new Rule(GET, API + "/incidents", VIEWER),
            new Rule(GET, API + "/incidents/{id}", VIEWER),
            new Rule(GET, API + "/decisions", VIEWER),
            new Rule(GET, API + "/decisions/{id}", VIEWER),
            new Rule(GET, API + "/actions", VIEWER),
            new Rule(POST, API + "/actions", RESPONDER),
            new Rule(GET, API + "/actions/{id}", VIEWER),
            new Rule(POST, API + "/actions/{id}/rollback", RESPONDER),
            new Rule(POST, API + "/actions/{id}/complete", RESPONDER),
            new Rule(POST, API + "/actions/{id}/confirm", RESPONDER),
            new Rule(GET, API + "/approvals", VIEWER),
            new Rule(POST, API + "/approvals/{id}/approve", APPROVER),
            new Rule(POST, API + "/approvals/{id}/reject", APPROVER),
            new Rule(GET, API + "/policies", VIEWER),
            new Rule(POST, API + "/policies/validate", RESPONDER),
            new Rule(POST, API + "/policies/dry-run", ADMIN),
            new Rule(GET, API + "/policies/active", VIEWER),
            new Rule(GET, API + "/policies/versions", VIEWER),
            new Rule(POST, API + "/policies/activate", ADMIN),
            new Rule(POST, API + "/policies/rules/{ruleId}/promote", ADMIN),
            new Rule(GET, API + "/connectors", VIEWER),
            new Rule(GET, API + "/connectors/{id}/health", VIEWER),
            new Rule(GET, API + "/automation", VIEWER),
            new Rule(POST, API + "/automation/kill-switch", RESPONDER),
            new Rule(POST, API + "/automation/breakers/{budget}/reset", APPROVER),
            new Rule(GET, API + "/ledger", VIEWER),
            new Rule(GET, API + "/ledger/verify", VIEWER),
            new Rule(GET, API + "/tokens", ADMIN),
            new Rule(POST, API + "/tokens", ADMIN),
            new Rule(DELETE, API + "/tokens/{id}", ADMIN),
            new Rule(GET, API + "/openapi", VIEWER),
            new Rule(GET, API + "/openapi.yaml", VIEWER),
            new Rule(GET, "/actuator/prometheus", VIEWER),
            new Rule(GET, "/actuator/info", VIEWER));

    private static final List<Map.Entry<Rule, RequestMatcher>> MATCHERS =
            RULES.stream().map(rule -> Map.entry(rule, rule.matcher())).toList();

    private AccessRules() {
    }

    /** The rule a request falls under; empty when none does (the request is denied). */
    public static Optional<Rule> ruleFor(HttpServletRequest request) {
        return MATCHERS.stream().filter(entry -> entry.getValue().matches(request)).map(Map.Entry::getKey).findFirst();
    }
}

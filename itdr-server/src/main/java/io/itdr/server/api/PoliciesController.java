package io.itdr.server.api;

import io.itdr.core.decide.policy.BudgetRule;
import io.itdr.core.decide.policy.BuiltinGuardrail;
import io.itdr.core.decide.policy.ContainmentRule;
import io.itdr.core.decide.policy.CustomGuardrail;
import io.itdr.core.decide.policy.EscalationRule;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.decide.policy.PolicyLimits;
import io.itdr.core.decide.policy.RecoveryRule;
import io.itdr.server.response.PolicyActivation;
import io.itdr.server.security.Caller;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The policy: the one the server runs, validation of a candidate (422 with every problem at its
 * line and column), a dry-run of a candidate over the latest stored events with the difference
 * from the active policy decision by decision, and activation at run time (admin, with a reason,
 * ledgered) of a whole policy or of one rule from shadow to enforce. Candidates for validation and
 * dry-run are sent as the YAML body (any content type); activation takes JSON.
 *
 * <p>Loading a policy is bounded ({@link PolicyLimits}: size, rules, compile time); at most
 * {@code itdr.policies.max-concurrent-validations} (default 2) validations, dry-runs and
 * activations run at once, the next gets 429 {@code policy-validation-busy}.
 *
 * <p>Thread-safe.
 */
@RestController
@RequestMapping("/api/v1/policies")
public class PoliciesController {
    private static final String CANDIDATE = "request";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PolicyActivation activation;
    private final PolicyDryRun dryRun;
    private final Semaphore validations;

    public PoliciesController(PolicyActivation activation, PolicyDryRun dryRun,
                              @Value("${itdr.policies.max-concurrent-validations:2}") int maxConcurrentValidations) {
        this.activation = activation;
        this.dryRun = dryRun;
        if (maxConcurrentValidations < 1) {
            throw new IllegalStateException("itdr.policies.max-concurrent-validations must be at least 1, not " + maxConcurrentValidations);
        }
        this.validations = new Semaphore(maxConcurrentValidations);
    }

    /** The policy in force: name, version, sha256, mode, maturity, and a summary of rules, guardrails, escalation, budgets and recovery. */
    @GetMapping
    public Map<String, Object> policy() {
        return summary(activation.active().policy());
    }

    /**
     * The policy in force with its text and how it came to be: hash, version number among activated
     * versions (null for the configured one), who activated it, when and why, and the sections that
     * wait for a restart.
     */
    @GetMapping("/active")
    public Map<String, Object> active() {
        return view(activation.active());
    }

    private static Map<String, Object> view(PolicyActivation.Active active) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("policy", active.text());
        view.put("hash", active.policy().ref().sha256());
        view.put("name", active.policy().ref().name());
        view.put("policyVersion", active.policy().ref().version());
        view.put("version", active.version());
        view.put("activatedBy", active.activatedBy());
        view.put("activatedAt", active.activatedAt().toString());
        view.put("reason", active.reason());
        view.put("pendingRestart", active.pendingRestart());
        return view;
    }

    /** The activated versions, newest first, without their text (at most {@code limit}, default 50). */
    @GetMapping("/versions")
    public Map<String, Object> versions(@RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > 500) {
            throw ApiProblem.badInput("limit", "must be between 1 and 500, not " + limit);
        }
        List<Map<String, Object>> versions = activation.history(limit).stream().map(v -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("version", v.version());
            view.put("hash", v.sha256());
            view.put("name", v.name());
            view.put("policyVersion", v.policyVersion());
            view.put("activatedBy", v.activatedBy());
            view.put("activatedAt", v.activatedAt().toString());
            view.put("reason", v.reason());
            view.put("previousHash", v.previousSha256());
            return view;
        }).toList();
        return Map.of("versions", versions);
    }

    /**
     * Activates a policy (admin): {@code {"policy": "<yaml>", "reason": "…", "expectedActiveHash": "…"}}.
     * 422 when invalid, 409 {@code active-policy-changed} when {@code expectedActiveHash} is not the
     * active policy's hash, 409 {@code policy-already-active}, 503 {@code pipeline-busy}. Ledgered
     * ({@code admin.policy_activated}) and stored before it is in force.
     */
    @PostMapping("/activate")
    @RequestBody(description = "{policy, reason, expectedActiveHash?}", required = true,
            content = @Content(mediaType = "application/json"))
    public Map<String, Object> activate(HttpServletRequest request, @AuthenticationPrincipal Caller caller) {
        JsonNode body = json(request, activation.limits().maxBytes() * 6 + 16 * 1024);
        JsonNode policy = body.get("policy");
        if (policy == null || !policy.isString() || policy.asString().isBlank()) {
            throw ApiProblem.badInput("policy", "is required: the policy's YAML as a JSON string");
        }
        String reason = Inputs.reason(text(body, "reason"));
        String expected = text(body, "expectedActiveHash");
        return gated(() -> {
            try {
                return activated(activation.activate(policy.asString(), caller.actor(), reason, blankToNull(expected)));
            } catch (PolicyActivation.RefusedException e) {
                throw problem(e);
            }
        });
    }

    /**
     * Promotes one rule from shadow to enforce (admin), with a reason: a new version of the active
     * policy whose rule says {@code mode: enforce}, activated and ledgered like any other. 404 for an
     * unknown rule; 409 when the rule is enforced already, the policy runs in shadow, or the active
     * policy changed from {@code expectedActiveHash}.
     */
    @PostMapping("/rules/{ruleId}/promote")
    public Map<String, Object> promote(@PathVariable String ruleId, HttpServletRequest request, @AuthenticationPrincipal Caller caller) {
        JsonNode body = json(request, 16 * 1024);
        String reason = Inputs.reason(text(body, "reason"));
        String expected = text(body, "expectedActiveHash");
        return gated(() -> {
            try {
                return activated(activation.promote(ruleId, caller.actor(), reason, blankToNull(expected)));
            } catch (PolicyActivation.RefusedException e) {
                throw problem(e);
            }
        });
    }

    private Map<String, Object> activated(PolicyActivation.Active active) {
        Map<String, Object> view = view(active);
        view.remove("policy");
        view.put("summary", summary(active.policy()));
        return view;
    }

    private static ApiProblem problem(PolicyActivation.RefusedException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> new ApiProblem(HttpStatus.NOT_FOUND, e.slug(), e.getMessage(), Map.of());
            case CONFLICT -> ApiProblem.conflict(e.slug(), e.getMessage());
            case BUSY -> new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, e.slug(), e.getMessage(), Map.of());
            case BAD_INPUT -> ApiProblem.badInput("policy", e.getMessage());
        };
    }

    private static JsonNode json(HttpServletRequest request, long maxBytes) {
        byte[] bytes = BoundedBody.read(request, maxBytes, "the request");
        JsonNode body;
        try {
            body = JSON.readTree(bytes);
        } catch (RuntimeException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-json", "the request body is not a JSON object", Map.of());
        }
        if (body == null || !body.isObject()) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-json", "the request body is not a JSON object", Map.of());
        }
        return body;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw ApiProblem.badInput(field, "must be a string");
        }
        return value.asString();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** The permits of concurrent validations, dry-runs and activations (tests take them all to see the 429). */
    Semaphore validationPermits() {
        return validations;
    }

    /** Runs policy work within the concurrency limit, or answers 429. */
    private <T> T gated(java.util.function.Supplier<T> work) {
        if (!validations.tryAcquire()) {
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "policy-validation-busy", "the server is validating as many policies as it "
                    + "allows at once (itdr.policies.max-concurrent-validations); try again shortly", Map.of());
        }
        try {
            return work.get();
        } finally {
            validations.release();
        }
    }

    /** 200 with the policy's summary when it is valid; 422 listing every problem otherwise. */
    @PostMapping("/validate")
    @RequestBody(description = "the candidate policy (YAML)", required = true,
            content = @Content(mediaType = "application/yaml", schema = @Schema(type = "string")))
    public Map<String, Object> validate(HttpServletRequest request) {
        byte[] body = candidateBytes(request);
        return gated(() -> {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("valid", true);
            result.putAll(summary(PolicyLoader.parse(body, CANDIDATE, activation.limits())));
            return result;
        });
    }

    /**
     * What the candidate would have done with the latest {@code limit} stored events (shadow mode;
     * nothing is carried out), and how that differs from the active policy's decisions over the same
     * events, decision by decision ({@code diff}).
     */
    @PostMapping("/dry-run")
    @RequestBody(description = "the candidate policy (YAML)", required = true,
            content = @Content(mediaType = "application/yaml", schema = @Schema(type = "string")))
    public Map<String, Object> dryRun(HttpServletRequest request, @RequestParam(defaultValue = "" + PolicyDryRun.DEFAULT_EVENTS) int limit) {
        byte[] body = candidateBytes(request);
        return gated(() -> dryRun.run(PolicyLoader.parse(body, CANDIDATE, activation.limits()), activation.active().policy(), limit));
    }

    /** The candidate's bytes as sent: the loader refuses what is not UTF-8, at its line. */
    private byte[] candidateBytes(HttpServletRequest request) {
        return BoundedBody.read(request, activation.limits().maxBytes(), "the policy");
    }

    static Map<String, Object> summary(Policy policy) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("name", policy.ref().name());
        summary.put("version", policy.ref().version());
        summary.put("sha256", policy.ref().sha256());
        summary.put("source", policy.source());
        summary.put("mode", policy.mode().policyName());
        if (policy.maturity() != null) {
            Map<String, String> ceilings = new TreeMap<>();
            policy.maturity().ceilings().forEach((maturity, rung) -> ceilings.put(maturity.policyName(), rung.policyName()));
            summary.put("maturity", Map.of("level", policy.maturity().level().policyName(), "ceilings", ceilings));
        }
        summary.put("rules", policy.rules().stream().map(PoliciesController::rule).toList());
        Map<String, Object> guardrails = new LinkedHashMap<>();
        guardrails.put("builtin", policy.guardrails().enabled().stream().map(BuiltinGuardrail::id).sorted().toList());
        guardrails.put("maxConsumers", policy.guardrails().maxConsumers());
        guardrails.put("criticalTier", policy.guardrails().criticalTier().policyName());
        guardrails.put("custom", policy.guardrails().custom().stream().map(PoliciesController::guardrail).toList());
        summary.put("guardrails", guardrails);
        summary.put("escalation", policy.escalation().stream().map(PoliciesController::escalation).toList());
        summary.put("budgets", policy.budgets().stream().map(PoliciesController::budget).toList());
        summary.put("recovery", policy.recovery().stream().map(PoliciesController::recovery).toList());
        return summary;
    }

    private static Map<String, Object> rule(ContainmentRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rule.id());
        view.put("description", rule.description());
        view.put("when", rule.when().text());
        view.put("line", rule.when().line());
        view.put("rung", rule.rung().policyName());
        view.put("approval", rule.approval().policyName());
        view.put("mode", rule.mode() == null ? null : rule.mode().policyName());
        view.put("tags", rule.tags());
        return view;
    }

    private static Map<String, Object> guardrail(CustomGuardrail guardrail) {
        return Map.of("id", guardrail.id(), "description", guardrail.description(), "when", guardrail.when().text(),
                "allowIsolation", guardrail.allowIsolation());
    }

    private static Map<String, Object> escalation(EscalationRule rule) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", rule.id());
        view.put("findings", rule.findings());
        view.put("within", rule.within().toString());
        view.put("raiseConfidence", rule.raiseConfidence());
        view.put("raiseRungUpTo", rule.maxRung() == null ? null : rule.maxRung().policyName());
        return view;
    }

    private static Map<String, Object> budget(BudgetRule budget) {
        return Map.of("id", budget.id(), "scope", budget.scope().policyName(), "maxActions", budget.maxActions(),
                "window", budget.window().toString());
    }

    private static Map<String, Object> recovery(RecoveryRule recovery) {
        return Map.of("rung", recovery.rung().policyName(), "expiresAfter", recovery.expiresAfter().toString(),
                "autoRestore", recovery.autoRestore());
    }
}

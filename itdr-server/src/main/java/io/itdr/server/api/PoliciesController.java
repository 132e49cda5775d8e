package io.itdr.server.api;

import io.itdr.core.decide.policy.BudgetRule;
import io.itdr.core.decide.policy.BuiltinGuardrail;
import io.itdr.core.decide.policy.ContainmentRule;
import io.itdr.core.decide.policy.CustomGuardrail;
import io.itdr.core.decide.policy.EscalationRule;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.decide.policy.RecoveryRule;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The policy: the one the server runs, validation of a candidate (422 with every problem at its
 * line and column), and a dry-run of a candidate over the latest stored events. Candidates are
 * sent as the YAML body (any content type; at most 1 MiB).
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/policies")
public class PoliciesController {
    private static final long MAX_POLICY_BYTES = 1024 * 1024;
    private static final String CANDIDATE = "request";

    private final Policy policy;
    private final PolicyDryRun dryRun;

    public PoliciesController(Policy policy, PolicyDryRun dryRun) {
        this.policy = policy;
        this.dryRun = dryRun;
    }

    /** The loaded policy: name, version, sha256, mode, maturity, and a summary of rules, guardrails, escalation, budgets and recovery. */
    @GetMapping
    public Map<String, Object> policy() {
        return summary(policy);
    }

    /** 200 with the policy's summary when it is valid; 422 listing every problem otherwise. */
    @PostMapping("/validate")
    @RequestBody(description = "the candidate policy (YAML)", required = true,
            content = @Content(mediaType = "application/yaml", schema = @Schema(type = "string")))
    public Map<String, Object> validate(HttpServletRequest request) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("valid", true);
        result.putAll(summary(candidate(request)));
        return result;
    }

    /** What the candidate would have done with the latest {@code limit} stored events (shadow mode; nothing is carried out). */
    @PostMapping("/dry-run")
    @RequestBody(description = "the candidate policy (YAML)", required = true,
            content = @Content(mediaType = "application/yaml", schema = @Schema(type = "string")))
    public Map<String, Object> dryRun(HttpServletRequest request, @RequestParam(defaultValue = "" + PolicyDryRun.DEFAULT_EVENTS) int limit) {
        return dryRun.run(candidate(request), limit);
    }

    private static Policy candidate(HttpServletRequest request) {
        byte[] body = BoundedBody.read(request, MAX_POLICY_BYTES, "the policy");
        return PolicyLoader.parse(new String(body, StandardCharsets.UTF_8), CANDIDATE);
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

package io.itdr.core.decide.policy;

import io.itdr.core.model.Mode;
import io.itdr.core.model.PolicyRef;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded, validated policy: every condition compiled and type-checked. Built by
 * {@link PolicyLoader}; immutable and thread-safe.
 *
 * @param ref             name, version and the SHA-256 of the file's bytes; never null
 * @param source          the file or source name it was loaded from; never null
 * @param mode            the policy-wide mode; never null
 * @param maturity        the maturity ceiling; null when the policy states none (no cap)
 * @param detectionTuning detector thresholds, validated at load: detector id → setting → Integer,
 *                        Double or Duration (see the default policy's {@code detection} section);
 *                        never null
 * @param rules           containment rules in file order; never null
 * @param guardrails      never null
 * @param escalation      in file order; never null
 * @param budgets         in file order; never null
 * @param recovery        at most one per rung; never null
 */
public record Policy(PolicyRef ref, String source, Mode mode, MaturityCeiling maturity,
                     Map<String, Object> detectionTuning, List<ContainmentRule> rules, GuardrailSettings guardrails,
                     List<EscalationRule> escalation, List<BudgetRule> budgets, List<RecoveryRule> recovery,
                     Duration incidentWindow) {
    /** How far apart two findings of one identity may be and still form one incident, when the policy does not say. */
    public static final Duration DEFAULT_INCIDENT_WINDOW = Duration.ofHours(1);

    public Policy {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(mode, "mode");
        // Shallow copy that tolerates null leaves (YAML "key:" with no value); nested values
        // come from the loader already unmodifiable.
        detectionTuning = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(detectionTuning, "detectionTuning")));
        rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        Objects.requireNonNull(guardrails, "guardrails");
        escalation = List.copyOf(Objects.requireNonNull(escalation, "escalation"));
        budgets = List.copyOf(Objects.requireNonNull(budgets, "budgets"));
        recovery = List.copyOf(Objects.requireNonNull(recovery, "recovery"));
        incidentWindow = incidentWindow == null ? DEFAULT_INCIDENT_WINDOW : incidentWindow;
        if (incidentWindow.isZero() || incidentWindow.isNegative()) {
            throw new IllegalArgumentException("incidents.window must be positive: " + incidentWindow);
        }
    }

    /** The recovery rule for a rung, if the policy has one. */
    public Optional<RecoveryRule> recoveryFor(Rung rung) {
        return recovery.stream().filter(r -> r.rung() == rung).findFirst();
    }

    /** The rule with this id, if any. */
    public Optional<ContainmentRule> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}

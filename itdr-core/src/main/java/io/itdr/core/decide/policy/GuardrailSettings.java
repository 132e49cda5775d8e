package io.itdr.core.decide.policy;

import io.itdr.core.model.Criticality;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which built-in guardrails are on, their parameters, and the operator's own guardrails. Immutable.
 *
 * @param enabled          the built-ins switched on; never null
 * @param maxConsumers     shared_identity fires above this many consumers (default 1)
 * @param criticalTier     business_critical fires for this tier and more critical ones (default tier1); never null
 * @param holdUnknownTier  whether business_critical also fires when the tier is unknown (default false)
 * @param custom           operator guardrails in file order; never null
 */
public record GuardrailSettings(Set<BuiltinGuardrail> enabled, int maxConsumers, Criticality criticalTier,
                                boolean holdUnknownTier, List<CustomGuardrail> custom) {
    public static final int DEFAULT_MAX_CONSUMERS = 1;
    public static final Criticality DEFAULT_CRITICAL_TIER = Criticality.TIER1;

    public GuardrailSettings {
        enabled = Set.copyOf(Objects.requireNonNull(enabled, "enabled"));
        Objects.requireNonNull(criticalTier, "criticalTier");
        if (maxConsumers < 1) {
            throw new IllegalArgumentException("maxConsumers must be at least 1: " + maxConsumers);
        }
        custom = List.copyOf(Objects.requireNonNull(custom, "custom"));
    }

    /** Every built-in on with its default parameters, no custom guardrail. */
    public static GuardrailSettings defaults() {
        return new GuardrailSettings(EnumSet.allOf(BuiltinGuardrail.class), DEFAULT_MAX_CONSUMERS,
                DEFAULT_CRITICAL_TIER, false, List.of());
    }

    public boolean isEnabled(BuiltinGuardrail guardrail) {
        return enabled.contains(guardrail);
    }
}

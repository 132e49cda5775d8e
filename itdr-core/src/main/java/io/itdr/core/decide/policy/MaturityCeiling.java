package io.itdr.core.decide.policy;

import io.itdr.core.model.Maturity;
import io.itdr.spi.action.Rung;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The estate's maturity and, per maturity level, the highest rung that may run without a human.
 * An identity whose catalog entry states a lower maturity gets that lower level's ceiling.
 * Immutable.
 *
 * @param level    the estate's level; never null
 * @param ceilings a rung for every level; never null
 */
public record MaturityCeiling(Maturity level, Map<Maturity, Rung> ceilings) {
    public MaturityCeiling {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(ceilings, "ceilings");
        for (Maturity m : Maturity.values()) {
            if (!ceilings.containsKey(m)) {
                throw new IllegalArgumentException("no ceiling for maturity " + m.policyName());
            }
        }
        ceilings = Map.copyOf(new EnumMap<>(ceilings));
    }

    /** The maturity that applies to an identity: the lower of the estate's and its own (may be null). */
    public Maturity effective(Maturity identityMaturity) {
        return identityMaturity == null ? level : Maturity.lower(level, identityMaturity);
    }

    /** The highest automatic rung for an identity of the given maturity (null: not stated). */
    public Rung ceilingFor(Maturity identityMaturity) {
        return ceilings.get(effective(identityMaturity));
    }
}

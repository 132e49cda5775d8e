package io.itdr.core.model;

import java.util.Locale;

/**
 * How ready an estate (or one team's part of it) is for automated response: owners known,
 * runbooks written, rollback rehearsed. The policy maps each level to the highest rung that may
 * run without a human.
 */
public enum Maturity {
    INITIAL, DEVELOPING, DEFINED, OPTIMIZED;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Maturity fromName(String name) {
        for (Maturity m : values()) {
            if (m.policyName().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown maturity '" + name + "'; expected initial, developing, defined or optimized");
    }

    public static Maturity lower(Maturity a, Maturity b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }
}

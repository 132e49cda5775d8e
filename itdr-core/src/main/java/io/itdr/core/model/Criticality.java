package io.itdr.core.model;

import java.util.Locale;

/** Business criticality tier of an identity: tier0 is the most critical (payments, prod root). */
public enum Criticality {
    TIER0, TIER1, TIER2, TIER3;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tier number, 0 (most critical) to 3. */
    public int level() {
        return ordinal();
    }

    public static Criticality fromName(String name) {
        for (Criticality c : values()) {
            if (c.policyName().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown criticality '" + name + "'; expected tier0, tier1, tier2 or tier3");
    }
}

package io.itdr.core.model;

import java.util.Locale;

/** Where an identity is in its life, as the catalog says. */
public enum Lifecycle {
    ACTIVE, DORMANT, DEPRECATED, DECOMMISSIONED;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Lifecycle fromName(String name) {
        for (Lifecycle l : values()) {
            if (l.policyName().equalsIgnoreCase(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown lifecycle '" + name + "'; expected active, dormant, deprecated or decommissioned");
    }
}

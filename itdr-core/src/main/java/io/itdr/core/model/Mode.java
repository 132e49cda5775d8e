package io.itdr.core.model;

import java.util.Locale;

/** Whether a policy (or rule) acts, or only records what it would have done. */
public enum Mode {
    /** Record decisions; never call a connector. */
    SHADOW,
    /** Carry decisions out, through the gate (approvals, kill switch, budgets). */
    ENFORCE;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stricter of two modes: shadow wins. */
    public static Mode stricter(Mode a, Mode b) {
        return a == SHADOW || b == SHADOW ? SHADOW : ENFORCE;
    }
}

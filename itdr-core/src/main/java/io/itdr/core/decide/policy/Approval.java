package io.itdr.core.decide.policy;

import java.util.Locale;

/** Whether a containment rule's rung may run without a human. */
public enum Approval {
    /** Runs when no guardrail holds it. */
    AUTO,
    /** Always held: a human approves the rung first. */
    REQUIRED;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

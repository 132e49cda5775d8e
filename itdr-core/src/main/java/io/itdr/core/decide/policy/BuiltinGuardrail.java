package io.itdr.core.decide.policy;

import java.util.Locale;

/**
 * The guardrails every policy has (DESIGN §5), in the fixed order the engine evaluates them. Each
 * is on unless the policy switches it off. A guardrail can only lower automation: when it fires
 * the intended rung is held for a human.
 */
public enum BuiltinGuardrail {
    /** No owner known: nobody to ask, nobody to notice a broken workload. */
    UNKNOWN_OWNER(true),
    /** No connector can carry the rung out on that platform, or it is irreversible. */
    NO_ROLLBACK_PATH(false),
    /** More consumers than allowed use the identity: acting can break several applications. */
    SHARED_IDENTITY(true),
    /** Nothing says where the token belongs (no consumers, no expected sources, no workload on the event). */
    UNMAPPED_TOKEN(false),
    /** The identity's tier is at or above the critical threshold (tier0 is the most critical). */
    BUSINESS_CRITICAL(true),
    /** The action cannot be undone: it always needs approval. */
    IRREVERSIBLE_ACTION(false),
    /**
     * A platform's own finding (GuardDuty, Entra risk, Okta ThreatInsight) reached the server by a
     * push and the platform did not confirm it when asked: whoever can push can invent one. Cannot
     * be switched off.
     */
    UNCONFIRMED_FINDING(true),
    /** A budget of disruptive actions is spent or its breaker is tripped. */
    BUDGET_EXHAUSTED(true);

    private final boolean forbidsIsolation;

    BuiltinGuardrail(boolean forbidsIsolation) {
        this.forbidsIsolation = forbidsIsolation;
    }

    /** The id used in policies, reasons and {@code Decision.guardrails}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether a hold caused by this guardrail must not isolate the session meanwhile: isolating a
     * shared, critical or ownerless identity can still break production, and a spent budget has
     * no room for another disruptive action.
     */
    public boolean forbidsIsolation() {
        return forbidsIsolation;
    }

    /** The guardrail with this policy id, or null. */
    public static BuiltinGuardrail fromId(String id) {
        for (BuiltinGuardrail g : values()) {
            if (g.id().equals(id)) {
                return g;
            }
        }
        return null;
    }
}

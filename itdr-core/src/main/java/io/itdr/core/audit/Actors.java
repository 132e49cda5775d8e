package io.itdr.core.audit;

import io.itdr.core.model.PolicyRef;
import java.util.Objects;

/**
 * How ledger entries name their actor: {@code system}, {@code policy:<name>@<version>#<rule>} or
 * {@code user:<name>}. Stateless.
 */
public final class Actors {
    /** The engine acting on its own (reconciliation, expiry, system-initiated requests). */
    public static final String SYSTEM = "system";

    private Actors() {
    }

    /** A policy rule; {@code ruleId} may be null when no rule matched. */
    public static String policy(PolicyRef policy, String ruleId) {
        Objects.requireNonNull(policy, "policy");
        String base = "policy:" + policy.name() + "@" + policy.version();
        return ruleId == null ? base : base + "#" + ruleId;
    }

    /** A person, by login name. */
    public static String user(String name) {
        LedgerEntry.requireText(name, "user name");
        return "user:" + name;
    }
}

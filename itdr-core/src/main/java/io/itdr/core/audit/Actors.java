package io.itdr.core.audit;

import io.itdr.core.model.PolicyRef;
import java.util.Objects;

/**
 * How ledger entries name their actor: {@code system}, {@code policy:<name>@<version>#<rule>},
 * {@code user:<name>}, or a person acting through an API token issued to them,
 * {@code <principal>/token:<token name>}. The principal is the person behind an actor: separation of
 * duties compares principals, so one person with two tokens is still one person. Stateless.
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

    /** What separates a principal from the token it acts through in an actor name. */
    public static final String VIA_TOKEN = "/token:";

    /** A person, by login name. */
    public static String user(String name) {
        LedgerEntry.requireText(name, "user name");
        return "user:" + name;
    }

    /**
     * A principal acting through an API token: {@code <principal>/token:<tokenName>}.
     *
     * @param principal who the token was issued to ({@code user:alice}); must not contain {@value #VIA_TOKEN}
     */
    public static String viaToken(String principal, String tokenName) {
        LedgerEntry.requireText(principal, "principal");
        LedgerEntry.requireText(tokenName, "token name");
        if (principal.contains(VIA_TOKEN)) {
            throw new IllegalArgumentException("a principal is a person, not a token: " + principal);
        }
        return principal + VIA_TOKEN + tokenName;
    }

    /**
     * The person behind an actor: the actor itself, or for {@code <principal>/token:<name>} the
     * principal. Compared ignoring case and surrounding blanks by {@link #samePrincipal}.
     */
    public static String principal(String actor) {
        LedgerEntry.requireText(actor, "actor");
        int via = actor.indexOf(VIA_TOKEN);
        return (via < 0 ? actor : actor.substring(0, via)).strip();
    }

    /** Whether two actors are the same person ("Alice" is "alice"; two tokens of one person are one person). */
    public static boolean samePrincipal(String a, String b) {
        return principal(a).equalsIgnoreCase(principal(b));
    }
}

package io.itdr.server.security;

import io.itdr.core.audit.Actors;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who makes a request: the actor written to the ledger ({@code <principal>/token:<name>} for an API
 * token, {@code user:<name>} for a person signed in with OIDC) and the roles granted. Separation of
 * duties compares {@link #principal()}s: a person's tokens and their OIDC login are one person.
 * Immutable.
 *
 * @param actor never blank
 * @param roles the roles as granted (each includes those below it); never null, may be empty
 * @param via       how the caller authenticated; never null
 * @param connector the one connector an ingest token may push to; null for any (and for every JWT)
 */
public record Caller(String actor, Set<Role> roles, Via via, String connector) {
    /** The credential a caller presented. */
    public enum Via { API_TOKEN, JWT }

    public Caller {
        Objects.requireNonNull(actor, "actor");
        if (actor.isBlank()) {
            throw new IllegalArgumentException("actor must not be blank");
        }
        roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
        Objects.requireNonNull(via, "via");
    }

    /** A caller not bound to a connector. */
    public Caller(String actor, Set<Role> roles, Via via) {
        this(actor, roles, via, null);
    }

    /** Whether the caller may push to {@code connectorId}: any connector unless its token is bound to one. */
    public boolean mayPushTo(String connectorId) {
        return connector == null || connector.equals(connectorId);
    }

    /** The person behind the actor ({@link Actors#principal}). */
    public String principal() {
        return Actors.principal(actor);
    }

    public boolean has(Role role) {
        return roles.stream().anyMatch(granted -> granted.includes(role));
    }

    /**
     * Checks a rule the URL alone cannot express (forcing a rollback, releasing the kill switch).
     *
     * @param what what the caller tries to do, for the message ("forcing a rollback")
     * @throws RoleRequiredException when the caller lacks {@code role}
     */
    public void require(Role role, String what) {
        if (!has(role)) {
            throw new RoleRequiredException(role, what, roles);
        }
    }
}

package io.itdr.server.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller may do, as a ladder: each role includes every role below it (viewer ⊂ responder ⊂
 * approver ⊂ admin). A viewer reads; a responder also ingests, requests actions, rolls back
 * without force, confirms and engages the kill switch; an approver also approves, rejects and
 * forces rollbacks; an admin also manages API tokens, releases the kill switch and dry-runs
 * policies. Separation of duties is not a role: the core refuses an approval by the requester.
 * Immutable.
 */
public enum Role {
    VIEWER, RESPONDER, APPROVER, ADMIN;

    /** The lower-case name used in tokens, JWT claims and messages ("approver"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority ({@code ROLE_approver}), for {@code hasRole("approver")}. */
    public String authority() {
        return "ROLE_" + label();
    }

    /** Whether holding this role grants {@code other}. */
    public boolean includes(Role other) {
        return ordinal() >= other.ordinal();
    }

    /** This role and every role it includes. */
    public Set<Role> withIncluded() {
        return EnumSet.range(VIEWER, this);
    }

    /**
     * The role with this label, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the known roles
     */
    public static Role of(String label) {
        String wanted = label == null ? "" : label.strip().toLowerCase(Locale.ROOT);
        for (Role role : values()) {
            if (role.label().equals(wanted)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + label + "'; roles are "
                + Arrays.stream(values()).map(Role::label).toList());
    }
}

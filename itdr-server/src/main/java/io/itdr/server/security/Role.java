package io.itdr.server.security;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a caller may do. Four roles form a ladder, each including every role below it (viewer ⊂
 * responder ⊂ approver ⊂ admin): a viewer reads; a responder also ingests, requests actions, rolls
 * back without force, confirms and engages the kill switch; an approver also approves, rejects and
 * forces rollbacks; an admin also manages API tokens, releases the kill switch and dry-runs
 * policies. Beside the ladder, {@code ingest} may only push telemetry ({@code POST
 * /api/v1/ingest/{connector}}): the role for a pushing source's token, which reads nothing and can
 * request nothing; responders and above include it. Separation of duties is not a role: the core
 * refuses an approval by the requester. Immutable.
 */
public enum Role {
    VIEWER, RESPONDER, APPROVER, ADMIN,
    /** Push telemetry only; outside the ladder (declared last so the ladder's order stays as it was). */
    INGEST;

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
        if (this == INGEST || other == INGEST) {
            return other == INGEST && (this == INGEST || ordinal() >= RESPONDER.ordinal());
        }
        return ordinal() >= other.ordinal();
    }

    /** This role and every role it includes. */
    public Set<Role> withIncluded() {
        Set<Role> included = EnumSet.noneOf(Role.class);
        for (Role role : values()) {
            if (includes(role)) {
                included.add(role);
            }
        }
        return included;
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

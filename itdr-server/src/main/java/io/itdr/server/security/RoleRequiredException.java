package io.itdr.server.security;

import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** A caller tried something that needs a role it lacks; answered with 403 naming the role. Immutable. */
public class RoleRequiredException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Role required;

    /** @param what what was tried, as the subject of "… needs the role …" ("forcing a rollback") */
    public RoleRequiredException(Role required, String what, Set<Role> held) {
        super(what + " needs the role " + required.label() + "; you have "
                + (held.isEmpty() ? "no role" : new TreeSet<>(held).stream().map(Role::label).toList()));
        this.required = Objects.requireNonNull(required, "required");
    }

    public Role required() {
        return required;
    }
}

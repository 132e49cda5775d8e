package io.itdr.server.security;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An authenticated {@link Caller}: its granted roles and every role they include become
 * authorities, so the URL rules can ask for the lowest role an endpoint needs. The credential is
 * not kept. Immutable after construction.
 */
public final class CallerAuthentication extends AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;

    private final Caller caller;

    public CallerAuthentication(Caller caller) {
        super(authorities(caller.roles()));
        this.caller = Objects.requireNonNull(caller, "caller");
        setAuthenticated(true);
    }

    private static Collection<GrantedAuthority> authorities(Set<Role> roles) {
        Set<GrantedAuthority> authorities = new LinkedHashSet<>();
        roles.forEach(role -> role.withIncluded().forEach(r -> authorities.add(new SimpleGrantedAuthority(r.authority()))));
        return authorities;
    }

    public Caller caller() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    /** The {@link Caller}, so controllers can take {@code @AuthenticationPrincipal Caller caller}. */
    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.actor();
    }
}

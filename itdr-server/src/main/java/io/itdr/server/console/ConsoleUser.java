package io.itdr.server.console;

import io.itdr.server.security.Caller;
import java.util.Collection;
import java.util.Objects;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;

/**
 * A person signed in to the console: the OIDC user Spring Security keeps in the HTTP session (in memory), with the
 * {@link Caller} its ID token maps to, exactly as a JWT with the same claims would map on the API. The ID token stays in
 * the session only; no page shows it.
 */
public final class ConsoleUser extends DefaultOidcUser {
    private static final long serialVersionUID = 1L;

    private final transient Caller caller;

    ConsoleUser(Collection<? extends GrantedAuthority> authorities, OidcIdToken idToken, String principalClaim, Caller caller) {
        super(authorities, idToken, principalClaim);
        this.caller = Objects.requireNonNull(caller, "caller");
    }

    public Caller caller() {
        return caller;
    }
}

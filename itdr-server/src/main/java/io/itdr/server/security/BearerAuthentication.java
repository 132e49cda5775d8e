package io.itdr.server.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * Authenticates {@code Authorization: Bearer …} by the token's shape: one that starts with
 * {@value ApiTokens#PREFIX} is an itdr API token, looked up by its hash; anything else is tried as
 * an OIDC JWT when a JWT decoder is configured (issuer, JWK set or public key), and refused
 * otherwise. Failures are {@link InvalidBearerTokenException}s (401), whose descriptions must be
 * printable ASCII without quotes (RFC 6750; Spring replaces any other with "Invalid token").
 * Thread-safe.
 */
public final class BearerAuthentication implements AuthenticationManager, AuthenticationManagerResolver<HttpServletRequest> {
    private final ApiTokens tokens;
    private final JwtAuthenticationProvider jwt;

    /** @param jwtDecoder null when no OIDC issuer is configured: only API tokens authenticate */
    public BearerAuthentication(ApiTokens tokens, JwtDecoder jwtDecoder, JwtCallers jwtCallers) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        if (jwtDecoder == null) {
            this.jwt = null;
        } else {
            this.jwt = new JwtAuthenticationProvider(jwtDecoder);
            this.jwt.setJwtAuthenticationConverter(Objects.requireNonNull(jwtCallers, "jwtCallers"));
        }
    }

    @Override
    public AuthenticationManager resolve(HttpServletRequest request) {
        return this;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            throw new InvalidBearerTokenException("only bearer tokens are accepted");
        }
        String token = bearer.getToken();
        if (token.startsWith(ApiTokens.PREFIX)) {
            return tokens.authenticate(token).map(CallerAuthentication::new)
                    .orElseThrow(() -> new InvalidBearerTokenException("unknown, expired or revoked API token"));
        }
        if (jwt == null) {
            throw new InvalidBearerTokenException("not an itdr API token (" + ApiTokens.PREFIX + "...), and this server accepts no JWTs "
                    + "(no spring.security.oauth2.resourceserver.jwt.* is configured)");
        }
        return jwt.authenticate(bearer);
    }
}

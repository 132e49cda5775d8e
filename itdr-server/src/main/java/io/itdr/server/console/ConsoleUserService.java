package io.itdr.server.console;

import io.itdr.server.security.CallerAuthentication;
import io.itdr.server.security.JwtCallers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Turns a verified ID token (Spring Security checked its signature against the issuer's keys, the issuer, audience,
 * nonce and expiry) into a {@link ConsoleUser}: the claims go through the API's own {@link JwtCallers}, so the person is
 * {@code user:<principal claim>} with the same roles and the same checks (no control characters, an expiry) as a
 * bearer JWT. A person without any itdr role signs in but may see nothing (deny by default). Thread-safe.
 */
final class ConsoleUserService implements OAuth2UserService<OidcUserRequest, OidcUser> {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleUserService.class);

    private final OidcUserService delegate = new OidcUserService();
    private final JwtCallers callers;
    private final String principalClaim;

    ConsoleUserService(ConsoleProperties settings) {
        this.callers = new JwtCallers(settings.rolesClaim(), settings.principalClaim());
        this.principalClaim = settings.principalClaim();
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = delegate.loadUser(request);
        OidcIdToken token = user.getIdToken();
        Jwt jwt = Jwt.withTokenValue(token.getTokenValue()).header("alg", "RS256").claims(claims -> claims.putAll(user.getClaims()))
                .build();
        CallerAuthentication authentication;
        try {
            authentication = (CallerAuthentication) callers.convert(jwt);
        } catch (InvalidBearerTokenException e) {
            throw new OAuth2AuthenticationException(new OAuth2Error("invalid_id_token", e.getMessage(), null), e.getMessage());
        }
        LOG.info("console sign-in: {} with roles {}", authentication.caller().actor(), authentication.caller().roles());
        return new ConsoleUser(authentication.getAuthorities(), token, principalClaim, authentication.caller());
    }
}

package io.itdr.server.security;

import io.itdr.core.normalize.Printable;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * Turns a verified OIDC JWT into a {@link Caller}: the person is {@code user:<principal claim>},
 * the roles are read from the roles claim (a list of role names, or one string of names separated
 * by blanks or commas; a dotted name such as {@code realm_access.roles} walks nested objects).
 * Names that are not itdr roles are ignored; a JWT without any itdr role authenticates but may do
 * nothing (deny by default). Thread-safe.
 */
public final class JwtCallers implements Converter<Jwt, AbstractAuthenticationToken> {
    private static final Logger LOG = LoggerFactory.getLogger(JwtCallers.class);

    private final String rolesClaim;
    private final String principalClaim;

    public JwtCallers(String rolesClaim, String principalClaim) {
        this.rolesClaim = Objects.requireNonNull(rolesClaim, "rolesClaim");
        this.principalClaim = Objects.requireNonNull(principalClaim, "principalClaim");
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Object name = claim(jwt.getClaims(), principalClaim);
        if (!(name instanceof String person) || person.isBlank()) {
            throw new InvalidBearerTokenException("the JWT has no '" + principalClaim + "' claim naming the person");
        }
        if (person.length() > 256 || person.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            // the claim becomes the actor of ledger entries and log lines: no line breaks, no escapes, no essays
            throw new InvalidBearerTokenException("the JWT's '" + principalClaim + "' claim holds control characters or is longer "
                    + "than 256 characters");
        }
        if (jwt.getExpiresAt() == null) {
            // a token without exp would be valid forever once leaked
            throw new InvalidBearerTokenException("the JWT has no 'exp' claim; tokens that never expire are refused");
        }
        return new CallerAuthentication(new Caller("user:" + person.strip(), roles(claim(jwt.getClaims(), rolesClaim)), Caller.Via.JWT));
    }

    private static Object claim(Map<String, Object> claims, String path) {
        Object value = claims.get(path);
        if (value != null || !path.contains(".")) {
            return value;
        }
        Object node = claims;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }

    private Set<Role> roles(Object claim) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (claim instanceof Collection<?> names) {
            names.forEach(name -> add(roles, String.valueOf(name)));
        } else if (claim instanceof String names) {
            for (String name : names.split("[\\s,]+")) {
                if (!name.isEmpty()) {
                    add(roles, name);
                }
            }
        }
        return roles;
    }

    private void add(Set<Role> roles, String name) {
        try {
            roles.add(Role.of(name));
        } catch (IllegalArgumentException e) {
            LOG.debug("JWT claim {}: '{}' is not an itdr role, ignored", rolesClaim, Printable.escape(name));
        }
    }
}

package io.itdr.server.api;

import io.itdr.server.security.ApiTokens;
import io.itdr.server.security.Caller;
import io.itdr.server.security.Role;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API tokens for automation (admin only): issue one (its value is in that response and nowhere
 * else, ever), list them (never values or hashes), revoke one.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/tokens")
public class TokensController {
    /**
     * @param expiresIn how long the token lasts: ISO-8601 ({@code P90D}) or short ({@code 90d}, {@code 12h}); absent for no expiry
     */
    public record NewToken(String name, List<String> roles, String expiresIn) {
    }

    /** The issued token: {@code token} is the value to send as {@code Authorization: Bearer …}; it is shown only here. */
    public record Issued(String id, String name, Set<Role> roles, String actor, Instant createdAt, Instant expiresAt, String token) {
    }

    private final ApiTokens tokens;

    public TokensController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    public ResponseEntity<Issued> issue(@RequestBody NewToken body, @AuthenticationPrincipal Caller caller) {
        Set<Role> roles = roles(body.roles());
        Duration expiresIn = expiresIn(body.expiresIn());
        ApiTokens.Issued issued;
        try {
            issued = tokens.issue(body.name() == null ? null : body.name().strip(), roles, expiresIn, caller.actor());
        } catch (ApiTokens.NameInUseException e) {
            throw ApiProblem.conflict("token-name-in-use", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badInput("name", e.getMessage());
        }
        ApiTokens.ApiToken token = issued.token();
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + token.id())).body(new Issued(token.id(), token.name(), token.roles(),
                token.actor(), token.createdAt(), token.expiresAt(), issued.value()));
    }

    @GetMapping
    public List<ApiTokens.ApiToken> tokens() {
        return tokens.list();
    }

    /** Revokes a token; it stops authenticating at once. Revoking a revoked token changes nothing. */
    @DeleteMapping("/{id}")
    public ApiTokens.ApiToken revoke(@PathVariable String id, @AuthenticationPrincipal Caller caller) {
        return tokens.revoke(id, caller.actor()).orElseThrow(() -> ApiProblem.notFound("token", id));
    }

    private static Set<Role> roles(List<String> names) {
        if (names == null || names.isEmpty()) {
            throw ApiProblem.badInput("roles", "at least one of viewer, responder, approver, admin is required");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String name : names) {
            try {
                roles.add(Role.of(name));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badInput("roles", e.getMessage());
            }
        }
        return roles;
    }

    private static Duration expiresIn(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(text.strip());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badInput("expiresIn", "'" + text + "' is not a duration (P90D, 90d, 12h)");
        }
        if (duration.isZero() || duration.isNegative()) {
            throw ApiProblem.badInput("expiresIn", "must be positive, not " + text);
        }
        return duration;
    }
}

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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * API tokens for automation (admin only): issue one to a person (its value is in that response and
 * nowhere else, ever), list them (never values or hashes), revoke one. Issuing and revoking need a
 * reason and are ledgered with the admin as actor.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/tokens")
public class TokensController {
    /**
     * @param principal who the token belongs to ({@code alice} or {@code user:alice}); absent for the issuing admin
     * @param expiresIn how long the token lasts: ISO-8601 ({@code P90D}) or short ({@code 90d}, {@code 12h}); absent for no expiry
     * @param reason    why it is issued (ledgered); required
     * @param connector the one connector an ingest-only token may push to ({@code aws}); absent for any
     */
    public record NewToken(String name, String principal, List<String> roles, String expiresIn, String reason, String connector) {
    }

    /** The issued token: {@code token} is the value to send as {@code Authorization: Bearer …}; it is shown only here. */
    public record Issued(String id, String name, String principal, Set<Role> roles, String actor, Instant createdAt, Instant expiresAt,
                         String connector, String token) {
    }

    public record RevokeBody(String reason) {
    }

    private final ApiTokens tokens;

    public TokensController(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @PostMapping
    public ResponseEntity<Issued> issue(@RequestBody NewToken body, @AuthenticationPrincipal Caller caller) {
        Set<Role> roles = roles(body.roles());
        Duration expiresIn = expiresIn(body.expiresIn());
        String principal;
        try {
            principal = ApiTokens.principalFor(body.principal(), caller.actor());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badInput("principal", e.getMessage());
        }
        String reason = Inputs.reason(body.reason());
        ApiTokens.Issued issued;
        try {
            issued = tokens.issue(body.name() == null ? null : body.name().strip(), principal, roles, expiresIn,
                    body.connector() == null ? null : body.connector().strip(), caller.actor(), reason);
        } catch (ApiTokens.NameInUseException e) {
            throw ApiProblem.conflict("token-name-in-use", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badInput(e.getMessage().contains("connector") ? "connector" : "name", e.getMessage());
        }
        ApiTokens.ApiToken token = issued.token();
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + token.id())).body(new Issued(token.id(), token.name(),
                token.principal(), token.roles(), token.actor(), token.createdAt(), token.expiresAt(), token.connector(), issued.value()));
    }

    @GetMapping
    public List<ApiTokens.ApiToken> tokens() {
        return tokens.list();
    }

    /**
     * Revokes a token, with a reason ({@code ?reason=} or a body {@code {"reason": …}}); it stops
     * authenticating at once. Revoking a revoked token changes nothing.
     */
    @DeleteMapping("/{id}")
    public ApiTokens.ApiToken revoke(@PathVariable String id, @RequestParam(required = false) String reason,
                                     @RequestBody(required = false) RevokeBody body, @AuthenticationPrincipal Caller caller) {
        String why = Inputs.reason(reason != null ? reason : body == null ? null : body.reason());
        return tokens.revoke(id, caller.actor(), why).orElseThrow(() -> ApiProblem.notFound("token", id));
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
        if (text.strip().chars().allMatch(Character::isDigit)) {
            // a bare number would be read as milliseconds: "expiresIn: 1" made a token that expired at once
            throw ApiProblem.badInput("expiresIn", "'" + text + "' has no unit; say P90D, 90d or 12h");
        }
        if (duration.compareTo(ApiTokens.MIN_LIFETIME) < 0 || duration.compareTo(ApiTokens.MAX_LIFETIME) > 0) {
            throw ApiProblem.badInput("expiresIn", "must be between " + ApiTokens.MIN_LIFETIME.toMinutes() + " minute and "
                    + ApiTokens.MAX_LIFETIME.toDays() + " days, not " + text);
        }
        return duration;
    }
}

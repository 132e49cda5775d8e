package io.itdr.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/** How a verified JWT becomes a caller, and how a bearer is routed by its shape. */
class JwtCallersTest {

    private static Jwt jwt(Map<String, Object> claims) {
        return new Jwt("header.payload.signature", Instant.parse("2026-05-01T09:00:00Z"), Instant.parse("2026-05-01T10:00:00Z"),
                Map.of("alg", "RS256"), claims);
    }

    private static Caller caller(JwtCallers callers, Map<String, Object> claims) {
        return ((CallerAuthentication) callers.convert(jwt(claims))).caller();
    }

    @Test
    void rolesComeFromAListAStringOrANestedClaim() {
        JwtCallers plain = new JwtCallers("roles", "sub");
        assertThat(caller(plain, Map.of("sub", "alice", "roles", List.of("approver", "itdr-admins"))).roles()).containsExactly(Role.APPROVER);
        assertThat(caller(plain, Map.of("sub", "alice", "roles", "viewer, responder")).roles())
                .containsExactlyInAnyOrder(Role.VIEWER, Role.RESPONDER);
        JwtCallers keycloak = new JwtCallers("realm_access.roles", "preferred_username");
        Caller bob = caller(keycloak, Map.of("sub", "f81d4fae", "preferred_username", "bob", "realm_access", Map.of("roles", List.of("admin"))));
        assertThat(bob.actor()).isEqualTo("user:bob");
        assertThat(bob.has(Role.VIEWER)).isTrue();
        assertThat(bob.via()).isEqualTo(Caller.Via.JWT);
    }

    @Test
    void aJwtWithoutRolesHasNoneAndOneWithoutAPrincipalIsRefused() {
        JwtCallers callers = new JwtCallers("roles", "sub");
        Caller nobody = caller(callers, Map.of("sub", "erin"));
        assertThat(nobody.roles()).isEmpty();
        assertThat(nobody.has(Role.VIEWER)).isFalse();
        assertThat(new CallerAuthentication(nobody).getAuthorities()).isEmpty();
        assertThatThrownBy(() -> callers.convert(jwt(Map.of("roles", List.of("admin"))))).isInstanceOf(InvalidBearerTokenException.class)
                .hasMessageContaining("'sub'");
    }

    @Test
    void theRoleLadderGrantsEveryLowerRole() {
        CallerAuthentication approver = new CallerAuthentication(new Caller("user:alice", java.util.Set.of(Role.APPROVER), Caller.Via.JWT));
        assertThat(approver.getAuthorities()).extracting(Object::toString)
                .containsExactlyInAnyOrder("ROLE_viewer", "ROLE_responder", "ROLE_approver", "ROLE_ingest");
        CallerAuthentication ingest = new CallerAuthentication(new Caller("ci/token:push", java.util.Set.of(Role.INGEST), Caller.Via.API_TOKEN));
        assertThat(ingest.getAuthorities()).extracting(Object::toString).containsExactly("ROLE_ingest");
    }

    @Test
    void aJwtWithoutExpOrWithControlCharactersInItsSubjectIsRefused() {
        JwtCallers callers = new JwtCallers("roles", "sub");
        Jwt forever = new Jwt("header.payload.signature", Instant.parse("2026-05-01T09:00:00Z"), null, Map.of("alg", "RS256"),
                Map.of("sub", "alice", "roles", List.of("admin")));
        assertThatThrownBy(() -> callers.convert(forever)).isInstanceOf(InvalidBearerTokenException.class).hasMessageContaining("'exp'");
        for (String forged : List.of("alice\r\nERROR forged line", "alice\u001b[31m", "alice\u2028bob", "a".repeat(257))) {
            assertThatThrownBy(() -> callers.convert(jwt(Map.of("sub", forged, "roles", List.of("viewer")))))
                    .as(forged).isInstanceOf(InvalidBearerTokenException.class).hasMessageContaining("'sub'");
        }
    }

    @Test
    void withoutAJwtDecoderOnlyApiTokensAuthenticate() {
        BearerAuthentication bearer = new BearerAuthentication(new ApiTokens(new org.h2.jdbcx.JdbcDataSource(), java.time.Clock.systemUTC(),
                new io.itdr.core.audit.AdminChanges(new io.itdr.core.audit.InMemoryLedger(java.time.Clock.systemUTC()))),
                null, new JwtCallers("roles", "sub"));
        assertThatThrownBy(() -> bearer.authenticate(new BearerTokenAuthenticationToken("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")))
                .isInstanceOf(InvalidBearerTokenException.class).hasMessageContaining("accepts no JWTs");
    }
}

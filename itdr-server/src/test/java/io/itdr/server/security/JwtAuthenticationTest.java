package io.itdr.server.security;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.api.ApiClient;
import io.itdr.server.api.ApiServerTest;
import io.itdr.server.api.TestEstate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * People sign in with OIDC: a JWT signed by the trusted key authenticates as {@code user:<sub>}
 * with the roles of its {@code roles} claim; without an itdr role it may do nothing; a JWT
 * signed by another key, or without a subject, is refused.
 */
class JwtAuthenticationTest extends ApiServerTest {

    @Test
    void aJwtWithRolesActsAsThePerson() {
        ApiClient carol = new ApiClient(port, estate().jwt(Map.of("sub", "carol", "roles", List.of("responder", "not-an-itdr-role"))));
        assertThat(carol.get("/api/v1/findings").status()).isEqualTo(200);
        ApiClient.Response engage = carol.post("/api/v1/automation/kill-switch", json("engaged", false, "reason", "try"));
        assertThat(engage.status()).isEqualTo(403);
        assertThat(engage.json().get("detail").asString()).isEqualTo("releasing the kill switch needs the role admin; you have [responder]");
    }

    @Test
    void rolesMayBeOneString() {
        ApiClient dave = new ApiClient(port, estate().jwt(Map.of("sub", "dave", "roles", "viewer approver")));
        assertThat(dave.get("/api/v1/approvals").status()).isEqualTo(200);
    }

    @Test
    void aJwtWithoutRolesMayDoNothing() {
        ApiClient erin = new ApiClient(port, estate().jwt(Map.of("sub", "erin")));
        for (String path : List.of("/api/v1/findings", "/api/v1/events", "/api/v1/ledger", "/api/v1/openapi", "/actuator/prometheus")) {
            ApiClient.Response response = erin.get(path);
            assertThat(response.status()).as(path).isEqualTo(403);
            assertThat(response.json().get("detail").asString()).as(path).endsWith("you have no itdr role");
        }
        assertThat(erin.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void aJwtFromAnotherIssuerKeyOrWithoutSubjectIsRefused() {
        ApiClient.Response stranger = new ApiClient(port, TestEstate.jwtSignedByStranger(Map.of("sub", "mallory", "roles", List.of("admin"))))
                .get("/api/v1/tokens");
        assertThat(stranger.status()).isEqualTo(401);
        assertThat(stranger.header("WWW-Authenticate")).contains("invalid_token");
        ApiClient.Response nobody = new ApiClient(port, estate().jwt(Map.of("roles", List.of("admin")))).get("/api/v1/tokens");
        assertThat(nobody.status()).isEqualTo(401);
        assertThat(nobody.json().get("detail").asString()).contains("no 'sub' claim");
        assertThat(new ApiClient(port, "not-a-jwt").get("/api/v1/tokens").status()).isEqualTo(401);
    }
}

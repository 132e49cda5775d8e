package io.itdr.server.security;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.api.ApiClient;
import io.itdr.server.api.ApiServerTest;
import io.itdr.server.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * API tokens over HTTP: the value is shown once and stored only as its SHA-256; a revoked or an
 * expired token, or one never issued, is refused with 401 and the same words.
 */
class ApiTokenAuthenticationTest extends ApiServerTest {

    @Test
    void aTokenIsShownOnceAndStoredOnlyAsItsHash() throws SQLException {
        ApiClient.Response issued = admin().post("/api/v1/tokens", json("name", "ci-deployer", "principal", "carol",
                "roles", List.of("responder"), "expiresIn", "P30D", "reason", "the deploy pipeline contains leaks"));
        assertThat(issued.status()).as(issued.toString()).isEqualTo(201);
        JsonNode body = issued.json();
        String token = body.get("token").asString();
        String id = body.get("id").asString();
        assertThat(token).startsWith("itdr_").hasSize(48);
        assertThat(body.get("actor").asString()).isEqualTo("user:carol/token:ci-deployer");
        assertThat(body.get("principal").asString()).isEqualTo("user:carol");
        assertThat(body.get("roles").valueStream().map(JsonNode::asString)).containsExactly("responder");
        assertThat(Duration.between(Instant.parse(body.get("createdAt").asString()), Instant.parse(body.get("expiresAt").asString())))
                .isEqualTo(Duration.ofDays(30));
        assertThat(issued.header("Location")).isEqualTo("/api/v1/tokens/" + id);

        List<String> columns = row(id);
        assertThat(columns).doesNotContain(token).contains(ApiTokens.sha256(token));
        assertThat(columns.stream().filter(c -> c != null && c.contains(token.substring(5)))).isEmpty();

        ApiClient.Response listed = admin().get("/api/v1/tokens");
        assertThat(listed.body()).doesNotContain(token).doesNotContain(ApiTokens.sha256(token));
        JsonNode entry = listed.json().valueStream().filter(t -> t.get("id").asString().equals(id)).findFirst().orElseThrow();
        assertThat(entry.has("token")).isFalse();
        assertThat(entry.get("createdBy").asString()).isEqualTo("system:bootstrap/token:" + io.itdr.server.security.BootstrapToken.NAME);
        assertThat(entry.get("principal").asString()).isEqualTo("user:carol");

        ApiClient ci = new ApiClient(port, token);
        assertThat(ci.get("/api/v1/findings").status()).isEqualTo(200);
        assertThat(admin().get("/api/v1/tokens").json().valueStream().filter(t -> t.get("id").asString().equals(id))
                .findFirst().orElseThrow().get("lastUsedAt").isNull()).isFalse();

        ApiClient.Response duplicate = admin().post("/api/v1/tokens", json("name", "ci-deployer", "roles", List.of("viewer"),
                "reason", "again"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().get("type").asString()).isEqualTo("urn:itdr:problem:token-name-in-use");
    }

    @Test
    void aRevokedTokenNoLongerAuthenticates() {
        ApiClient.Response issued = admin().post("/api/v1/tokens", json("name", "short-lived-job", "roles", List.of("viewer"),
                "reason", "a one-off export"));
        ApiClient job = new ApiClient(port, issued.json().get("token").asString());
        assertThat(job.get("/api/v1/events").status()).isEqualTo(200);
        String id = issued.json().get("id").asString();

        ApiClient.Response noReason = admin().delete("/api/v1/tokens/" + id);
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("field").asString()).isEqualTo("reason");
        ApiClient.Response revoked = admin().delete("/api/v1/tokens/" + id + "?reason=export%20done");
        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().get("revokedAt").isNull()).isFalse();

        ApiClient.Response refused = job.get("/api/v1/events");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("detail").asString()).contains("unknown, expired or revoked API token");
        assertThat(refused.body()).doesNotContain(issued.json().get("token").asString());
        assertThat(refused.header("WWW-Authenticate")).contains("invalid_token");
    }

    @Test
    void anExpiredTokenAndANeverIssuedOneAreRefusedAlike() throws SQLException {
        String token = "itdr_expired-token-for-the-api-test-000000000001";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO api_tokens (id, name, principal, token_hash, roles, "
                     + "created_by, created_at, expires_at) VALUES ('tok-expired-test', 'expired-test', 'user:test', ?, 'admin', 'test', ?, ?)")) {
            insert.setString(1, ApiTokens.sha256(token));
            Sql.setInstant(insert, 2, Instant.now().minus(Duration.ofDays(2)));
            Sql.setInstant(insert, 3, Instant.now().minus(Duration.ofDays(1)));
            insert.executeUpdate();
        }
        ApiClient.Response expired = new ApiClient(port, token).get("/api/v1/tokens");
        ApiClient.Response unknown = new ApiClient(port, "itdr_never-issued-token-000000000000000000000001").get("/api/v1/tokens");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(expired.json().get("detail")).isEqualTo(unknown.json().get("detail"));
        assertThat(new ApiClient(port, "itdr_short").get("/api/v1/tokens").status()).isEqualTo(401);
    }

    @Test
    void issuingAndRevokingAreLedgeredWithTheAdminAndTheReason() {
        ApiClient.Response issued = admin().post("/api/v1/tokens", json("name", "dave-cli", "principal", "user:dave",
                "roles", List.of("approver"), "reason", "dave joins the on-call rota"));
        String id = issued.json().get("id").asString();
        admin().delete("/api/v1/tokens/" + id + "?reason=dave%20left%20the%20rota");

        List<JsonNode> entries = ledger().stream().filter(e -> id.equals(e.get("evidence").path("token.id").asString(null))).toList();
        assertThat(entries).extracting(e -> e.get("kind").asString()).containsExactly("admin.token_issued", "admin.token_revoked");
        assertThat(entries).allSatisfy(e -> assertThat(e.get("actor").asString())
                .isEqualTo("system:bootstrap/token:" + io.itdr.server.security.BootstrapToken.NAME));
        assertThat(entries.get(0).get("evidence").get("token.principal").asString()).isEqualTo("user:dave");
        assertThat(entries.get(0).get("evidence").get("reason").asString()).isEqualTo("dave joins the on-call rota");
        assertThat(entries.get(1).get("evidence").get("reason").asString()).isEqualTo("dave left the rota");
        assertThat(entries.toString()).doesNotContain(issued.json().get("token").asString());
    }

    @Test
    void tokenRequestsNameWhatIsWrong() {
        assertThat(admin().post("/api/v1/tokens", json("name", "x", "roles", List.of("root"), "reason", "r")).json().get("field").asString())
                .isEqualTo("roles");
        assertThat(admin().post("/api/v1/tokens", json("name", "has spaces", "roles", List.of("viewer"), "reason", "r")).json().get("field").asString())
                .isEqualTo("name");
        ApiClient.Response expiry = admin().post("/api/v1/tokens", json("name", "x", "roles", List.of("viewer"), "expiresIn", "soon", "reason", "r"));
        assertThat(expiry.status()).isEqualTo(400);
        assertThat(expiry.json().get("field").asString()).isEqualTo("expiresIn");
        assertThat(admin().post("/api/v1/tokens", json("name", "x", "roles", List.of("viewer"))).json().get("field").asString())
                .isEqualTo("reason");
        assertThat(admin().post("/api/v1/tokens", json("name", "x", "principal", "a/token:b", "roles", List.of("viewer"), "reason", "r"))
                .json().get("field").asString()).isEqualTo("principal");
    }

    private List<String> row(String id) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT * FROM api_tokens WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                assertThat(rows.next()).isTrue();
                List<String> values = new ArrayList<>();
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    values.add(rows.getString(column));
                }
                return values;
            }
        }
    }
}

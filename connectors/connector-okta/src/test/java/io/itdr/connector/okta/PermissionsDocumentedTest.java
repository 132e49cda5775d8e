package io.itdr.connector.okta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The README's permission table shows exactly {@code permissions.json}; the recording check bites. */
class PermissionsDocumentedTest {
    @Test
    void theReadmeTableShowsEveryDocumentedRequestWithItsScope() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> scopes = new TreeSet<>();
        int rows = 0;
        for (JsonNode r : DocumentedPermissions.file().path("requests")) {
            String scope = r.get("scope").isNull() ? "—" : "`" + r.get("scope").asText() + "`";
            assertThat(readme).contains("| " + r.get("method").asText() + " | `" + r.get("path").asText() + "` | " + scope + " | "
                    + r.get("use").asText() + " | " + r.get("why").asText() + " |");
            if (!r.get("scope").isNull()) {
                scopes.add(r.get("scope").asText());
            }
            rows++;
        }
        assertThat(readme.lines().filter(l -> l.matches("\\| (GET|POST|DELETE|PUT) \\|.*"))).hasSize(rows);
        // the scopes the connector asks for by default are exactly the documented ones
        assertThat(new TreeSet<>(Set.of(OktaSettings.DEFAULT_SCOPES.split(",")))).isEqualTo(scopes);
    }

    @Test
    void aRequestTheFileDoesNotDocumentFailsTheRecordingCheck() {
        assertThat(DocumentedPermissions.match("POST /api/v1/apps/0oa1/lifecycle/deactivate").get("scope").asText()).isEqualTo("okta.apps.manage");
        assertThat(DocumentedPermissions.match("GET /api/v1/logs").get("scope").asText()).isEqualTo("okta.logs.read");
        assertThat(DocumentedPermissions.match("DELETE /api/v1/users/00u1")).isNull();
        assertThatThrownBy(() -> DocumentedPermissions.assertAllowed(Set.of("GET /api/v1/logs", "DELETE /api/v1/users/00u1")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("DELETE /api/v1/users/00u1");
    }
}

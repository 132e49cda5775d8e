package io.itdr.connector.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README shows exactly {@code permissions.json}, and the recording check of
 * {@link DocumentedPermissions} (run after the connector test kit and the trail delivery tests)
 * bites on an action the file does not allow.
 */
class PermissionsDocumentedTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- permissions\\.json: (\\w+) -->\\s*```json\\n(.*?)\\n```", Pattern.DOTALL);

    @Test
    void theReadmeShowsEveryPolicyOfThePermissionsFileExactly() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        JsonNode file = DocumentedPermissions.file();
        ObjectMapper json = new ObjectMapper();
        Matcher m = BLOCK.matcher(readme);
        int shown = 0;
        while (m.find()) {
            assertThat(json.readTree(m.group(2))).as("README block '" + m.group(1) + "' against permissions.json").isEqualTo(file.get(m.group(1)));
            shown++;
        }
        assertThat(shown).as("policies shown in the README").isEqualTo(3);
        for (String document : List.of("reading", "acting", "assuming")) {
            assertThat(file.get(document).get("Version").asText()).isEqualTo("2012-10-17");
            file.get(document).get("Statement").forEach(s -> {
                assertThat(s.get("Effect").asText()).isEqualTo("Allow");
                assertThat(s.get("Action")).isNotEmpty();
                s.get("Action").forEach(a -> assertThat(a.asText()).matches("[a-z0-9]+:[A-Za-z]+").doesNotContain("*"));
            });
        }
    }

    @Test
    void anActionTheFileDoesNotAllowFailsTheRecordingCheck() {
        assertThat(DocumentedPermissions.allowed()).contains("iam:UpdateAccessKey", "s3:GetObject", "sqs:DeleteMessage")
                .doesNotContain("iam:DeleteAccessKey", "iam:DeleteUser");
        assertThatThrownBy(() -> DocumentedPermissions.assertAllowed(Set.of("iam:UpdateAccessKey", "iam:DeleteAccessKey")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("iam:DeleteAccessKey");
        assertThatThrownBy(() -> DocumentedPermissions.assertAllowed(Set.of("unmapped: PUT /x"))).isInstanceOf(AssertionError.class);
    }
}

package io.itdr.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.rules.sigma.SigmaRules;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code itdr.rules.dirs}: the server runs the rules that load and refuses the others. */
class RulesConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void loadsTheFoldersRefusingWhatCannotRun() throws IOException {
        Files.writeString(dir.resolve("ok.yml"), """
                title: Trail deleted
                logsource: {product: aws, service: cloudtrail}
                detection:
                  s: {eventName: DeleteTrail}
                  condition: s
                """);
        Files.writeString(dir.resolve("bad.yml"), """
                title: Windows
                logsource: {product: windows, category: process_creation}
                detection:
                  s: {Image|endswith: '\\\\cmd.exe'}
                  condition: s
                """);
        SigmaRules rules = new RulesConfiguration().sigmaRules(List.of(dir));
        assertThat(rules.rules()).extracting(r -> r.id()).containsExactly("trail-deleted");
        assertThat(rules.refused()).singleElement().satisfies(r -> assertThat(r.reason()).contains("category 'process_creation'"));
        assertThat(new RulesConfiguration().sigmaRules(List.<Path>of()).rules()).isEmpty();
        assertThat(new RulesConfiguration().sigmaRules("").rules()).as("the property unset").isEmpty();
        assertThat(new RulesConfiguration().sigmaRules(" " + dir + " ,").rules()).hasSize(1);
        assertThatThrownBy(() -> new RulesConfiguration().sigmaRules(List.of(dir.resolve("none"))))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("none: no such rule file or folder");
    }
}

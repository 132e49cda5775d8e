package io.itdr.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.core.rules.sigma.SigmaRule;
import io.itdr.core.rules.sigma.SigmaRuleLoader;
import io.itdr.core.rules.sigma.SigmaRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The shipped NHI rule pack ({@code rules/nhi} at the top of the repository): every rule loads,
 * carries an ATT&amp;CK technique and an OWASP NHI Top 10 item, fires on a real record and stays
 * quiet on a near-miss. The cases are in {@code nhi-rule-pack-cases.json}, each naming its
 * source: a record of the labelled corpus ({@code ../shared/corpus}, records written by
 * panther-labs/panther-analysis tests and DataDog/stratus-red-team detonations, Apache-2.0) or a
 * record shaped on the vendor's documentation page it names.
 */
class NhiRulePackTest {
    private static final Path PACK = Path.of("..", "rules", "nhi");
    private static final ObjectMapper JSON = new ObjectMapper();

    static SigmaRules pack() {
        return new SigmaRuleLoader().load(List.of(PACK));
    }

    static JsonNode cases() throws IOException {
        try (InputStream in = NhiRulePackTest.class.getResourceAsStream("nhi-rule-pack-cases.json")) {
            return JSON.readTree(in);
        }
    }

    @Test
    void everyRuleLoadsAndIsTaggedWithItsTechniqueAndOwaspItem() throws IOException {
        SigmaRules pack = pack();
        long files;
        try (Stream<Path> walk = Files.walk(PACK)) {
            files = walk.filter(p -> p.toString().endsWith(".yml")).count();
        }
        assertThat(pack.refused()).as("refused rules").isEmpty();
        assertThat(pack.rules()).hasSize((int) files);
        assertThat(pack.rules()).allSatisfy(rule -> {
            assertThat(rule.active()).as("%s reads a log this distribution has", rule.file()).isTrue();
            assertThat(rule.frameworkTags()).as("%s ATT&CK technique", rule.file()).anyMatch(t -> t.matches("T\\d{4}(\\.\\d{3})?"));
            assertThat(rule.otherTags()).as("%s OWASP NHI item", rule.file()).anyMatch(t -> t.matches("owasp\\.nhi([1-9]|10)"));
        });
    }

    @Test
    void everyRuleHasACase() throws IOException {
        Set<String> covered = new HashSet<>();
        cases().forEach(c -> covered.add(c.get("rule").asText()));
        assertThat(pack().rules()).allSatisfy(rule -> assertThat(covered).contains(relative(rule)));
    }

    @TestFactory
    List<DynamicTest> eachRuleFiresOnItsRealRecordAndNotOnTheNearMiss() throws IOException {
        List<SigmaRule> rules = pack().rules();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases()) {
            String file = c.get("rule").asText();
            tests.add(DynamicTest.dynamicTest(file + " — " + c.get("source").asText(), () -> {
                SigmaRule rule = rules.stream().filter(r -> relative(r).equals(file)).findFirst().orElseThrow();
                assertThat(rule.matchesRecord(rule.platform(), c.get("record"))).as("fires on %s", c.get("source").asText()).isTrue();
                assertThat(rule.matchesRecord(rule.platform(), c.get("nearMiss")))
                        .as("near-miss: %s", c.get("nearMissWhy").asText()).isFalse();
            }));
        }
        return tests;
    }

    private static String relative(SigmaRule rule) {
        String f = rule.file().replace('\\', '/');
        return f.substring(f.indexOf("rules/nhi/") + "rules/nhi/".length());
    }
}

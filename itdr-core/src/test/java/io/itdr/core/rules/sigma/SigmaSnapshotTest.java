package io.itdr.core.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The SigmaHQ community rules for the platforms itdr covers load (at least 95%). The snapshot is
 * not part of the repository: it is looked for at {@code ../shared/sigma/rules} beside the
 * repository's root (where CI and the development machines keep it, with the corpus), or where
 * the system property {@code itdr.shared} points.
 */
class SigmaSnapshotTest {

    /** {@code <repo>/../shared}, or the {@code itdr.shared} property; null when absent. */
    static Path shared() {
        String property = System.getProperty("itdr.shared");
        if (property != null) {
            return Path.of(property);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir == null || dir.getParent() == null ? null : dir.getParent().resolve("shared");
    }

    @Test
    void atLeast95PercentOfTheSnapshotLoadAndEveryRefusalSaysWhere() {
        Path shared = shared();
        Path rules = shared == null ? null : shared.resolve("sigma/rules");
        assumeTrue(rules != null && Files.isDirectory(rules),
                "assumes the SigmaHQ snapshot at <repo>/../shared/sigma/rules (or -Ditdr.shared=DIR); not found, so not checked");
        SigmaRules loaded = new SigmaRuleLoader().load(List.of(rules));
        Map<String, Integer> reasons = new TreeMap<>();
        for (RuleRefusal r : loaded.refused()) {
            System.out.println("refused " + r);
            reasons.merge(r.reason().replaceAll("'[^']*'", "'…'"), 1, Integer::sum);
            assertThat(r.file()).endsWith(".yml");
        }
        System.out.println("loaded " + loaded.rules().size() + " of " + loaded.files() + " (" + loaded.active() + " active); " + reasons);
        assertThat(loaded.files()).isGreaterThan(200);
        assertThat(loaded.rules().size()).isGreaterThanOrEqualTo((int) Math.ceil(loaded.files() * 0.95));
    }
}

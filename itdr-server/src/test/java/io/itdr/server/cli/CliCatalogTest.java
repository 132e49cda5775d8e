package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code itdr catalog validate}: the catalog format of docs/OPERATIONS.md, checked before a server or replay uses it. */
class CliCatalogTest {
    @TempDir
    Path dir;

    @Test
    void aValidCatalogIsSummarised() throws IOException {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                identities:
                  - match: "arn:aws:iam::111122223333:role/payments-*"
                    platform: aws
                    owner: team-payments
                    criticality: tier0
                    expected_sources:
                      cidrs: [10.20.0.0/16]
                      asns: [16509]
                  - match: "arn:aws:iam::111122223333:user/ci"
                    consumers: [ci-runner]
                """);

        CliRun run = CliRun.of("catalog", "validate", catalog.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("catalog.yaml: valid — 2 entries (1 exact ids, 1 patterns), 1 with an owner");
    }

    @Test
    void everyProblemIsNamedWithFileLineAndField() throws IOException {
        Path catalog = Files.writeString(dir.resolve("bad.yaml"), """
                identities:
                  - match: "arn:aws:iam::1:role/a"
                    criticality: tier9
                    expected_sources:
                      cidrs: [10.20.0.1/16]
                  - owner: nobody
                """);

        CliRun run = CliRun.of("catalog", "validate", catalog.toString(), dir.resolve("absent.yaml").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.err()).contains("bad.yaml:3", "criticality", "tier9", "bad.yaml:5", "cidrs", "bad.yaml:6", "match",
                "absent.yaml: cannot read");
    }
}

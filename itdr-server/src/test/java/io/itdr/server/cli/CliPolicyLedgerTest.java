package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliPolicyLedgerTest {

    /** Three rules, each wrong in another way, plus one CEL syntax error; line numbers matter. */
    private static final String BROKEN_POLICY = """
            name: broken
            version: "1"
            mode: shadow
            rules:
              - id: bad-cel-type
                when: finding.confidence >= 'high'
                rung: notify
              - id: unknown-rung
                when: finding.detector == 'token_replay'
                rung: nuke_everything
              - id: no-condition
                rung: notify
              - id: bad-cel-syntax
                when: finding.detector ==
                rung: notify
            """;

    @TempDir
    Path dir;

    private Path defaultPolicy() throws IOException {
        Path file = dir.resolve("default-policy.yaml");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            assertThat(in).as("the shipped default policy on the class path").isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    private Path brokenPolicy() throws IOException {
        return Files.writeString(dir.resolve("broken.yaml"), BROKEN_POLICY, StandardCharsets.UTF_8);
    }

    @Test
    void shippedDefaultPolicyIsValid() throws IOException {
        Path policy = defaultPolicy();

        CliRun run = CliRun.of("policy", "validate", policy.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).startsWith(policy + ": valid — itdr-default 1.0.0,").contains("mode shadow", "sha256 ");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void invalidPolicyListsEveryProblemAsFileLineColumnPathReason() throws IOException {
        Path policy = brokenPolicy();

        CliRun run = CliRun.of("policy", "validate", policy.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.out()).isEmpty();
        List<String> lines = run.err().lines().toList();
        assertThat(lines).hasSize(4);
        // line 6: `    when: finding.confidence >= 'high'`: the value starts at column 11, `>=` at 30
        assertThat(lines.get(0)).startsWith(policy + ":6:30: rules[0].when: CEL: found no matching overload for '_>=_'");
        // line 10: `    rung: nuke_everything`
        assertThat(lines.get(1)).startsWith(policy + ":10:11: rules[1].rung: expected a rung: observe, notify")
                .endsWith("found 'nuke_everything'");
        // line 11: the rule without `when` starts at its `- ` item (column 5)
        assertThat(lines.get(2)).isEqualTo(policy + ":11:5: rules[2].when: missing required key 'when'");
        // line 14: `    when: finding.detector ==`: the expression ends at column 30
        assertThat(lines.get(3)).startsWith(policy + ":14:30: rules[3].when: CEL: mismatched input '<EOF>'");
    }

    @Test
    void missingPolicyFileIsUnreadable() {
        Path missing = dir.resolve("missing.yaml");

        CliRun run = CliRun.of("policy", "validate", missing.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(run.err()).contains(missing + ": cannot read: no such readable file");
    }

    @Test
    void validAndInvalidTogetherIsInvalidAndStillReportsTheValidOne() throws IOException {
        Path valid = defaultPolicy();
        Path broken = brokenPolicy();

        CliRun run = CliRun.of("policy", "validate", valid.toString(), broken.toString(), dir.resolve("missing.yaml").toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.out()).contains(valid + ": valid");
        assertThat(run.err()).contains(broken + ":10:11: rules[1].rung:", "missing.yaml: cannot read");
    }

    @Test
    void replayLedgerVerifiesIntactAndATamperedFieldIsNamed() throws IOException {
        Path events = NormalizedEvents.write(dir.resolve("events.jsonl"), List.of(
                NormalizedEvents.apiCall("e-1", "2026-10-01T10:00:00Z", "arn:aws:iam::1:user/a"),
                NormalizedEvents.platformFinding("e-2", "2026-10-01T10:05:00Z", "arn:aws:iam::1:user/a"),
                NormalizedEvents.platformFinding("e-3", "2026-10-01T10:06:00Z", "arn:aws:iam::1:user/b")));
        Path ledger = dir.resolve("ledger.jsonl");

        CliRun replay = CliRun.of("replay", "--events", events.toString(), "--ledger", ledger.toString(), "--format", "json");
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        long entries = replay.json().at("/ledger/entries").asLong();
        List<String> lines = Files.readAllLines(ledger, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) entries).hasSizeGreaterThanOrEqualTo(4);

        CliRun intact = CliRun.of("ledger", "verify", ledger.toString());
        assertThat(intact.exitCode()).as(intact.toString()).isEqualTo(ExitCode.OK);
        assertThat(intact.out()).isEqualTo(ledger + ": intact, " + entries + " entries" + System.lineSeparator());

        // Change one character of the result of entry 3; its hash no longer matches.
        String line = lines.get(2);
        int result = line.indexOf("\"result\":\"") + "\"result\":\"".length();
        assertThat(result).as("entry 3 has a result: " + line).isGreaterThan("\"result\":\"".length());
        char c = line.charAt(result);
        lines.set(2, line.substring(0, result) + (c == 'X' ? 'Y' : 'X') + line.substring(result + 1));
        Files.write(ledger, lines, StandardCharsets.UTF_8);

        CliRun broken = CliRun.of("ledger", "verify", ledger.toString());
        assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(broken.out()).isEmpty();
        assertThat(broken.err()).startsWith(ledger + ": BROKEN at entry 3 (2 entries checked)").contains("line 3");
    }

    @Test
    void missingLedgerIsUnreadable() {
        Path missing = dir.resolve("nope.jsonl");

        CliRun run = CliRun.of("ledger", "verify", missing.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(run.err()).contains(missing + ": no such readable file");
    }

    @Test
    void garbageIsABrokenLedgerNotACrash() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.jsonl"), new byte[]{'{', (byte) 0xff, (byte) 0xfe, '\n'});

        CliRun run = CliRun.of("ledger", "verify", garbage.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.err()).contains("BROKEN at entry 1", "line 1");
    }
}

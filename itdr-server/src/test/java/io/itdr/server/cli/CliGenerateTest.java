package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.generate.EstateGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code itdr generate} with its defaults (300 identities, 14 days, seed 7), replayed with its
 * catalog and labels through the default policy: the end-to-end acceptance of the shipped
 * detectors, policy and guardrails. One generate and one replay, shared by the tests.
 */
class CliGenerateTest {
    private static final List<String> FILES = List.of("events.jsonl", "catalog.yaml", "labels.jsonl");
    private static final List<String> GUARDRAILS = List.of("unknown_owner", "no_rollback_path", "shared_identity",
            "unmapped_token", "business_critical", "irreversible_action", "budget_exhausted");

    @TempDir
    static Path dir;

    private static Path estate;
    private static CliRun generate;
    private static CliRun replay;
    private static JsonNode report;

    @BeforeAll
    static void generateAndReplayTheDefaultEstate() {
        estate = dir.resolve("estate");
        generate = CliRun.of("generate", "--out", estate.toString());
        replay = CliRun.of("replay", "--events", estate.resolve("events.jsonl").toString(),
                "--catalog", estate.resolve("catalog.yaml").toString(),
                "--labels", estate.resolve("labels.jsonl").toString(),
                "--ledger", dir.resolve("ledger.jsonl").toString(),
                "--format", "json");
        report = replay.exitCode() == ExitCode.OK ? replay.json() : null;
    }

    @Test
    void generateWritesTheThreeFilesWithItsDefaults() {
        assertThat(generate.exitCode()).as(generate.toString()).isEqualTo(ExitCode.OK);
        assertThat(generate.out()).contains("for 300 identities over 14 days", "Replay it:");
        for (String file : FILES) {
            assertThat(estate.resolve(file)).isNotEmptyFile();
        }
    }

    @Test
    void replayAcceptsEveryGeneratedEvent() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        assertThat(report.at("/events/rejected").asLong()).isZero();
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(report.at("/events/read").asLong()).isPositive();
        assertThat(report.get("rejections")).isEmpty();
    }

    @Test
    void everyAttackFamilyIsDetectedAndNoBenignIdentityIsDisrupted() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        JsonNode evaluation = report.get("evaluation");
        JsonNode families = evaluation.get("families");
        List<String> names = new ArrayList<>();
        families.fieldNames().forEachRemaining(names::add);
        // every family the generator injects is in the labels, so none can silently drop out
        assertThat(names).containsExactlyInAnyOrderElementsOf(EstateGenerator.FAMILIES);
        for (String family : names) {
            JsonNode f = families.get(family);
            assertThat(f.get("malicious_events").asLong()).as(family).isPositive();
            assertThat(f.get("recall").asDouble()).as(family + ": " + f).isEqualTo(1.0);
        }
        assertThat(evaluation.at("/overall/recall").asDouble()).isEqualTo(1.0);
        assertThat(evaluation.at("/overall/fn").asLong()).isZero();
        assertThat(evaluation.get("disruptive_on_benign").asLong()).isZero();
    }

    @Test
    void everyBuiltInGuardrailFiresAtLeastOnce() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        JsonNode guardrails = report.get("guardrails");
        for (String guardrail : GUARDRAILS) {
            assertThat(guardrails.path(guardrail).asLong()).as(guardrail + " in " + guardrails).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theReplaysLedgerVerifies() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);

        CliRun verify = CliRun.of("ledger", "verify", dir.resolve("ledger.jsonl").toString());

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.OK);
        assertThat(verify.out()).contains("intact, " + report.at("/ledger/entries").asLong() + " entries");
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
        // the smallest estate keeps this quick; determinism does not depend on size
        Map<String, String> first = sha256s(generateSmallest("seed-7a", 7));
        Map<String, String> again = sha256s(generateSmallest("seed-7b", 7));
        Map<String, String> other = sha256s(generateSmallest("seed-8", 8));

        assertThat(again).isEqualTo(first);
        assertThat(other.get("events.jsonl")).isNotEqualTo(first.get("events.jsonl"));
        assertThat(other.get("labels.jsonl")).isNotEqualTo(first.get("labels.jsonl"));
    }

    private static Path generateSmallest(String name, long seed) {
        Path out = dir.resolve(name);
        CliRun run = CliRun.of("generate", "--out", out.toString(), "--identities", String.valueOf(EstateGenerator.MIN_IDENTITIES),
                "--days", String.valueOf(EstateGenerator.MIN_DAYS), "--seed", String.valueOf(seed));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        return out;
    }

    private static Map<String, String> sha256s(Path estateDir) throws IOException {
        Map<String, String> sums = new LinkedHashMap<>();
        for (String file : FILES) {
            sums.put(file, sha256(Files.readAllBytes(estateDir.resolve(file))));
        }
        return sums;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

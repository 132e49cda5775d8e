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
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code itdr generate} with its defaults (300 identities, 14 days, seed 7), replayed with its
 * catalog and labels through the default policy: the figures README gives for the shipped
 * detectors, policy and guardrails on it. One generate and one replay, shared by the tests.
 */
class CliGenerateTest {
    private static final List<String> FILES = List.of("events.jsonl", "catalog.yaml", "labels.jsonl");
    private static final List<String> GUARDRAILS = List.of("unknown_owner", "no_rollback_path", "shared_identity",
            "unmapped_token", "business_critical", "irreversible_action", "budget_exhausted", "incident_contained");

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
    void everyAttackFamilyIsInTheLabels() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        JsonNode families = report.at("/evaluation/families");
        List<String> names = new ArrayList<>();
        families.fieldNames().forEachRemaining(names::add);
        // every family the generator injects is in the labels, so none can silently drop out
        assertThat(names).containsExactlyInAnyOrderElementsOf(EstateGenerator.FAMILIES);
        names.forEach(family -> assertThat(families.at("/" + family + "/malicious_events").asLong()).as(family).isPositive());
    }

    /**
     * The figures README's "What the replay shows" gives, measured with the detectors and policy of
     * this revision: an estate that does not flatter the detectors shows what they miss (stolen
     * long-term keys, a dormant key's first call) and what they take for attacks (one instance's
     * calls through a NAT gateway, a VPC endpoint and S3 on its behalf; CI jobs from new runners).
     * A change to a detector or to the policy changes them: measure again and update both.
     */
    @Test
    void theReplayGivesTheFiguresInTheReadme() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        assertThat(report.at("/events/read").asLong()).isEqualTo(79_510);
        JsonNode evaluation = report.get("evaluation");
        assertThat(counts(report.get("findings"))).isEqualTo(Map.of("token_replay", 9L, "new_source", 124L,
                "impossible_travel", 3L, "dormant_reactivated", 1L, "privilege_change_then_use", 4L, "platform_finding", 1L,
                "nhi_behaviour", 3L));
        Map<String, String> recall = new TreeMap<>();
        evaluation.get("families").fields().forEachRemaining(f -> recall.put(f.getKey(),
                f.getValue().get("detected").asLong() + "/" + f.getValue().get("malicious_events").asLong()));
        assertThat(recall).isEqualTo(Map.of("token_replay", "8/19", "access_key_theft", "8/16", "impossible_travel", "2/2",
                "dormant_reactivated", "1/2", "privilege_change_then_use", "2/2", "outside_workload", "2/2", "platform_finding", "2/2",
                "impersonation_chain", "3/5"));
        Map<String, String> precision = new TreeMap<>();
        report.get("findings").fieldNames().forEachRemaining(d -> precision.put(d, evaluation.at("/" + d + "/tp").asLong() + "/"
                + (evaluation.at("/" + d + "/tp").asLong() + evaluation.at("/" + d + "/fp").asLong())));
        assertThat(precision).isEqualTo(Map.of("token_replay", "9/9", "new_source", "18/124", "impossible_travel", "3/3",
                "dormant_reactivated", "1/1", "privilege_change_then_use", "2/4", "platform_finding", "1/1",
                "nhi_behaviour", "3/3"));
        assertThat(evaluation.get("disruptive_on_benign").asLong()).isZero();
        assertThat(counts(report.get("decisions"))).isEqualTo(Map.of("quarantine_session", 7L, "hold", 3L, "notify", 115L,
                "monitor", 19L, "observe", 1L));
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new TreeMap<>();
        node.fields().forEachRemaining(f -> counts.put(f.getKey(), f.getValue().asLong()));
        return counts;
    }

    /**
     * The guardrails that hold on this estate (README). Those that held on the earlier, flattering
     * estate and do not here (unknown_owner, no_rollback_path, shared_identity, unmapped_token, irreversible_action)
     * guard identities whose attacks today's detectors miss or only notify on: a stolen long-term
     * key, an Okta client secret. Each guardrail keeps its own tests in itdr-core.
     */
    @Test
    void theGuardrailsOfTheReadmeHold() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);
        assertThat(counts(report.get("guardrails"))).isEqualTo(Map.of("business_critical", 1L, "incident_contained", 2L));
        assertThat(GUARDRAILS).containsAll(counts(report.get("guardrails")).keySet());
    }

    @Test
    void theReplaysLedgerVerifies() {
        assertThat(replay.exitCode()).as(replay.toString()).isEqualTo(ExitCode.OK);

        CliRun verify = CliRun.of("ledger", "verify", dir.resolve("ledger.jsonl").toString());

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(ExitCode.OK);
        assertThat(verify.out()).contains(String.format("intact, %,d entries", report.at("/ledger/entries").asLong()));
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

package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.generate.RawEstateWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code itdr generate --raw} on the default estate: the CloudTrail log file and the Okta System
 * Log it writes, read back by the real connectors' normalizers (plus the other platforms' events,
 * normalized), give the findings of replaying {@code events.jsonl}, detector by detector and
 * identity by identity, except what the platforms' records cannot carry: CloudTrail has no
 * location, so impossible travel on AWS identities is not seen without a GeoIP resolver.
 */
class CliGenerateRawTest {
    @TempDir
    static Path dir;

    private static Path estate;
    private static CliRun generate;
    private static JsonNode normalized;
    private static JsonNode raw;

    @BeforeAll
    static void generateAndReplayBothRenderings() {
        estate = dir.resolve("estate");
        generate = CliRun.of("generate", "--out", estate.toString(), "--raw");
        CliRun n = CliRun.of("replay", "--events", estate.resolve("events.jsonl").toString(),
                "--catalog", estate.resolve("catalog.yaml").toString(), "--labels", estate.resolve("labels.jsonl").toString(),
                "--format", "json");
        Path r = estate.resolve("raw");
        CliRun p = CliRun.of("replay", "--source", "aws", "--events", r.resolve(RawEstateWriter.CLOUDTRAIL).toString(),
                "--source", "okta", "--events", r.resolve(RawEstateWriter.OKTA).toString(),
                "--source", "normalized", "--events", r.resolve(RawEstateWriter.OTHER).toString(),
                "--catalog", estate.resolve("catalog.yaml").toString(), "--labels", r.resolve(RawEstateWriter.LABELS).toString(),
                "--format", "json");
        assertThat(n.exitCode()).as(n.toString()).isEqualTo(ExitCode.OK);
        assertThat(p.exitCode()).as(p.toString()).isEqualTo(ExitCode.OK);
        normalized = n.json();
        raw = p.json();
    }

    @Test
    void generateSaysWhatItWroteAndHowToReplayIt() {
        assertThat(generate.exitCode()).as(generate.toString()).isEqualTo(ExitCode.OK);
        assertThat(generate.out()).contains("CloudTrail records and 1 GuardDuty findings", "Okta LogEvents",
                "Replay raw: bin/itdr replay --source aws --events");
    }

    @Test
    void everyRawRecordIsReadBackAsAnEvent() {
        assertThat(raw.at("/events/rejected").asLong()).as(raw.get("rejections").toString()).isZero();
        assertThat(raw.at("/events/accepted").asLong()).isEqualTo(normalized.at("/events/accepted").asLong()).isPositive();
        assertThat(raw.at("/source").asText()).isEqualTo("aws+okta+normalized");
    }

    @Test
    void findingsMatchPerDetectorAndIdentityExceptImpossibleTravelOnAws() {
        Map<String, List<String>> expected = findingsByDetector(normalized);
        List<String> awsTravel = expected.get("impossible_travel").stream().filter(id -> id.startsWith("aws/")).toList();
        // CloudTrail records carry no location: the AWS findings of impossible travel need a GeoIP resolver.
        assertThat(awsTravel).isNotEmpty();
        expected.get("impossible_travel").removeAll(awsTravel);

        assertThat(findingsByDetector(raw)).isEqualTo(expected);
        assertThat(raw.at("/findings/impossible_travel").asLong())
                .isEqualTo(normalized.at("/findings/impossible_travel").asLong() - awsTravel.size());
    }

    @Test
    void everyAttackFamilyIsStillDetectedWithTheRawLabels() {
        JsonNode families = raw.at("/evaluation/families");
        assertThat(families.size()).isEqualTo(normalized.at("/evaluation/families").size());
        families.fields().forEachRemaining(f -> assertThat(f.getValue().get("recall").asDouble()).as(f.getKey()).isEqualTo(1.0));
        assertThat(raw.at("/evaluation/disruptive_on_benign").asLong()).isZero();
    }

    /**
     * Detector → the identities of its findings as platform/id, sorted. The tenant is left out: an
     * Okta LogEvent names no org, so the Okta events read back have none.
     */
    private static Map<String, List<String>> findingsByDetector(JsonNode report) {
        assertThat(report.get("actions").size()).as("every decision is listed").isEqualTo(sum(report.get("decisions")));
        Map<String, List<String>> byDetector = new TreeMap<>();
        for (JsonNode action : report.get("actions")) {
            String[] key = action.get("identity").asText().split("/", 3);
            byDetector.computeIfAbsent(action.get("detector").asText(), d -> new ArrayList<>()).add(key[0] + "/" + key[2]);
        }
        byDetector.values().forEach(list -> list.sort(null));
        return byDetector;
    }

    private static long sum(JsonNode counts) {
        long total = 0;
        for (JsonNode n : counts) {
            total += n.asLong();
        }
        return total;
    }
}

package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.generate.RawEstateWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code itdr generate --raw} on the default estate: the CloudTrail log file and the Okta System
 * Log it writes, read back by the real connectors' normalizers (plus the other platforms' events,
 * normalized), give the findings of replaying {@code events.jsonl}, detector by detector, and the
 * same recall per attack family, except what the platforms' records cannot carry: CloudTrail has
 * no AS number and no location.
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
    void findingsMatchPerDetectorExceptOnAttackerNetworks() {
        Map<String, Long> expected = counts(normalized.get("findings"));
        Map<String, Long> actual = counts(raw.get("findings"));
        // CloudTrail carries no AS number: the attackers' calls, which the normalized estate names by
        // AS, are networks by /24 when read back; token replay gives 2 more findings, all citing
        // attack events (measured: 10 true positives against 8), none on benign ones
        assertThat(actual.remove("token_replay")).isEqualTo(expected.remove("token_replay") + 2);
        assertThat(raw.at("/evaluation/token_replay/fp").asLong()).isEqualTo(normalized.at("/evaluation/token_replay/fp").asLong());
        // and new_source one fewer, a true one (measured: 14 true against 15, the same 105 benign):
        // an identity whose addresses churn (CI runners) is judged by network owner, country and
        // client, and an attacker's call known by its AS in the normalized estate is only one more
        // /24 of unknown owner when read back with no network data; another detector still cites
        // it (the families' recall is the same, below)
        assertThat(actual.remove("new_source")).isEqualTo(expected.remove("new_source") - 1);
        assertThat(raw.at("/evaluation/new_source/fp").asLong()).isEqualTo(normalized.at("/evaluation/new_source/fp").asLong());
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void everyAttackFamilyIsDetectedAsOftenWithTheRawLabels() {
        assertThat(raw.at("/evaluation/families")).isEqualTo(normalized.at("/evaluation/families"));
        assertThat(raw.at("/evaluation/disruptive_on_benign").asLong()).isEqualTo(normalized.at("/evaluation/disruptive_on_benign").asLong());
    }

    private static Map<String, Long> counts(JsonNode node) {
        Map<String, Long> counts = new TreeMap<>();
        node.fields().forEachRemaining(f -> counts.put(f.getKey(), f.getValue().asLong()));
        return counts;
    }

}

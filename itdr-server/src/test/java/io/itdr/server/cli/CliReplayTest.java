package io.itdr.server.cli;

import static io.itdr.server.cli.NormalizedEvents.apiCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliReplayTest {
    private static final String ALICE = "arn:aws:iam::111122223333:user/alice";

    @TempDir
    Path dir;

    private Path events() {
        return NormalizedEvents.write(dir.resolve("events.jsonl"), List.of(
                apiCall("e-1", "2026-10-01T10:00:00Z", ALICE),
                apiCall("e-2", "2026-10-01T10:01:00Z", ALICE)));
    }

    @Test
    void replaysValidEventsInShadowMode() {
        CliRun text = CliRun.of("replay", "--events", events().toString());
        CliRun json = CliRun.of("replay", "--events", events().toString(), "--format", "json");

        assertThat(text.exitCode()).as(text.toString()).isEqualTo(ExitCode.OK);
        assertThat(text.out()).contains("shadow mode", "Events: 2 read, 2 accepted, 0 rejected");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCode.OK);
        JsonNode report = json.json();
        assertThat(report.at("/source").asText()).isEqualTo("normalized");
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(2);
        assertThat(report.at("/policy/name").asText()).isEqualTo("itdr-default");
    }

    @Test
    void invalidPolicyIsRefusedWithItsProblems() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                name: p
                version: "1"
                mode: shadow
                rules:
                  - id: r
                    when: finding.confidence > 0.5
                    rung: obliterate
                """);

        CliRun run = CliRun.of("replay", "--events", events().toString(), "--policy", policy.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.err()).contains(policy + ":7:11: rules[0].rung:").contains("found 'obliterate'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void catalogWithAnUnknownTierIsRefusedNamingFileAndLine() throws IOException {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                identities:
                  - match: "arn:aws:iam::111122223333:user/alice"
                    owner: team-a
                    criticality: tier1
                  - match: "arn:aws:iam::111122223333:user/bob"
                    criticality: tier9
                """);

        CliRun run = CliRun.of("replay", "--events", events().toString(), "--catalog", catalog.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.err()).contains(catalog + ":6: identities[1].criticality: unknown criticality 'tier9'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingInputFilesAreUnreadable() {
        Path missing = dir.resolve("missing");
        String events = events().toString();

        CliRun noEvents = CliRun.of("replay", "--events", missing + ".jsonl");
        CliRun noPolicy = CliRun.of("replay", "--events", events, "--policy", missing + ".yaml");
        CliRun noCatalog = CliRun.of("replay", "--events", events, "--catalog", missing + ".yaml");
        CliRun noLabels = CliRun.of("replay", "--events", events, "--labels", missing + ".jsonl");

        for (CliRun run : List.of(noEvents, noPolicy, noCatalog, noLabels)) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREADABLE);
            assertThat(run.err()).as(run.toString()).contains("no such readable file");
            assertThat(run.out()).isEmpty();
        }
        assertThat(noEvents.err()).contains(missing + ".jsonl");
        assertThat(noPolicy.err()).contains(missing + ".yaml");
    }

    @Test
    void aDirectoryReplaysTheFilesInIt() {
        String events = events().toString();

        CliRun directory = CliRun.of("replay", "--events", dir.toString());
        CliRun file = CliRun.of("replay", "--events", events);

        assertThat(directory.exitCode()).as(directory.toString()).isEqualTo(ExitCode.OK);
        assertThat(directory.out()).isEqualTo(file.out());
    }

    @Test
    void malformedLabelsAreUnreadableNamingTheLine() throws IOException {
        Path badLabel = Files.writeString(dir.resolve("labels.jsonl"), """
                {"event_id": "e-1", "label": "benign"}
                {"event_id": "e-2", "label": "evil"}
                """);
        Path notJson = Files.writeString(dir.resolve("labels2.jsonl"), "{\"event_id\": \"e-1\", \"label\": \"benign\"}\n\nnot json\n");
        Path noId = Files.writeString(dir.resolve("labels3.jsonl"), "{\"label\": \"malicious\"}\n");

        CliRun label = CliRun.of("replay", "--events", events().toString(), "--labels", badLabel.toString());
        CliRun json = CliRun.of("replay", "--events", events().toString(), "--labels", notJson.toString());
        CliRun id = CliRun.of("replay", "--events", events().toString(), "--labels", noId.toString());

        assertThat(label.exitCode()).as(label.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(label.err()).contains(badLabel + ":2: label: expected malicious or benign, got 'evil'");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(json.err()).contains(notJson + ":3: not valid JSON");
        assertThat(id.exitCode()).as(id.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(id.err()).contains(noId + ":1: event_id: required text field is missing");
    }

    @Test
    void ledgerThatAlreadyExistsIsAUsageErrorAndIsLeftAlone() throws IOException {
        Path ledger = Files.writeString(dir.resolve("ledger.jsonl"), "keep me\n");

        CliRun run = CliRun.of("replay", "--events", events().toString(), "--ledger", ledger.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains(ledger + " exists; a replay writes a new ledger");
        assertThat(Files.readString(ledger)).isEqualTo("keep me\n");
    }

    @Test
    void ledgerInAMissingDirectoryIsUnwritableNotAnInternalError() {
        Path ledger = dir.resolve("no-such-dir").resolve("ledger.jsonl");

        CliRun run = CliRun.of("replay", "--events", events().toString(), "--ledger", ledger.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(run.err()).contains("cannot open ledger file " + ledger).doesNotContain("internal error");
    }

    @Test
    void eventsInAnyOrderAreAcceptedAndReplayAsTheSortedFileDoes() {
        List<ObjectNode> sorted = List.of(
                apiCall("e-5", "2026-10-01T09:00:00Z", ALICE),
                apiCall("e-1", "2026-10-01T10:00:00Z", ALICE),
                apiCall("e-3", "2026-10-01T10:10:00Z", ALICE),
                apiCall("e-2", "2026-10-01T10:30:00Z", ALICE),
                apiCall("e-6", "2026-10-01T11:00:00Z", ALICE),
                apiCall("e-4", "2026-12-01T11:30:00Z", ALICE)); // months apart: no window would hold it
        List<ObjectNode> shuffled = List.of(sorted.get(5), sorted.get(1), sorted.get(3), sorted.get(2), sorted.get(0), sorted.get(4));
        Path inOrder = NormalizedEvents.write(dir.resolve("sorted.jsonl"), sorted);
        Path disorder = NormalizedEvents.write(dir.resolve("disorder.jsonl"), shuffled);

        CliRun run = CliRun.of("replay", "--events", disorder.toString(), "--format", "json", "--sort-buffer", "2");
        CliRun reference = CliRun.of("replay", "--events", inOrder.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        JsonNode report = run.json();
        assertThat(report.at("/events/read").asLong()).isEqualTo(6);
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(6);
        assertThat(report.at("/events/rejected").asLong()).isZero();
        assertThat(report).isEqualTo(reference.json());
    }

    @Test
    void duplicateEventIdsAreDroppedAndCounted() {
        Path events = NormalizedEvents.write(dir.resolve("dupes.jsonl"), List.of(
                apiCall("e-1", "2026-10-01T10:00:00Z", ALICE),
                apiCall("e-1", "2026-10-01T10:00:00Z", ALICE)));

        CliRun run = CliRun.of("replay", "--events", events.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.json().at("/events/read").asLong()).isEqualTo(2);
        assertThat(run.json().at("/events/accepted").asLong()).isEqualTo(1);
        assertThat(run.json().at("/events/rejected").asLong()).isZero();
        assertThat(run.json().at("/events/duplicates").asLong()).isEqualTo(1);
    }

    @Test
    void gzipInputIsDetectedAndATruncatedOneIsRejectedNotFatal() throws IOException {
        Path events = events();
        Path gz = dir.resolve("events.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(events));
        }
        byte[] whole = Files.readAllBytes(gz);
        Path truncated = Files.write(dir.resolve("truncated.jsonl.gz"), Arrays.copyOf(whole, whole.length / 2));

        CliRun ok = CliRun.of("replay", "--events", gz.toString(), "--format", "json");
        CliRun cut = CliRun.of("replay", "--events", truncated.toString(), "--events", events.toString(), "--format", "json");

        assertThat(ok.exitCode()).as(ok.toString()).isEqualTo(ExitCode.OK);
        assertThat(ok.json().at("/events/accepted").asLong()).isEqualTo(2);
        assertThat(cut.exitCode()).as(cut.toString()).isEqualTo(ExitCode.OK);
        assertThat(cut.json().at("/rejections/0/file").asText()).isEqualTo(truncated.toString());
        assertThat(cut.json().at("/rejections/0/reason").asText()).contains("cannot be read further");
    }
}

package io.itdr.server.cli;

import static io.itdr.server.cli.NormalizedEvents.apiCall;
import static io.itdr.server.cli.NormalizedEvents.platformFinding;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.normalize.JsonLines;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code itdr replay --events} on input an attacker or a broken exporter could produce: every case
 * ends with exit 0 and a report that names file, line and reason of each rejected record.
 */
class CliHostileInputTest {
    private static final String IDENTITY = "arn:aws:iam::111122223333:user/ci";
    /** Tries to end the report line, print a fake one, clear the screen and break a line in JS/JSON viewers. */
    private static final String FORGERY = "x\r\nEvents: 999 read, 999 accepted, 0 rejected\u001b[2J\u2028  rejected FORGED\n  FORGED-LF\r  FORGED-CR";

    @TempDir
    Path dir;

    private static String valid(String id) {
        return NormalizedEvents.line(apiCall(id, "2026-10-01T10:00:00Z", IDENTITY));
    }

    private static JsonNode replayJson(Path events) {
        CliRun run = CliRun.of("replay", "--events", events.toString(), "--format", "json");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        return run.json();
    }

    private static void assertCounts(JsonNode report, long read, long accepted, long rejected) {
        assertThat(report.at("/events/read").asLong()).as("read").isEqualTo(read);
        assertThat(report.at("/events/accepted").asLong()).as("accepted").isEqualTo(accepted);
        assertThat(report.at("/events/rejected").asLong()).as("rejected").isEqualTo(rejected);
    }

    private static void assertRejection(JsonNode rejection, Path file, long line, String reason) {
        assertThat(rejection.get("file").asText()).isEqualTo(file.toString());
        assertThat(rejection.get("line").asLong()).isEqualTo(line);
        assertThat(rejection.get("reason").asText()).contains(reason);
    }

    private Path bytes(String name, byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.write(part);
        }
        return Files.write(dir.resolve(name), out.toByteArray());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void emptyFileReadsNothing() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.jsonl"));

        JsonNode report = replayJson(empty);

        assertCounts(report, 0, 0, 0);
        assertThat(report.get("rejections")).isEmpty();
    }

    @Test
    void blankLinesAreSkippedNotRejected() throws IOException {
        Path events = bytes("blank.jsonl", utf8("\n  \n\t\n" + valid("e-1") + "\n\n"));

        assertCounts(replayJson(events), 1, 1, 0);
    }

    @Test
    void binaryGarbageIsRejectedLineByLine() throws IOException {
        byte[] garbage = new byte[1 << 20];
        new Random(42).nextBytes(garbage);
        Path events = bytes("garbage.bin", garbage);

        JsonNode report = replayJson(events);

        assertThat(report.at("/events/accepted").asLong()).isZero();
        assertThat(report.at("/events/rejected").asLong()).isPositive();
        // the report lists at most 100 rejections, each with file, line and reason
        assertThat(report.get("rejections")).hasSizeBetween(1, 100);
        for (JsonNode rejection : report.get("rejections")) {
            assertThat(rejection.get("file").asText()).isEqualTo(events.toString());
            assertThat(rejection.get("line").asLong()).isPositive();
            assertThat(rejection.get("reason").asText()).isNotBlank();
        }
    }

    @Test
    void overlongLineIsSkippedAndTheNextLineIsRead() throws IOException {
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'A');
        Path events = bytes("huge.jsonl", utf8("{\"id\":\""), huge, utf8("\"}\n" + valid("after") + "\n"));

        JsonNode report = replayJson(events);

        assertCounts(report, 2, 1, 1);
        assertRejection(report.at("/rejections/0"), events, 1, "line longer than " + JsonLines.DEFAULT_MAX_LINE_BYTES + " bytes");
    }

    @Test
    void deeplyNestedJsonIsRejected() throws IOException {
        String arrays = "[".repeat(100_000);
        // Nesting inside an unknown field is skipped by the reader, so only the depth limit stops it.
        String nestedUnknown = "{\"id\":\"n\",\"ignored\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        String nestedObjects = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        Path events = bytes("nested.jsonl", utf8(arrays + "\n" + nestedUnknown + "\n" + nestedObjects + "\n" + valid("after") + "\n"));

        JsonNode report = replayJson(events);

        assertCounts(report, 4, 1, 3);
        assertRejection(report.at("/rejections/0"), events, 1, "");
        assertRejection(report.at("/rejections/1"), events, 2, "nesting depth");
        assertRejection(report.at("/rejections/2"), events, 3, "nesting depth");
    }

    @Test
    void invalidUtf8IsRejectedNotReplaced() throws IOException {
        Path events = bytes("latin1.jsonl",
                utf8("{\"id\":\"caf"), new byte[]{(byte) 0xe9}, utf8("\"}\n"),             // ISO-8859-1 é
                utf8("{\"id\":\"s"), new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80}, utf8("\"}\n"), // encoded surrogate
                utf8("{\"id\":\"o"), new byte[]{(byte) 0xc0, (byte) 0xaf}, utf8("\"}\n"),  // overlong '/'
                utf8(valid("after") + "\n"));

        JsonNode report = replayJson(events);

        assertCounts(report, 4, 1, 3);
        for (int i = 0; i < 3; i++) {
            assertRejection(report.at("/rejections/" + i), events, i + 1, "not valid UTF-8");
        }
    }

    @Test
    void crlfLineEndingsAreAccepted() throws IOException {
        Path events = bytes("windows.jsonl", utf8(valid("e-1") + "\r\n" + valid("e-2") + "\r\n\r\n" + valid("e-3") + "\r\n"));

        assertCounts(replayJson(events), 3, 3, 0);
    }

    @Test
    void missingRequiredFieldsAndBadValuesAreRejectedNamingTheField() throws IOException {
        ObjectNode noIdentity = apiCall("e-2", "2026-10-01T10:00:00Z", IDENTITY);
        noIdentity.remove("identity");
        ObjectNode badOutcome = apiCall("e-3", "2026-10-01T10:00:00Z", IDENTITY).put("outcome", "maybe");
        ObjectNode badTime = apiCall("e-4", "yesterday", IDENTITY);
        Path events = bytes("fields.jsonl", utf8(valid("e-1") + "\n" + NormalizedEvents.line(noIdentity) + "\n"
                + NormalizedEvents.line(badOutcome) + "\n" + NormalizedEvents.line(badTime) + "\n{\"id\": \"trailing\"} x\n"));

        JsonNode report = replayJson(events);

        assertCounts(report, 5, 1, 4);
        assertRejection(report.at("/rejections/0"), events, 2, "identity");
        assertRejection(report.at("/rejections/1"), events, 3, "outcome: cannot read 'maybe'");
        assertRejection(report.at("/rejections/2"), events, 4, "time: cannot read 'yesterday'");
        assertRejection(report.at("/rejections/3"), events, 5, "");
    }

    /** Control characters from input reach the report through rejections, identities and file names. */
    private Path forgingEvents() throws IOException {
        ObjectNode withEvilIdentity = platformFinding("pf-1", "2026-10-01T10:00:00Z", "arn:" + FORGERY);
        withEvilIdentity.putObject("source").put("ip", "198.51.100.7").put("userAgent", "curl/8 " + FORGERY);
        ObjectNode evilId = apiCall("id-" + FORGERY, "2026-10-01T10:00:01Z", IDENTITY);
        ObjectNode badTime = apiCall("e-3", FORGERY, IDENTITY);
        ObjectNode badCategory = apiCall("e-4", "2026-10-01T10:00:02Z", IDENTITY).put("category", FORGERY);
        ObjectNode late = apiCall("late-" + FORGERY, "2026-10-01T08:00:00Z", IDENTITY);
        ObjectNode releases = apiCall("e-6", "2026-10-01T12:00:00Z", IDENTITY);
        // A file name may hold control characters too (Linux allows all but '/' and NUL).
        Path file = dir.resolve("events\r\nEvents: 999 read\u001b[2J.jsonl");
        return NormalizedEvents.write(file, List.of(withEvilIdentity, evilId, evilId, badTime, badCategory, releases, late));
    }

    @Test
    void textReportCannotBeForgedByInput() throws IOException {
        Path events = forgingEvents();

        CliRun run = CliRun.of("replay", "--events", events.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        String out = run.out();
        assertThat(out).doesNotContain("\r", "\u001b", "\u2028");
        assertThat(out.lines().filter(l -> l.startsWith("Events: "))).containsExactly("Events: 7 read, 4 accepted, 2 rejected, 1 duplicates dropped");
        assertThat(out.lines()).noneMatch(l -> l.stripLeading().startsWith("FORGED")
                || l.stripLeading().startsWith("rejected FORGED") || l.startsWith("Events: 999"));
        // escaped, not dropped: a reader sees what the input held
        assertThat(out).contains("\\u000d\\u000aEvents: 999 read", "\\u001b[2J", "\\u2028");
        // the held decision names the identity (escaped) and the rejections name the escaped file
        assertThat(out.lines()).anyMatch(l -> l.contains(" hold ") && l.contains("arn:x\\u000d\\u000aEvents"));
        assertThat(out.lines()).anyMatch(l -> l.startsWith("  rejected " + dir + "/events\\u000d\\u000aEvents: 999 read\\u001b[2J.jsonl:4: time: cannot read"));
    }

    @Test
    void jsonReportStaysParseableAndEscaped() throws IOException {
        Path events = forgingEvents();

        CliRun run = CliRun.of("replay", "--events", events.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).doesNotContain("\r", "\u001b", "\u2028");
        JsonNode report = run.json();
        // the repeated id-x is dropped as a duplicate; late-x, before the others, is sorted in, not rejected
        assertCounts(report, 7, 4, 2);
        assertThat(report.at("/events/duplicates").asLong()).isEqualTo(1);
        String escapedFile = dir + "/events\\u000d\\u000aEvents: 999 read\\u001b[2J.jsonl";
        JsonNode rejections = report.get("rejections");
        assertThat(rejections.get(0).get("file").asText()).isEqualTo(escapedFile);
        assertThat(rejections.get(0).get("line").asLong()).isEqualTo(4);
        assertThat(rejections.get(0).get("reason").asText()).startsWith("time: cannot read");
        assertThat(rejections.get(1).get("file").asText()).isEqualTo(escapedFile);
        assertThat(rejections.get(1).get("line").asLong()).isEqualTo(5);
        assertThat(rejections.get(1).get("reason").asText()).startsWith("category: cannot read 'x\\u000d\\u000a");
        assertThat(report.at("/actions/0/identity").asText()).startsWith("aws/-/arn:x\\u000d\\u000aEvents");
        // Jackson would write a raw control character as \r, \n or \u001B: none reached it unescaped
        assertThat(report.toString()).doesNotContain("\\r", "\\n", "\\u001B");
    }

    @Test
    void policyAndCatalogProblemsCannotForgeErrorLines() throws IOException {
        Path events = Files.writeString(dir.resolve("events.jsonl"), valid("e-1") + "\n");
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                name: p
                version: "1"
                mode: shadow
                rules:
                  - id: r
                    when: "true"
                    rung: "nuke\\npolicy.yaml:1:1: FORGED\\u001b[2J"
                """);
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                identities:
                  - match: "a"
                    criticality: "t\\nFORGED: x\\u001b[2J"
                """);

        CliRun validate = CliRun.of("policy", "validate", policy.toString());
        CliRun replayPolicy = CliRun.of("replay", "--events", events.toString(), "--policy", policy.toString());
        CliRun replayCatalog = CliRun.of("replay", "--events", events.toString(), "--catalog", catalog.toString());

        for (CliRun run : List.of(validate, replayPolicy, replayCatalog)) {
            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
            assertThat(run.err()).as(run.toString()).doesNotContain("\u001b").contains("\\u000a");
            assertThat(run.err().lines()).as(run.toString()).hasSize(1).noneMatch(l -> l.startsWith("FORGED") || l.startsWith("policy.yaml:1:1"));
        }
        assertThat(replayPolicy.err()).startsWith(policy + ":7:11: rules[0].rung:");
        assertThat(replayCatalog.err()).startsWith(catalog + ":3: identities[0].criticality:");
    }
}

package io.itdr.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.server.cli.ItdrCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped default policy over the real AWS, Okta and Google Cloud records of the shared corpus
 * ({@code shared/corpus} beside the repository; skipped where it is absent) in one replay: each file written as its
 * platform exports it (as the corpus's {@code to-raw} does: ids rewritten to {@code corpus-<id>}, CloudTrail as one
 * {@code Records} file, the others a record a line), read by its connector's normalizer, merged by time. Every record
 * is accepted or rejected with a reason, and no disruptive action would run on a benign record.
 */
class CrossPlatformCorpusReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** corpus file → (connector, the record's id field), as to-raw writes them. */
    private static final Map<String, String[]> SOURCES = Map.of(
            "aws_cloudtrail.jsonl", new String[] {"aws", "eventID"},
            "okta_systemlog.jsonl", new String[] {"okta", "uuid"},
            "gcp_audit.jsonl", new String[] {"gcp", "insertId"});

    @TempDir
    Path dir;

    @Test
    void oneDefaultPolicyReplaysAwsOktaAndGoogleCloudRecordsTogether() throws IOException {
        Path corpus = locate();
        Assumptions.assumeTrue(corpus != null, "shared/corpus not beside the repository");
        List<String> args = new ArrayList<>(List.of("replay"));
        StringBuilder labels = new StringBuilder();
        int records = 0;
        for (String file : List.of("aws_cloudtrail.jsonl", "okta_systemlog.jsonl", "gcp_audit.jsonl")) {
            String[] source = SOURCES.get(file);
            ArrayNode logs = JSON.createArrayNode();
            for (String line : Files.readAllLines(corpus.resolve(file), StandardCharsets.UTF_8)) {
                JsonNode record = JSON.readTree(line);
                String id = "corpus-" + record.get("id").asText();
                ((ObjectNode) record.get("log")).put(source[1], id);
                logs.add(record.get("log"));
                labels.append(JSON.writeValueAsString(Map.of("event_id", id, "label", record.get("label").asText(),
                        "family", record.get("provenance").get(0).path("rule_id").asText(record.get("provenance").get(0).path("source").asText()))))
                        .append('\n');
                records++;
            }
            StringBuilder raw = new StringBuilder();
            if (source[0].equals("aws")) {
                raw.append(JSON.writeValueAsString(Map.of("Records", logs)));
            } else {
                logs.forEach(l -> raw.append(l.toString()).append('\n'));
            }
            Path out = Files.writeString(dir.resolve(source[0] + ".raw"), raw.toString());
            args.addAll(List.of("--source", source[0], "--events", out.toString()));
        }
        Path labelsFile = Files.writeString(dir.resolve("labels.jsonl"), labels.toString());
        args.addAll(List.of("--labels", labelsFile.toString(), "--format", "json"));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ItdrCli.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(exit).as(err.toString()).isZero();
        JsonNode report = JSON.readTree(out.toString());
        assertThat(report.at("/source").asText()).isEqualTo("aws+okta+gcp");
        assertThat(report.at("/events/read").asLong()).isEqualTo(records);
        assertThat(report.at("/events/accepted").asLong() + report.at("/events/rejected").asLong()).isEqualTo(records);
        assertThat(report.get("rejections")).hasSize(report.at("/events/rejected").asInt()).allSatisfy(r -> {
            assertThat(r.get("file").asText()).matches(".*/(aws|okta|gcp)\\.raw");
            assertThat(r.get("reason").asText()).isNotBlank();
        });
        List<String> platforms = new ArrayList<>();
        report.get("actions").forEach(a -> {
            String platform = a.get("identity").asText().substring(0, a.get("identity").asText().indexOf('/'));
            if (!platforms.contains(platform)) {
                platforms.add(platform);
            }
            // owners are unknown (no catalog): whatever the policy intends beyond notify is held for a human
            if (List.of("quarantine_session", "disable_credential", "rotate_credential", "disable_identity")
                    .contains(a.path("intended_rung").asText(a.get("rung").asText()))) {
                assertThat(a.get("rung").asText()).as("%s", a).isEqualTo("hold");
            }
        });
        assertThat(platforms).as("platforms the one policy decided on").containsExactlyInAnyOrder("aws", "okta", "gcp");
        System.out.printf("cross-platform corpus replay: %d read, %d accepted, %d rejected, findings %s, decisions %s%n", records,
                report.at("/events/accepted").asLong(), report.at("/events/rejected").asLong(), report.get("findings"), report.get("decisions"));
    }

    private static Path locate() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared/corpus");
            if (Files.isRegularFile(candidate.resolve("gcp_audit.jsonl"))) {
                return candidate;
            }
        }
        return null;
    }
}

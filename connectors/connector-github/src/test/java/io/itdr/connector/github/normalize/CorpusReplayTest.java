package io.itdr.connector.github.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real corpus of GitHub audit log events (written by people outside this project; README in the
 * corpus directory) as {@code to-raw} turns it into an export: one record a line, {@code _document_id}
 * set to {@code corpus-<id>}. Every record with an actor and a readable time must become an event; the
 * others must be rejected, each at its line, with a reason naming the field. Skipped when the corpus is
 * not beside the checkout ({@code -Ditdr.corpus.dir=…} to point at it).
 */
class CorpusReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CORPUS = Path.of(System.getProperty("itdr.corpus.dir", "../../../shared/corpus"), "github_audit.jsonl");

    @Test
    void everyValidRecordIsAcceptedAndEveryOtherRejectedWithItsReason() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(CORPUS), CORPUS + " is not here");
        List<String> raw = new ArrayList<>();
        List<Boolean> valid = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS, StandardCharsets.UTF_8)) {
            JsonNode entry = JSON.readTree(line);
            ObjectNode log = (ObjectNode) entry.get("log");
            log.put("_document_id", "corpus-" + entry.get("id").asText()); // as to-raw does
            raw.add(log.toString());
            // independent of the mapper: an actor and a time in milliseconds
            boolean hasTime = log.path("@timestamp").isIntegralNumber() || log.path("created_at").isIntegralNumber();
            valid.add(log.path("actor").isTextual() && hasTime);
        }
        CollectingSink sink = new CollectingSink();
        new AuditLogNormalizer().normalize(new RawPayload("github.raw", null,
                new ByteArrayInputStream(String.join("\n", raw).getBytes(StandardCharsets.UTF_8))), sink);

        long expectedValid = valid.stream().filter(v -> v).count();
        System.out.printf("github corpus: %d records, %d accepted, %d rejected%n", raw.size(), sink.events().size(), sink.rejections().size());
        sink.rejections().forEach(r -> System.out.println("  rejected " + r.location() + ": " + r.reason()));
        assertThat(sink.events()).as("events of the %d valid records", expectedValid).hasSize((int) expectedValid);
        assertThat(sink.events().size() + sink.rejections().size()).as("every record accounted for").isEqualTo(raw.size());
        for (Rejection r : sink.rejections()) {
            int line = Integer.parseInt(r.location().replaceAll(".*line (\\d+).*", "$1"));
            assertThat(valid.get(line - 1)).as("record at line %d is rejected and is not valid", line).isFalse();
            assertThat(r.location()).contains(", id corpus-");
            assertThat(r.reason()).contains("@timestamp and created_at: both missing");
        }
        assertThat(sink.events()).allMatch(e -> e.id().startsWith("corpus-") && e.platform().equals("github"));
        assertThat(sink.records()).as("every event carries its raw record").hasSize(sink.events().size()).doesNotContainNull();
    }
}

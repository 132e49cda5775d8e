package io.itdr.connector.gcp.normalize;

import static io.itdr.connector.support.JsonFields.child;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real Cloud Audit Logs records of the shared corpus ({@code ../shared/corpus/gcp_audit.jsonl},
 * beside the repository; skipped where it is absent): each record's {@code log}, as {@code to-raw}
 * writes it, is accepted exactly when it carries what an event needs, judged here from the record
 * itself (an id, an RFC 3339 time, an audit log payload with a method, a principal), and every
 * rejection says why.
 */
class CorpusReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyUsableCorpusRecordIsAcceptedAndEveryOtherIsRejectedWithAReason() throws IOException {
        Path corpus = locate();
        Assumptions.assumeTrue(corpus != null, "../shared/corpus/gcp_audit.jsonl not beside the repository");
        StringBuilder raw = new StringBuilder();
        Set<String> usable = new LinkedHashSet<>();
        Set<String> unusable = new LinkedHashSet<>();
        for (String line : Files.readAllLines(corpus, StandardCharsets.UTF_8)) {
            JsonNode record = JSON.readTree(line);
            JsonNode log = record.get("log");
            String id = "corpus-" + record.get("id").asText();
            ((com.fasterxml.jackson.databind.node.ObjectNode) log).put("insertId", id);
            raw.append(JSON.writeValueAsString(log)).append('\n');
            (usable(log) ? usable : unusable).add(id);
        }
        List<IdentityEvent> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        new AuditLogNormalizer().normalize(new RawPayload("gcp.raw", null,
                        new ByteArrayInputStream(raw.toString().getBytes(StandardCharsets.UTF_8))),
                NormalizationSink.withRecords((e, location, record) -> {
                    assertThat(record).as("raw record of %s", e.id()).contains(e.id());
                    events.add(e);
                }, rejections::add));

        assertThat(events).extracting(IdentityEvent::id).containsExactlyElementsOf(usable);
        assertThat(rejections).hasSize(unusable.size());
        assertThat(rejections).allSatisfy(r -> {
            assertThat(r.reason()).isNotBlank();
            assertThat(unusable).anyMatch(id -> r.location().endsWith("id " + id));
        });
        assertThat(events).allSatisfy(e -> assertThat(e.platform()).isEqualTo("gcp"));
    }

    /** What an event needs, read from the record without the mapper. */
    private static boolean usable(JsonNode log) {
        JsonNode time = child(log, "timestamp") != null ? log.get("timestamp") : child(log, "receiveTimestamp");
        if (time == null || !time.isTextual()) {
            return false;
        }
        try {
            OffsetDateTime.parse(time.textValue());
        } catch (DateTimeParseException e) {
            return false;
        }
        JsonNode payload = log.path("protoPayload");
        if (!payload.path("methodName").isTextual()) {
            return false;
        }
        JsonNode auth = payload.path("authenticationInfo");
        return !auth.path("principalEmail").asText("").isBlank() || !auth.path("principalSubject").asText("").isBlank();
    }

    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/corpus/gcp_audit.jsonl");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

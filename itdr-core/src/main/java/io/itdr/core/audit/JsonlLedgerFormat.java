package io.itdr.core.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.itdr.core.model.Stage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Lines form of ledger entries: one JSON object per line, fields in a fixed order, every
 * field present (null where empty), {@code time} as ISO-8601 UTC, {@code stage} as its lower-case
 * policy name, terminated by {@code \n}. JSON escapes CR, LF and every other control character
 * inside strings, so no field value can end a line or forge an entry. Reading is strict: unknown,
 * missing, duplicate or mistyped fields are errors. Stateless and thread-safe.
 */
final class JsonlLedgerFormat {
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final List<String> FIELDS = List.of("seq", "time", "incidentId", "stage", "kind", "actor",
            "identityKey", "evidence", "result", "prevHash", "hash");

    private JsonlLedgerFormat() {
    }

    /** The entry as one line of UTF-8 JSON, including the terminating {@code \n}. */
    static byte[] toLine(LedgerEntry entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("seq", entry.seq());
            json.writeStringField("time", entry.time().toString());
            json.writeStringField("incidentId", entry.incidentId());
            json.writeStringField("stage", entry.stage().policyName());
            json.writeStringField("kind", entry.kind());
            json.writeStringField("actor", entry.actor());
            json.writeStringField("identityKey", entry.identityKey());
            json.writeObjectFieldStart("evidence");
            for (Map.Entry<String, String> e : entry.evidence().entrySet()) {
                json.writeStringField(e.getKey(), e.getValue());
            }
            json.writeEndObject();
            json.writeStringField("result", entry.result());
            json.writeStringField("prevHash", entry.prevHash());
            json.writeStringField("hash", entry.hash());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Parses one line (without its terminator).
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static LedgerEntry parse(String line) {
        if (line.isEmpty()) {
            throw new IllegalArgumentException("empty line");
        }
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!FIELDS.contains(field.getKey())) {
                throw new IllegalArgumentException("unknown field '" + field.getKey() + "'");
            }
        }
        JsonNode seq = required(node, "seq");
        if (!seq.isIntegralNumber() || !seq.canConvertToLong()) {
            throw new IllegalArgumentException("field 'seq': not an integer");
        }
        Instant time;
        try {
            time = Instant.parse(text(node, "time", false));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field 'time': not an ISO-8601 instant");
        }
        return new LedgerEntry(seq.longValue(), time, text(node, "incidentId", true),
                stage(text(node, "stage", false)), text(node, "kind", false), text(node, "actor", false),
                text(node, "identityKey", true), evidence(required(node, "evidence")),
                text(node, "result", false), text(node, "prevHash", false), text(node, "hash", false));
    }

    /**
     * Reads {@code file} line by line into a {@link ChainCheck}, stopping at the first break. A
     * last line without its {@code \n} (a torn write) is a break.
     */
    static ChainCheck scan(Path file, LedgerHead head) throws IOException {
        ChainCheck check = new ChainCheck(head);
        long lineNo = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                String where = "line " + lineNo + ": ";
                LedgerEntry entry;
                try {
                    entry = parse(line);
                } catch (IllegalArgumentException e) {
                    check.unreadable(where + "unreadable entry: " + e.getMessage());
                    return check;
                }
                if (!check.accept(entry, where)) {
                    return check;
                }
            }
        } catch (CharacterCodingException e) {
            check.unreadable("line " + (lineNo + 1) + ": not valid UTF-8");
            return check;
        }
        if (lineNo > 0 && !endsWithNewline(file)) {
            check.tornAt(lineNo, "line " + lineNo + ": no line terminator (a torn write?)");
        }
        return check;
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            if (length == 0) {
                return true;
            }
            raf.seek(length - 1);
            return raf.read() == '\n';
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String field, boolean nullable) {
        JsonNode value = required(node, field);
        if (value.isNull() && nullable) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "': not a string");
        }
        return value.textValue();
    }

    private static Stage stage(String name) {
        for (Stage stage : Stage.values()) {
            if (stage.policyName().equals(name)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("field 'stage': unknown stage '" + name + "'; expected one of "
                + Arrays.stream(Stage.values()).map(Stage::policyName).sorted().toList());
    }

    private static Map<String, String> evidence(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("field 'evidence': not an object");
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("field 'evidence." + e.getKey() + "': not a string");
            }
            evidence.put(e.getKey(), e.getValue().textValue());
        }
        return evidence;
    }
}

package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.PayloadFormat.Diagnostics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Framing, envelopes, numbering and limits of the shared reader, independent of any platform. */
class JsonPayloadReaderTest {
    /** Records in {@code Items} or {@code Extra} arrays, or in {@code batch.items} with the origin from {@code from}. */
    private static PayloadFormat format(int maxRecordBytes, Diagnostics diagnostics) {
        return new PayloadFormat("record object", "item array",
                List.of(List.of("Items"), List.of("Extra"), List.of("batch", "items")),
                envelope -> envelope.hasNonNull("from") ? envelope.get("from").asText() : null, maxRecordBytes, diagnostics);
    }

    private static final JsonPayloadReader PRECISE = new JsonPayloadReader(format(1 << 20, Diagnostics.PRECISE));
    private static final JsonPayloadReader BASIC = new JsonPayloadReader(format(1 << 20, Diagnostics.BASIC));

    /** What the handler saw, one line per call: "number@line id origin" or "number@line ! reason". */
    private static final class Seen implements JsonPayloadReader.RecordHandler {
        final List<String> calls = new ArrayList<>();

        @Override
        public void record(long number, long line, JsonNode record, String origin) {
            calls.add(number + "@" + line + " " + (record.has("id") ? record.get("id").asText() : record.toString()) + (origin == null ? "" : " " + origin));
        }

        @Override
        public void unreadable(long number, long line, String reason) {
            calls.add(number + "@" + line + " ! " + reason);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static List<String> read(JsonPayloadReader reader, byte[] payload) throws IOException {
        Seen seen = new Seen();
        reader.read(new ByteArrayInputStream(payload), seen);
        return seen.calls;
    }

    @Test
    void jsonLinesAreReadOneLineAtATimeAndABrokenLineIsOneUnreadableRecord() throws IOException {
        String lines = "{\"id\":\"a\"}\r\n"
                + "{\"id\":\"broken\",\"x\n"
                + "\n"
                + "[{\"id\":\"b\"},7]\n"
                + "{\"Items\":[{\"id\":\"c\"}],\"from\":\"org-1\"}\n"
                + "{\"id\":\"d\"} {\"id\":\"e\"}\n"
                + "\"text\"";
        assertThat(read(PRECISE, utf8(lines))).containsExactly(
                "1@1 a",
                "2@2 ! not valid JSON: Unexpected end-of-input in field name",
                "3@4 b",
                "4@4 ! expected a record object, found a number",
                "5@5 c org-1",
                "6@6 ! more than one JSON value on the line",
                "7@7 ! expected a record object, found a string");
        // BASIC names a stray value by its node type, as the AWS connector always has
        assertThat(read(BASIC, utf8(lines))).contains("4@4 ! expected a record object, found number", "7@7 ! expected a record object, found string");
    }

    @Test
    void anEnvelopeStreamsEveryRecordArrayAndDropsItsOtherFields() throws IOException {
        String stream = "{\"digest\":{\"sha\":\"x\"},\n\"Items\":[\n{\"id\":\"a\"},\n\"odd\",\n{\"id\":\"b\"}],\n\"next\":\"t\",\"Extra\":[{\"id\":\"c\"}]}";
        assertThat(read(PRECISE, utf8(stream))).containsExactly("1@3 a", "2@4 ! expected a record object, found a string", "3@5 b", "4@6 c");
    }

    @Test
    void aNestedEnvelopeHandsTheOriginItNamesBeforeItsRecords() throws IOException {
        String delivery = "{\"from\":\"org-7\",\"batch\":{\"kind\":\"x\",\"items\":[{\"id\":\"a\"},{\"id\":\"b\"}],\"after\":1},\"tail\":true}";
        assertThat(read(PRECISE, utf8(delivery))).containsExactly("1@1 a org-7", "2@1 b org-7");
        // an object whose "batch" holds no item array is a record, kept whole
        assertThat(read(PRECISE, utf8("{\"batch\":{\"items\":{\"not\":\"an array\"}}}")))
                .containsExactly("1@1 {\"batch\":{\"items\":{\"not\":\"an array\"}}}");
    }

    @Test
    void streamModeReadsTopLevelArraysAndConcatenatedPrettyPrintedDocuments() throws IOException {
        String stream = "[{\"id\":\"a\"},\n{\"id\":\"b\"}]\n{\n  \"id\": \"c\"\n}\n{\"Items\":[{\"id\":\"d\"}]}";
        assertThat(read(PRECISE, utf8(stream))).containsExactly("1@1 a", "2@2 b", "3@3 c", "4@6 d");
    }

    @Test
    void compressionIsDetectedFromTheBytes() throws IOException {
        byte[] lines = utf8("{\"id\":\"a\"}\n{\"id\":\"b\"}\n");
        assertThat(read(PRECISE, gzip(lines))).isEqualTo(read(PRECISE, lines)).containsExactly("1@1 a", "2@2 b");
        assertThat(read(BASIC, gzip(lines))).containsExactly("1@1 a", "2@2 b");
    }

    @Test
    void emptyAndBlankPayloadsHoldNoRecords() throws IOException {
        assertThat(read(PRECISE, new byte[0])).isEmpty();
        assertThat(read(BASIC, utf8("\uFEFF  \n\t"))).isEmpty();
    }

    @Test
    void aSyntaxErrorEndsAStreamAfterTheRecordsBeforeIt() throws IOException {
        Seen seen = new Seen();
        assertThatThrownBy(() -> PRECISE.read(new ByteArrayInputStream(utf8("{\"Items\":[{\"id\":\"a\"},{\"id\":\"b\"},]}")), seen))
                .isInstanceOf(JsonPayloadReader.UnreadablePayload.class)
                .hasMessageStartingWith("cannot be read after record 2: ");
        assertThat(seen.calls).containsExactly("1@1 a", "2@1 b");
        assertThatThrownBy(() -> BASIC.read(new ByteArrayInputStream(utf8("hello")), new Seen()))
                .isInstanceOf(JsonPayloadReader.UnreadablePayload.class)
                .hasMessageStartingWith("cannot be read before the first record: ");
        assertThatThrownBy(() -> PRECISE.read(new ByteArrayInputStream(utf8("{\"Items\":[{\"id\":\"a\"}")), new Seen()))
                .hasMessageStartingWith("cannot be read after record 1: Unexpected end-of-input");
    }

    @Test
    void aBreakInsideARecordIsNamedByTheDiagnosticsStyle() {
        byte[] deep = utf8("{\"Items\":[{\"id\":\"a\"},{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}]}");
        assertThatThrownBy(() -> PRECISE.read(new ByteArrayInputStream(deep), new Seen()))
                .hasMessageStartingWith("cannot be read in record 2: ").hasMessageContainingAll("nesting depth").hasMessageNotContaining("[Source");
        assertThatThrownBy(() -> BASIC.read(new ByteArrayInputStream(deep), new Seen()))
                .hasMessageStartingWith("cannot be read after record 2: ").hasMessageContaining("nesting depth");
    }

    @Test
    void anOversizedRecordEndsAStreamButOnlyRejectsItsLine() throws IOException {
        JsonPayloadReader small = new JsonPayloadReader(format(1024, Diagnostics.PRECISE));
        String big = "{\"id\":\"big\",\"filler\":\"" + "x".repeat(200_000) + "\"}";
        Seen seen = new Seen();
        assertThatThrownBy(() -> small.read(new ByteArrayInputStream(utf8("[{\"id\":\"a\"}," + big + "]")), seen))
                .hasMessageContaining("a record is larger than 1024 bytes");
        assertThat(seen.calls).containsExactly("1@1 a");

        assertThat(read(small, utf8("{\"id\":\"a\"}\n" + big + "\n{\"id\":\"b\"}")))
                .containsExactly("1@1 a", "2@2 ! line longer than 1024 bytes", "3@3 b");
    }

    @Test
    void preciseReadingKeepsTheRecordsOfATruncatedGzip() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            lines.append("{\"id\":\"r").append(i).append("\",\"n\":").append(i * 7919L % 100_003).append("}\n");
        }
        byte[] whole = gzip(utf8(lines.toString()));
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        Seen seen = new Seen();
        assertThatThrownBy(() -> PRECISE.read(new ByteArrayInputStream(cut), seen))
                .isInstanceOf(JsonPayloadReader.UnreadablePayload.class)
                .hasMessageStartingWith("cannot be read after record " + seen.calls.size() + ": ");
        assertThat(seen.calls).isNotEmpty().hasSizeLessThan(5000);
        assertThat(seen.calls.get(seen.calls.size() - 1)).isEqualTo(seen.calls.size() + "@" + seen.calls.size() + " r" + (seen.calls.size() - 1));
    }

    @Test
    void theBodyIsLeftOpenForWhoeverOpenedIt() throws IOException {
        boolean[] closed = {false};
        InputStream body = new FilterInputStream(new ByteArrayInputStream(gzip(utf8("{\"id\":\"a\"}\n")))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        Seen seen = new Seen();
        PRECISE.read(body, seen);
        assertThat(seen.calls).containsExactly("1@1 a");
        assertThat(closed[0]).isFalse();
    }

    @Test
    void firstSignificantByteSkipsWhitespaceAndByteOrderMarkAndRewinds() throws IOException {
        var in = new java.io.BufferedInputStream(new ByteArrayInputStream(utf8("\uFEFF \n [1]")));
        assertThat(JsonPayloadReader.firstSignificantByte(in)).isEqualTo('[');
        assertThat(in.read()).isEqualTo(0xef);
        assertThat(JsonPayloadReader.firstSignificantByte(new java.io.BufferedInputStream(new ByteArrayInputStream(utf8("  "))))).isEqualTo(-1);
    }

    @Test
    void aFormatRefusesWhatCannotFrameRecords() {
        assertThatThrownBy(() -> new PayloadFormat("r", "a", List.of(List.of()), e -> null, 1024, Diagnostics.BASIC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("containerPaths");
        assertThatThrownBy(() -> new PayloadFormat("r", "a", List.of(), e -> null, 0, Diagnostics.BASIC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecordBytes must be positive: 0");
        assertThatThrownBy(() -> new PayloadFormat("r", "a", List.of(), null, 1024, Diagnostics.BASIC))
                .isInstanceOf(NullPointerException.class).hasMessage("origin");
    }

    @Test
    void aRecordInOneDocumentIsLocatedByItsNumberAndItsIdNotByTheLineAllRecordsShare() throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        JsonNode record = mapper.readTree("{\"eventID\": \"ab-12\"}");

        assertThat(JsonPayloadReader.location("trail.json", 214, 1, record, "eventID")).isEqualTo("trail.json:record 214, line 1, id ab-12");
        assertThat(JsonPayloadReader.location("trail.json", 3, 1, null, null)).isEqualTo("trail.json:record 3, line 1");
        assertThat(JsonPayloadReader.location("trail.json", 3, 1, mapper.readTree("{\"eventID\": 7}"), "eventID"))
                .as("an id that is not a string is not an id").isEqualTo("trail.json:record 3, line 1");
        assertThat(JsonPayloadReader.location("trail.json", 3, 1, mapper.readTree("{\"eventID\": \" \"}"), "eventID"))
                .isEqualTo("trail.json:record 3, line 1");
    }

    /** A parser limit is named by what it limits, never by the parser's Java names (a sender sees these reasons). */
    @Test
    void aLimitsReasonNamesNoJavaTypeOfTheParser() throws IOException {
        String longNumber = "0." + "0".repeat(2000) + "1";
        String deep = "[".repeat(70) + "]".repeat(70);
        List<String> lines = read(PRECISE, utf8("{\"id\":\"a\"}\n{\"id\":" + longNumber + "}\n{\"id\":" + deep + "}\n"));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("2@2 ! not valid JSON: Number value length (").endsWith("exceeds the maximum allowed (1000)");
        assertThat(lines.get(2)).startsWith("3@3 ! not valid JSON: Document nesting depth (").endsWith("exceeds the maximum allowed (64)");
        assertThatThrownBy(() -> read(BASIC, utf8("{\"Items\":[{\"id\":" + longNumber + "}]}")))
                .isInstanceOf(JsonPayloadReader.UnreadablePayload.class)
                .hasMessageContaining("exceeds the maximum allowed (1000)").hasMessageNotContaining("StreamRead");
        for (String line : lines) {
            assertThat(line).doesNotContain("StreamRead", "`", "()");
        }
        assertThat(JsonFields.reason("Unexpected character at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1]", 200))
                .isEqualTo("Unexpected character at [Source: REDACTED; line: 1]");
        assertThat(JsonFields.reason((String) null, 10)).isEqualTo("unreadable");
    }
}

package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.JsonPayloadReader.RecordBytes;
import io.itdr.connector.support.PayloadFormat.Diagnostics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A {@link JsonPayloadReader.StreamingRecordHandler}: which records it is given off the parser, which
 * as trees, and that each record's bytes are exactly the payload's, wherever the parser's and the
 * reader's buffers end.
 */
class StreamingPayloadReaderTest {
    private static final JsonPayloadReader READER = new JsonPayloadReader(new PayloadFormat("record object", "item array",
            List.of(List.of("Items")), envelope -> null, 1 << 20, Diagnostics.BASIC));

    /** Streams records with an "id"; declines those with "tree": true. Says how each arrived, with its bytes. */
    private static final class Seen implements JsonPayloadReader.StreamingRecordHandler<String> {
        final List<String> calls = new ArrayList<>();
        final List<String> raw = new ArrayList<>();

        @Override
        public String parse(JsonParser parser) throws IOException {
            String id = null;
            boolean tree = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("id") && value == JsonToken.VALUE_STRING) {
                    id = parser.getText();
                } else if (name.equals("tree") || name.equals("Items")) {
                    tree = true;
                }
                parser.skipChildren();
            }
            return tree || id == null ? null : id;
        }

        @Override
        public void record(long number, long line, String parsed, RecordBytes bytes, String origin) {
            calls.add(number + "@" + line + " streamed " + parsed);
            raw.add(bytes.text());
        }

        @Override
        public void record(long number, long line, JsonNode record, RecordBytes bytes, String origin) {
            calls.add(number + "@" + line + " tree " + record.path("id").asText());
            raw.add(bytes == null ? null : bytes.text());
        }

        @Override
        public void record(long number, long line, JsonNode record, String origin) {
            throw new AssertionError("the reader gives a streaming handler the record's bytes where it has them");
        }

        @Override
        public void unreadable(long number, long line, String reason) {
            calls.add(number + "@" + line + " ! " + reason);
        }
    }

    private static Seen read(byte[] payload) {
        Seen seen = new Seen();
        try {
            READER.read(new ByteArrayInputStream(payload), seen);
        } catch (JsonPayloadReader.UnreadablePayload e) {
            seen.calls.add("stopped: " + e.getMessage());
        }
        return seen;
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

    @Test
    void eachRecordsBytesAreThePayloadsAcrossEveryBufferBoundary() {
        List<String> records = new ArrayList<>();
        StringBuilder payload = new StringBuilder("\ufeff{\"Other\": {\"x\": [1, 2]},\n \"Items\" : [\n");
        for (int i = 0; i < 3000; i++) {
            // sizes that drift across the parser's and the reader's buffer ends; pretty, escaped and multi-byte text
            String record = "{ \"id\" : \"r-" + i + "\",\n   \"pad\": \"" + "é€😀\\u00e9\\\"".repeat(i % 97) + "\", \"n\": [" + i + ", {\"a\": null}]"
                    + (i % 5 == 0 ? ", \"tree\": true" : "") + " }";
            records.add(record);
            payload.append(i == 0 ? "  " : " ,\r\n  ").append(record);
        }
        payload.append("\n], \"After\": {\"y\": \"z\"}}");
        for (byte[] bytes : List.of(payload.toString().getBytes(StandardCharsets.UTF_8), gzip(payload.toString().getBytes(StandardCharsets.UTF_8)))) {
            Seen seen = read(bytes);
            assertThat(seen.raw).containsExactlyElementsOf(records);
            assertThat(seen.calls.get(1)).isEqualTo("2@5 streamed r-1"); // each record has a line break inside
            assertThat(seen.calls.get(5)).isEqualTo("6@13 tree r-5");
            assertThat(seen.calls).hasSize(3000);
        }
    }

    @Test
    void linesAreStreamedWhenEachIsOneRecord() {
        String payload = "\ufeff{\"id\":\"a\"}  \r\n"
                + "{\"id\":\"b\",\"tree\":true}\n"
                + "{\"id\":\"c\"} {\"id\":\"d\"}\n"
                + "{\"id\":\"e\"} x\n"
                + "{\"Items\":[{\"id\":\"f\"}]}\n"
                + "[{\"id\":\"g\"}]\n"
                + "\t{ \"id\" : \"h\" }\t\n";
        Seen seen = read(payload.getBytes(StandardCharsets.UTF_8));
        assertThat(seen.calls).containsExactly("1@1 streamed a", "2@2 tree b", "3@3 ! more than one JSON value on the line",
                seen.calls.get(3), "5@5 tree f", "6@6 tree g", "7@7 streamed h");
        assertThat(seen.calls.get(3)).startsWith("4@4 ! not valid JSON: ");
        // the records of an envelope or array on a line come without their bytes
        assertThat(seen.raw).containsExactly("{\"id\":\"a\"}", "{\"id\":\"b\",\"tree\":true}", null, null, "{ \"id\" : \"h\" }");
    }

    /** Envelope record arrays are streamed; a root object that is a record, and records in UTF-16, are read as trees. */
    @Test
    void whatIsReadAsATree() {
        Seen root = read("{\"id\": \"solo\",\n \"n\": 1}\n{\"id\": \"two\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(root.calls).containsExactly("1@1 tree solo", "2@3 tree two");
        assertThat(root.raw).containsExactly(null, null);

        Seen utf16 = read("{\"Items\": [{\"id\": \"u\"}]}".getBytes(Charset.forName("UTF-16LE")));
        assertThat(utf16.calls).containsExactly("1@1 tree u");
        assertThat(utf16.raw).containsExactly((String) null);
    }
}

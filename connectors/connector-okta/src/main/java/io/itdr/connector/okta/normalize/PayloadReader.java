package io.itdr.connector.okta.normalize;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Splits a System Log payload into LogEvent records without holding more than one record in
 * memory. Framing is detected from the bytes, never from the name: gzip by its magic number; then
 * <ul>
 *   <li><b>lines</b> (JSON Lines): when the first line is one complete JSON object that is not an
 *       event hook delivery. Each line is read on its own, so a broken line is one unreadable record
 *       and the lines after it are still read. A line may also hold an array of LogEvents or a
 *       whole delivery;</li>
 *   <li><b>stream</b>: everything else: the array {@code GET /api/v1/logs} answers, an event hook
 *       delivery {@code {"eventType":"com.okta.event_hook",…,"data":{"events":[…]}}}, one or more
 *       (pretty-printed) LogEvents or deliveries one after the other. The elements of an array are
 *       parsed one at a time. A syntax error ends the payload: JSON cannot be resynchronised.</li>
 * </ul>
 *
 * <p>An event hook delivery names the org it came from in {@code source}
 * (https://developer.okta.com/docs/concepts/event-hooks/, "Sample event delivery payload"); the
 * reader hands that org's host with each of its records, when {@code source} comes before
 * {@code data} as Okta sends it.
 *
 * <p>Limits against hostile input: nesting depth, string length, bytes per record and per line.
 * Exceeding one in stream mode ends the payload; in lines mode it makes that line unreadable.
 *
 * <p>Thread-safe: each {@link #read} call keeps its own state.
 */
final class PayloadReader {
    static final int MAX_NESTING_DEPTH = 64;
    static final int MAX_STRING_CHARS = 1 << 20;
    static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    private static final int SNIFF_BYTES = 64 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Receives records in payload order. Numbers count records from 1; lines count from 1. */
    interface RecordHandler {
        /**
         * @param origin the host of the org whose event hook delivered the record; null when the
         *               payload does not say
         */
        void record(long number, long line, JsonNode record, String origin);

        void unreadable(long number, long line, String reason);
    }

    /** The payload cannot be read any further; the records before it were handled. */
    static final class UnreadablePayload extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadablePayload(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ObjectMapper mapper;
    private final int maxRecordBytes;

    PayloadReader(int maxRecordBytes) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_CHARS)
                        .build())
                .build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        this.mapper = new ObjectMapper(factory);
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The mapper with this reader's limits, for JSON embedded in records (debugData strings). */
    ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads every record of {@code body} (not closed) into {@code handler}. Runtime exceptions the
     * body throws (a transport failure the caller wrapped) pass through untouched.
     *
     * @throws UnreadablePayload when the payload stops being readable (not JSON, truncated or
     *                           corrupt gzip, a limit exceeded in stream mode); says after which record
     */
    void read(InputStream body, RecordHandler handler) throws UnreadablePayload {
        Progress progress = new Progress();
        try {
            BufferedInputStream raw = new BufferedInputStream(new KeepOpen(body), BUFFER_BYTES);
            InputStream plain = isGzip(raw) ? new NotGreedy(new GZIPInputStream(raw, BUFFER_BYTES)) : raw;
            try (RecordBudget budget = new RecordBudget(new BufferedInputStream(plain, BUFFER_BYTES), maxRecordBytes)) {
                if (startsWithJsonLine(budget)) {
                    readLines(budget, handler, progress);
                } else {
                    readStream(budget, handler, progress);
                }
            }
        } catch (IOException e) {
            String after = progress.reading ? "in record " + progress.records
                    : progress.records == 0 ? "before the first record" : "after record " + progress.records;
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new UnreadablePayload("cannot be read " + after + ": " + LogFields.clip(reason, 200), e);
        }
    }

    /** The first byte that is not whitespace (or a UTF-8 byte order mark), or -1; the stream is left where it was. */
    static int firstSignificantByte(BufferedInputStream in) throws IOException {
        in.mark(SNIFF_BYTES);
        try {
            int b;
            int read = 0;
            while ((b = in.read()) != -1 && read++ < SNIFF_BYTES) {
                if (b != 0xef && b != 0xbb && b != 0xbf && !Character.isWhitespace(b)) {
                    return b;
                }
            }
            return -1;
        } finally {
            in.reset();
        }
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    /** Whether the first line holds one complete JSON object that is not an event hook delivery (JSON Lines). */
    private boolean startsWithJsonLine(RecordBudget in) throws IOException {
        in.mark(SNIFF_BYTES);
        byte[] head = readAhead(in);
        in.reset();
        int start = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf ? 3 : 0;
        while (start < head.length && Character.isWhitespace(head[start])) {
            start++;
        }
        if (start == head.length || head[start] != '{') {
            return false;
        }
        int newline = start;
        while (newline < head.length && head[newline] != '\n') {
            newline++;
        }
        if (newline == head.length) {
            return false;
        }
        try (JsonParser parser = mapper.getFactory().createParser(head, start, newline - start)) {
            JsonNode first = mapper.readTree(parser);
            return first != null && first.isObject() && parser.nextToken() == null && deliveredEvents(first) == null;
        } catch (IOException notOneLine) {
            return false; // a pretty-printed document, or not JSON at all: stream mode says which
        }
    }

    /**
     * Up to {@link #SNIFF_BYTES} bytes, or fewer when the payload breaks off sooner (a truncated gzip): the
     * records before the break are still read, and the break is reported where reading meets it.
     */
    private static byte[] readAhead(InputStream in) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while (head.size() < SNIFF_BYTES && (n = in.read(buffer, 0, Math.min(buffer.length, SNIFF_BYTES - head.size()))) != -1) {
                head.write(buffer, 0, n);
            }
        } catch (IOException breaksOff) {
            // sniff what arrived
        }
        return head.toByteArray();
    }

    /** The {@code data.events} array of an event hook delivery, or null when {@code node} is not one. */
    private static JsonNode deliveredEvents(JsonNode node) {
        JsonNode data = node.get("data");
        JsonNode events = data == null ? null : data.get("events");
        return events != null && events.isArray() ? events : null;
    }

    /** The host of an event hook delivery's {@code source} URL, lower-case; null when it has none. */
    static String originOf(String source) {
        if (source == null) {
            return null;
        }
        try {
            String host = new URI(source.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    // ---- stream mode ----

    private void readStream(RecordBudget in, RecordHandler handler, Progress progress) throws IOException {
        try (JsonParser parser = mapper.getFactory().createParser(in)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.START_ARRAY) {
                    readArrayOfRecords(parser, in, handler, progress, null);
                } else if (token == JsonToken.START_OBJECT) {
                    readRootObject(parser, in, handler, progress);
                } else {
                    throw new IOException("expected a JSON object or array at line " + parser.currentTokenLocation().getLineNr()
                            + ", found " + describe(token));
                }
            }
        }
    }

    /**
     * A root object is either an event hook delivery (its {@code data.events} are streamed) or
     * itself one record. Which one is only known on reaching {@code data.events}, so fields are
     * kept until then.
     */
    private void readRootObject(JsonParser parser, RecordBudget in, RecordHandler handler, Progress progress) throws IOException {
        long line = parser.currentTokenLocation().getLineNr();
        in.startRecord();
        ObjectNode fields = mapper.createObjectNode();
        boolean delivery = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (delivery) {
                parser.skipChildren(); // the rest of a delivery (eventTime, contentType) holds no records
            } else if (value == JsonToken.START_OBJECT && name.equals("data")) {
                ObjectNode data = mapper.createObjectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String inner = parser.currentName();
                    JsonToken innerValue = parser.nextToken();
                    if (delivery) {
                        parser.skipChildren();
                    } else if (innerValue == JsonToken.START_ARRAY && inner.equals("events")) {
                        delivery = true;
                        in.endRecord();
                        readArrayOfRecords(parser, in, handler, progress, originOf(LogFields.text(fields, "source")));
                    } else {
                        data.set(inner, mapper.readTree(parser));
                    }
                }
                if (!delivery) {
                    fields.set("data", data);
                }
            } else {
                fields.set(name, mapper.readTree(parser));
            }
        }
        in.endRecord();
        if (!delivery) {
            handler.record(++progress.records, line, fields, null);
        }
    }

    private void readArrayOfRecords(JsonParser parser, RecordBudget in, RecordHandler handler, Progress progress, String origin)
            throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unexpected end of input inside the array of LogEvents");
            }
            long number = ++progress.records;
            long line = parser.currentTokenLocation().getLineNr();
            if (token == JsonToken.START_OBJECT) {
                in.startRecord();
                progress.reading = true;
                JsonNode record = mapper.readTree(parser);
                progress.reading = false;
                in.endRecord();
                handler.record(number, line, record, origin);
            } else {
                parser.skipChildren();
                handler.unreadable(number, line, "expected a LogEvent object, found " + describe(token));
            }
        }
    }

    // ---- lines mode ----

    private void readLines(RecordBudget in, RecordHandler handler, Progress progress) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
        long lineNumber = 0;
        boolean more = true;
        while (more) {
            line.reset();
            boolean tooLong = false;
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (line.size() < maxRecordBytes) {
                    line.write(b);
                } else {
                    tooLong = true; // read on to the end of the line, keep nothing
                }
            }
            more = b != -1;
            lineNumber++;
            byte[] bytes = line.toByteArray();
            int length = bytes.length;
            if (length > 0 && bytes[length - 1] == '\r') {
                length--;
            }
            if (tooLong) {
                handler.unreadable(++progress.records, lineNumber, "line longer than " + maxRecordBytes + " bytes");
            } else if (!isBlank(bytes, length)) {
                readLine(bytes, length, lineNumber, handler, progress);
            }
        }
    }

    private void readLine(byte[] bytes, int length, long lineNumber, RecordHandler handler, Progress progress) {
        JsonNode node;
        try (JsonParser parser = mapper.getFactory().createParser(bytes, 0, length)) {
            node = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                handler.unreadable(++progress.records, lineNumber, "more than one JSON value on the line");
                return;
            }
        } catch (IOException e) {
            handler.unreadable(++progress.records, lineNumber, "not valid JSON: "
                    + LogFields.clip(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage(), 160));
            return;
        }
        JsonNode delivered = node != null && node.isObject() ? deliveredEvents(node) : null;
        if (node != null && node.isArray()) {
            node.forEach(record -> emit(record, lineNumber, null, handler, progress));
        } else if (delivered != null) {
            String origin = originOf(LogFields.text(node, "source"));
            delivered.forEach(record -> emit(record, lineNumber, origin, handler, progress));
        } else {
            emit(node, lineNumber, null, handler, progress);
        }
    }

    private static void emit(JsonNode node, long line, String origin, RecordHandler handler, Progress progress) {
        long number = ++progress.records;
        if (node != null && node.isObject()) {
            handler.record(number, line, node, origin);
        } else {
            handler.unreadable(number, line, "expected a LogEvent object, found " + LogFields.kindOf(node));
        }
    }

    private static boolean isBlank(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (!Character.isWhitespace(bytes[i])) {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> token.name();
        };
    }

    /** Records seen so far, and whether the last is still being read, to say where reading stopped. */
    private static final class Progress {
        long records;
        boolean reading;
    }

    /**
     * Counts bytes and refuses to deliver more than a budget while one record is being read, so a
     * single enormous record cannot fill memory. The count includes the parser's read-ahead, so
     * the limit is approximate by one buffer.
     */
    private static final class RecordBudget extends FilterInputStream {
        private final long limit;
        private long count;
        private long recordStart = -1;
        private long mark;

        RecordBudget(InputStream in, int limit) {
            super(in);
            this.limit = limit + (long) BUFFER_BYTES;
        }

        void startRecord() {
            recordStart = count;
        }

        void endRecord() {
            recordStart = -1;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                advance(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                advance(n);
            }
            return n;
        }

        @Override
        public synchronized void mark(int readLimit) {
            super.mark(readLimit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }

        private void advance(int n) throws IOException {
            count += n;
            if (recordStart >= 0 && count - recordStart > limit) {
                throw new IOException("a record is larger than " + (limit - BUFFER_BYTES) + " bytes");
            }
        }
    }

    /**
     * Reports nothing available, so that a {@link BufferedInputStream} above hands over what one read gave
     * instead of reading on: otherwise the bytes of a truncated gzip before the break are dropped with the
     * exception the next read throws, and the records they hold are lost.
     */
    private static final class NotGreedy extends FilterInputStream {
        NotGreedy(InputStream in) {
            super(in);
        }

        @Override
        public int available() {
            return 0;
        }
    }

    /** Keeps the caller's stream open: whoever opened it closes it. */
    private static final class KeepOpen extends FilterInputStream {
        KeepOpen(InputStream in) {
            super(in);
        }

        @Override
        public void close() {
        }
    }
}

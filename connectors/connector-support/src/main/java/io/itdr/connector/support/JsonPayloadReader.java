package io.itdr.connector.support;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Splits a raw payload into JSON records without ever holding more than one record in memory.
 *
 * <p>Framing is detected from the bytes, never from the name: gzip by its magic number; then
 * <ul>
 *   <li><b>lines</b> (JSON Lines): when the first line is one complete JSON object that is not an
 *       envelope (see {@link PayloadFormat#containerPaths()}). Every line is read on its own, so a
 *       broken line is one unreadable record and the lines after it are still read. A line may
 *       also hold an array of records or a whole envelope;</li>
 *   <li><b>stream</b>: everything else: an envelope, a top-level array, or one or more
 *       (pretty-printed) JSON documents one after the other. The elements of an array are parsed
 *       one at a time. A syntax error ends the payload: JSON cannot be resynchronised.</li>
 * </ul>
 * A root object is an envelope when an array sits at one of the format's container paths; every
 * such array is streamed as records, and the envelope's other fields are dropped. Otherwise the
 * object is itself one record.
 *
 * <p>Limits against hostile input: nesting depth, string length, bytes per record and per line.
 * Exceeding one in stream mode ends the payload; in lines mode it makes that line unreadable.
 *
 * <p>Thread-safe: each {@link #read} call keeps its own state.
 */
public final class JsonPayloadReader {
    public static final int MAX_NESTING_DEPTH = 64;
    public static final int MAX_STRING_CHARS = 1 << 20;
    private static final int SNIFF_BYTES = 64 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Receives records in payload order, on the reading thread. Numbers count records from 1; lines count from 1. */
    public interface RecordHandler {
        /**
         * @param record a JSON object; never null
         * @param origin what the record's envelope says about where it came from; null when the
         *               payload does not say
         */
        void record(long number, long line, JsonNode record, String origin);

        /** A record that is not a JSON object, or a line that is not one JSON value; {@code reason} is never null. */
        void unreadable(long number, long line, String reason);
    }

    /**
     * A handler that reads records straight off the parser, picking the fields it needs, instead of
     * receiving each as a tree; it gets each record's bytes as they are in the payload. Streamed are
     * the objects of an array of records (stream mode) and lines that hold one object (lines mode);
     * everything else, and every record {@link #parse} declines, reaches the tree methods, exactly as
     * with a plain {@link RecordHandler}. The outcome (records, numbers, lines, rejections, where a
     * payload stops and why) is the same as with the tree methods alone, with one exception: a
     * string longer than {@link #MAX_STRING_CHARS} inside a record of more than that many bytes is
     * found by reading that record again as a tree, and the length the message reports may differ.
     *
     * @param <T> what {@link #parse} makes of a record, handed back to {@link #record(long, long, Object, RecordBytes, String)}
     */
    public interface StreamingRecordHandler<T> extends RecordHandler {
        /**
         * Reads one record: the parser is on its {@code START_OBJECT} and must be left on the matching
         * {@code END_OBJECT} (values not needed are skipped with {@link JsonParser#skipChildren()}).
         * Must deliver nothing: the reader may still find the record unusable (a line with more after
         * it) and read it as a tree instead. Must decline an object with a field named like the first
         * field of a {@link PayloadFormat#containerPaths() container path}: on a line such an object
         * may be an envelope.
         *
         * @return what to deliver, or null to have the record read as a tree
         * @throws IOException what the parser throws; in stream mode it ends the payload as it would
         *                     have when read as a tree, in lines mode the line is read as a tree
         */
        T parse(JsonParser parser) throws IOException;

        /**
         * Delivers what {@link #parse} made of a record.
         *
         * @param raw the record's bytes as they are in the payload; valid during this call only
         */
        void record(long number, long line, T parsed, RecordBytes raw, String origin);

        /**
         * A record read as a tree, with its bytes in the payload when the reader has them (a record
         * {@link #parse} declined); otherwise {@code raw} is null. Calls {@link #record(long, long, JsonNode, String)}
         * unless overridden.
         */
        default void record(long number, long line, JsonNode record, RecordBytes raw, String origin) {
            record(number, line, record, origin);
        }
    }

    /**
     * One record's bytes as they are in the (decompressed) payload, from its opening to its closing
     * brace: UTF-8 JSON, one object. Valid only during the handler call it is given to.
     */
    public static final class RecordBytes {
        private byte[] bytes;
        private int offset;
        private int length;

        private RecordBytes set(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
            return this;
        }

        /** The number of bytes. */
        public int length() {
            return length;
        }

        /** The record as text, decoded from its UTF-8 bytes: byte for byte what the payload holds. */
        public String text() {
            return new String(bytes, offset, length, StandardCharsets.UTF_8);
        }

        /** A copy of the bytes. */
        public byte[] toByteArray() {
            return Arrays.copyOfRange(bytes, offset, offset + length);
        }
    }

    /** The payload cannot be read any further; the records before it were handled. */
    public static final class UnreadablePayload extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadablePayload(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final PayloadFormat format;
    private final boolean precise;
    private final ObjectMapper mapper;

    public JsonPayloadReader(PayloadFormat format) {
        this.format = Objects.requireNonNull(format, "format");
        this.precise = format.diagnostics() == PayloadFormat.Diagnostics.PRECISE;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxStringLength(MAX_STRING_CHARS)
                        .build())
                .build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        this.mapper = new ObjectMapper(factory);
    }

    /**
     * Where a record was, for rejections: {@code "<payload>:record N, line L"}, and {@code ", id X"}
     * when the record's id is a readable string. Records of one JSON document (a CloudTrail log
     * file) all sit on line 1: their number and id are what tells an operator which one it was.
     *
     * @param record  the record; may be null (unreadable)
     * @param idField the field holding the record's id (e.g. {@code eventID}); may be null
     */
    public static String location(String payload, long number, long line, JsonNode record, String idField) {
        JsonNode id = record == null || idField == null ? null : record.get(idField);
        return location(payload, number, line, id != null && id.isTextual() ? id.textValue() : null);
    }

    /**
     * Like {@link #location(String, long, long, JsonNode, String)}, for a record read without a tree.
     *
     * @param id the record's id when it is a string; may be null
     */
    public static String location(String payload, long number, long line, String id) {
        String where = payload + ":record " + number + ", line " + line;
        return id != null && !id.isBlank() ? where + ", id " + JsonFields.clip(id, 120) : where;
    }

    /** The mapper with this reader's limits, for JSON embedded in records (as strings inside them). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads every record of {@code body} (not closed) into {@code handler}. Runtime exceptions the
     * body or the handler throw pass through untouched.
     *
     * @throws UnreadablePayload when the payload stops being readable (not JSON, truncated or
     *                           corrupt gzip, a limit exceeded in stream mode); says after which record
     */
    public void read(InputStream body, RecordHandler handler) throws UnreadablePayload {
        Objects.requireNonNull(handler, "handler");
        read(body, handler, null);
    }

    /**
     * Like {@link #read(InputStream, RecordHandler)}, streaming the records {@code handler} can read
     * without a tree (see {@link StreamingRecordHandler}).
     */
    public <T> void read(InputStream body, StreamingRecordHandler<T> handler) throws UnreadablePayload {
        Objects.requireNonNull(handler, "handler");
        read(body, handler, new Streamer<>(handler));
    }

    private void read(InputStream body, RecordHandler handler, Streamer<?> streamer) throws UnreadablePayload {
        Objects.requireNonNull(body, "body");
        Progress progress = new Progress(streamer);
        try {
            BufferedInputStream raw = new BufferedInputStream(new KeepOpen(body), BUFFER_BYTES);
            InputStream plain = raw;
            if (isGzip(raw)) {
                GZIPInputStream gzip = new GZIPInputStream(raw, BUFFER_BYTES);
                plain = precise ? new NotGreedy(gzip) : new BufferedInputStream(gzip, BUFFER_BYTES);
            }
            try (RecordBudget budget = new RecordBudget(new BufferedInputStream(plain, BUFFER_BYTES), format.maxRecordBytes())) {
                if (startsWithJsonLine(budget)) {
                    readLines(budget, handler, progress);
                } else {
                    readStream(budget, handler, progress);
                }
            }
        } catch (IOException e) {
            String after = precise && progress.reading ? "in record " + progress.records
                    : progress.records == 0 ? "before the first record" : "after record " + progress.records;
            String reason = precise && e instanceof JsonProcessingException ? JsonFields.reason(e, 200) : JsonFields.reason(e.getMessage(), 200);
            throw new UnreadablePayload("cannot be read " + after + ": " + reason, e);
        }
    }

    /** The first byte that is not whitespace (or a UTF-8 byte order mark), or -1; the stream is left where it was. */
    public static int firstSignificantByte(BufferedInputStream in) throws IOException {
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

    /** Whether the first line holds one complete JSON object that is not an envelope (JSON Lines). */
    private boolean startsWithJsonLine(RecordBudget in) throws IOException {
        in.mark(SNIFF_BYTES);
        byte[] head = precise ? readAhead(in) : in.readNBytes(SNIFF_BYTES);
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
            return first != null && first.isObject() && parser.nextToken() == null && !format.isEnvelope(first);
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

    // ---- stream mode ----

    private void readStream(RecordBudget in, RecordHandler handler, Progress progress) throws IOException {
        // a streaming handler gets each record's bytes: they are kept from where the records are
        InputStream source = progress.streamer == null ? in : progress.streamer.keep(in);
        try (JsonParser parser = mapper.getFactory().createParser(source)) {
            if (progress.streamer != null && parser.currentLocation().getByteOffset() < 0) {
                // not UTF-8 (the parser reads characters, with no byte offsets): every record as a tree
                progress.streamer.kept.stop();
                progress.streamer.off = true;
            }
            JsonToken token;
            while ((token = progress.next(parser)) != null) {
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
     * A root object is either an envelope (its record arrays are streamed) or itself one record.
     * Which one is only known on reaching a record array, so fields are kept until then.
     */
    private void readRootObject(JsonParser parser, RecordBudget in, RecordHandler handler, Progress progress) throws IOException {
        long line = parser.currentTokenLocation().getLineNr();
        in.startRecord();
        ObjectNode fields = mapper.createObjectNode();
        boolean envelope = readObject(parser, in, fields, fields, format.containerPaths(), handler, progress);
        in.endRecord();
        if (!envelope) {
            progress.tree(handler, ++progress.records, line, fields, null);
        }
    }

    /**
     * Reads the fields of the object the parser is in into {@code into}, streaming the record arrays
     * at {@code paths} (relative to this object).
     *
     * @param root the root object's fields read so far, for {@link PayloadFormat#origin()}
     * @return whether a record array was streamed; the object's fields then are incomplete
     */
    private boolean readObject(JsonParser parser, RecordBudget in, ObjectNode into, ObjectNode root, List<List<String>> paths,
                               RecordHandler handler, Progress progress) throws IOException {
        boolean envelope = false;
        while (progress.next(parser) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            List<List<String>> below = pathsBelow(paths, name);
            if (value == JsonToken.START_ARRAY && paths.contains(List.of(name))) {
                envelope = true;
                in.endRecord();
                readArrayOfRecords(parser, in, handler, progress, format.origin().apply(root));
            } else if (value == JsonToken.START_OBJECT && !below.isEmpty()) {
                ObjectNode child = mapper.createObjectNode();
                if (readObject(parser, in, child, root, below, handler, progress)) {
                    envelope = true;
                } else if (!envelope) {
                    into.set(name, child);
                }
            } else if (envelope) {
                parser.skipChildren(); // the rest of an envelope (digests, next tokens, delivery times) holds no records
            } else {
                into.set(name, mapper.readTree(parser));
            }
        }
        return envelope;
    }

    /** The rest of each path that goes on through {@code field}. */
    private static List<List<String>> pathsBelow(List<List<String>> paths, String field) {
        List<List<String>> below = new ArrayList<>(0);
        for (List<String> path : paths) {
            if (path.size() > 1 && path.get(0).equals(field)) {
                below.add(path.subList(1, path.size()));
            }
        }
        return below;
    }

    private void readArrayOfRecords(JsonParser parser, RecordBudget in, RecordHandler handler, Progress progress, String origin)
            throws IOException {
        JsonToken token;
        while ((token = progress.next(parser)) != JsonToken.END_ARRAY) {
            if (token == null) {
                throw new IOException("unexpected end of input inside the " + format.arrayName());
            }
            long number = ++progress.records;
            JsonLocation start = parser.currentTokenLocation();
            long line = start.getLineNr();
            if (token == JsonToken.START_OBJECT && progress.streaming()) {
                in.startRecord();
                progress.reading = true;
                progress.streamer.streamRecord(parser, in, progress, start.getByteOffset(), number, line, origin);
            } else if (token == JsonToken.START_OBJECT) {
                in.startRecord();
                progress.reading = true;
                JsonNode record = mapper.readTree(parser);
                progress.reading = false;
                in.endRecord();
                progress.tree(handler, number, line, record, origin);
            } else {
                parser.skipChildren();
                handler.unreadable(number, line, "expected a " + format.recordKind() + ", found " + describe(token));
            }
        }
    }

    // ---- lines mode ----

    private void readLines(RecordBudget in, RecordHandler handler, Progress progress) throws IOException {
        int maxRecordBytes = format.maxRecordBytes();
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
        if (progress.streaming() && progress.streamer.streamLine(bytes, length, lineNumber, progress)) {
            return;
        }
        JsonNode node;
        try (JsonParser parser = mapper.getFactory().createParser(bytes, 0, length)) {
            node = mapper.readTree(parser);
            if (parser.nextToken() != null) {
                handler.unreadable(++progress.records, lineNumber, "more than one JSON value on the line");
                return;
            }
        } catch (IOException e) {
            handler.unreadable(++progress.records, lineNumber, "not valid JSON: " + JsonFields.reason(e, 160));
            return;
        }
        if (node != null && node.isArray()) {
            node.forEach(record -> emit(record, lineNumber, null, handler, progress));
        } else if (node != null && node.isObject() && format.isEnvelope(node)) {
            String origin = format.origin().apply(node);
            for (List<String> path : format.containerPaths()) {
                JsonNode records = PayloadFormat.recordsAt(node, path);
                if (records != null) {
                    records.forEach(record -> emit(record, lineNumber, origin, handler, progress));
                }
            }
        } else if (node != null && node.isObject() && progress.streaming()) {
            progress.streamer.lineRecord(++progress.records, lineNumber, node, bytes, length);
        } else {
            emit(node, lineNumber, null, handler, progress);
        }
    }

    private void emit(JsonNode node, long line, String origin, RecordHandler handler, Progress progress) {
        long number = ++progress.records;
        if (node != null && node.isObject()) {
            progress.tree(handler, number, line, node, origin);
        } else {
            String found = precise ? JsonFields.kindOf(node)
                    : node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
            handler.unreadable(number, line, "expected a " + format.recordKind() + ", found " + found);
        }
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
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

    /**
     * Records seen so far, and whether the last is still being read, to say where reading stopped;
     * the streaming handler's reading when there is one.
     */
    private static final class Progress {
        final Streamer<?> streamer;
        long records;
        boolean reading;

        Progress(Streamer<?> streamer) {
            this.streamer = streamer;
        }

        /** The parser's next token; with a streaming handler, the bytes before it are no longer kept. */
        JsonToken next(JsonParser parser) throws IOException {
            if (streaming() && streamer.kept != null) {
                streamer.kept.release(parser.currentLocation().getByteOffset());
            }
            return parser.nextToken();
        }

        /** Whether records are streamed: there is a streaming handler, and the payload has byte offsets. */
        boolean streaming() {
            return streamer != null && !streamer.off;
        }

        /** A record read as a tree, without its bytes. */
        void tree(RecordHandler handler, long number, long line, JsonNode record, String origin) {
            if (streamer != null) {
                streamer.handler.record(number, line, record, null, origin);
            } else {
                handler.record(number, line, record, origin);
            }
        }
    }

    /** One {@link #read} call's streaming of records into a {@link StreamingRecordHandler}. */
    private final class Streamer<T> {
        private final StreamingRecordHandler<T> handler;
        private final RecordBytes raw = new RecordBytes();
        /** The payload is not UTF-8: no record is streamed. */
        boolean off;
        /** In stream mode, the payload's bytes from where the parser is (or the record it is in) on. */
        Kept kept;

        Streamer(StreamingRecordHandler<T> handler) {
            this.handler = handler;
        }

        InputStream keep(InputStream in) {
            kept = new Kept(in);
            return kept;
        }

        /**
         * Stream mode: the record whose {@code START_OBJECT} the parser is on, at byte {@code start}.
         * A record that may hold a string beyond {@link #MAX_STRING_CHARS} (skipped strings are not
         * measured) is read again as a tree, which measures every string.
         */
        void streamRecord(JsonParser parser, RecordBudget in, Progress progress, long start, long number, long line, String origin)
                throws IOException {
            T parsed = handler.parse(parser);
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IllegalStateException("the streaming handler did not leave the parser on the record's end");
            }
            long end = parser.currentLocation().getByteOffset();
            kept.slice(start, end, raw);
            if (parsed == null || raw.length() > MAX_STRING_CHARS) {
                JsonNode tree;
                try (JsonParser again = mapper.getFactory().createParser(raw.bytes, raw.offset, raw.length)) {
                    tree = mapper.readTree(again);
                }
                progress.reading = false;
                in.endRecord();
                handler.record(number, line, tree, raw, origin);
            } else {
                progress.reading = false;
                in.endRecord();
                handler.record(number, line, parsed, raw, origin);
            }
        }

        /**
         * Lines mode: streams a line that holds one object and nothing else; false when the line must
         * be read as a tree (not one object, declined, not valid JSON: the tree says why).
         */
        boolean streamLine(byte[] bytes, int length, long lineNumber, Progress progress) {
            if (length > MAX_STRING_CHARS) {
                return false; // may hold a string too long, which skipping would not notice
            }
            T parsed;
            int start;
            int end;
            try (JsonParser parser = mapper.getFactory().createParser(bytes, 0, length)) {
                if (parser.nextToken() != JsonToken.START_OBJECT) {
                    return false;
                }
                start = (int) parser.currentTokenLocation().getByteOffset();
                if (start < 0) {
                    return false; // not UTF-8: no byte offsets
                }
                parsed = handler.parse(parser);
                if (parsed == null || parser.currentToken() != JsonToken.END_OBJECT) {
                    return false;
                }
                end = (int) parser.currentLocation().getByteOffset();
                if (parser.nextToken() != null) {
                    return false;
                }
            } catch (IOException invalid) {
                return false;
            }
            handler.record(++progress.records, lineNumber, parsed, raw.set(bytes, start, end - start), null);
            return true;
        }

        /** Lines mode: a line that is one object, read as a tree; its bytes are the line's without the whitespace (and byte order mark) around it. */
        void lineRecord(long number, long lineNumber, JsonNode record, byte[] bytes, int length) {
            int start = length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf ? 3 : 0;
            int end = length;
            while (start < end && isJsonWhitespace(bytes[start])) {
                start++;
            }
            while (end > start && isJsonWhitespace(bytes[end - 1])) {
                end--;
            }
            boolean utf8 = end - start >= 2 && bytes[start] == '{' && bytes[end - 1] == '}'; // not so in UTF-16 or UTF-32
            handler.record(number, lineNumber, record, utf8 ? raw.set(bytes, start, end - start) : null, null);
        }
    }

    /**
     * Passes a stream through, keeping what it delivered from a released offset on, so that the bytes
     * of the record the parser is in (which it has read ahead of) can be sliced out.
     */
    private static final class Kept extends FilterInputStream {
        private byte[] buffer = new byte[2 * BUFFER_BYTES];
        private boolean keeping = true;
        /** Payload offset of {@code buffer[from]}. */
        private long base;
        private int from;
        private int to;

        Kept(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0 && keeping) {
                room(1);
                buffer[to++] = (byte) b;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && keeping) {
                room(n);
                System.arraycopy(b, off, buffer, to, n);
                to += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] skipped = new byte[(int) Math.min(n, 8192)];
            int read = read(skipped, 0, skipped.length);
            return Math.max(read, 0);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public synchronized void mark(int readLimit) {
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported");
        }

        /** Keeps nothing from now on. */
        void stop() {
            keeping = false;
            buffer = new byte[0];
            from = 0;
            to = 0;
        }

        /** The bytes before {@code offset} are no longer needed. */
        void release(long offset) {
            int drop = (int) Math.min(Math.max(offset - base, 0), to - from);
            from += drop;
            base += drop;
        }

        /** Points {@code into} at the bytes from {@code start} to {@code end}, which must be kept. */
        void slice(long start, long end, RecordBytes into) {
            if (start < base || end > base + (to - from) || start > end) {
                throw new IllegalStateException("bytes " + start + ".." + end + " are not kept (" + base + ".." + (base + to - from) + ")");
            }
            into.set(buffer, from + (int) (start - base), (int) (end - start));
        }

        private void room(int n) {
            if (to + n <= buffer.length) {
                return;
            }
            int kept = to - from;
            byte[] target = kept + n <= buffer.length / 2 ? buffer : new byte[Math.max(buffer.length * 2, kept + n)];
            System.arraycopy(buffer, from, target, 0, kept);
            buffer = target;
            from = 0;
            to = kept;
        }
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

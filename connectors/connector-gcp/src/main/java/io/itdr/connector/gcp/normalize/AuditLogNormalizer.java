package io.itdr.connector.gcp.normalize;

import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.kindOf;
import static io.itdr.connector.support.JsonFields.object;
import static io.itdr.connector.support.JsonFields.reason;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.JsonPayloadReader;
import io.itdr.connector.support.PayloadFormat;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Normalizes Cloud Audit Logs: {@code LogEntry} objects one per line (a Cloud Storage log sink's
 * files, {@code gcloud logging read --format=json} output), the {@code entries.list} answer
 * ({@code {"entries":[…],"nextPageToken":…}},
 * https://cloud.google.com/logging/docs/reference/v2/rest/v2/entries/list), and Pub/Sub deliveries
 * of a log sink: push requests ({@code {"message":{"data":"<base64 LogEntry>",…},"subscription":…}},
 * https://cloud.google.com/pubsub/docs/push#receive_push), pull answers
 * ({@code {"receivedMessages":[{"ackId":…,"message":{…}}]}},
 * https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/pull) and bare
 * {@code PubsubMessage}s. Any of these may be gzip-compressed (detected by the bytes).
 *
 * <p>Every entry becomes an event (see {@link LogEntryMapper}) handed to the sink with its location
 * and the {@code LogEntry} itself as JSON (decoded from the Pub/Sub message where it came in one), or
 * a {@link Rejection} located as {@code <payload>:record N, line L[, id X]} naming the field at fault.
 * Events carry {@code rawRef} {@code <payload>:record N}. Reading stops with
 * {@link ErrorCode#MALFORMED_RESPONSE} only when the payload itself cannot be read further.
 *
 * <p>Needs no configuration and never calls Google Cloud, so replay can use it offline.
 * Thread-safe: each call keeps its own state.
 */
public final class AuditLogNormalizer implements EventNormalizer {
    static final int DEFAULT_MAX_RECORD_BYTES = 4 << 20;
    private static final List<List<String>> CONTAINER_FIELDS = List.of(List.of("entries"), List.of("receivedMessages"));

    private final JsonPayloadReader reader;
    private final LogEntryMapper mapper = new LogEntryMapper();

    public AuditLogNormalizer() {
        this.reader = new JsonPayloadReader(new PayloadFormat("LogEntry object", "array of log entries", CONTAINER_FIELDS,
                envelope -> null, DEFAULT_MAX_RECORD_BYTES, PayloadFormat.Diagnostics.PRECISE));
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sink, "sink");
        String name = clip(payload.name(), 200);
        read(payload.body(), name, sink);
    }

    /**
     * Normalizes one page a poll read (an {@code entries.list} answer, or entries one per line), with
     * {@code where} naming the page in locations and rawRefs.
     *
     * @throws ConnectorException {@code MALFORMED_RESPONSE} when the page cannot be read to its end
     */
    public void normalizePage(InputStream body, String where, NormalizationSink sink) {
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(sink, "sink");
        read(body, where, sink);
    }

    /**
     * Normalizes one {@code LogEntry} of an answer the caller parsed (a polled {@code entries.list} page):
     * the event or a rejection at {@code location}; never throws for a bad entry.
     *
     * @param entry    the entry; never null
     * @param location where it was, for the sink ("entries.list … entry 3, id X"); never null
     * @param rawRef   where the raw record lives, for the event; never null
     */
    public void normalizeEntry(JsonNode entry, String location, String rawRef, NormalizationSink sink) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(rawRef, "rawRef");
        Objects.requireNonNull(sink, "sink");
        if (!entry.isObject()) {
            sink.reject(new Rejection(location, "expected a LogEntry object, found " + kindOf(entry)));
            return;
        }
        emit(entry, location, rawRef, sink);
    }

    /**
     * Normalizes one Pub/Sub {@code PubsubMessage} a pull received
     * (https://cloud.google.com/pubsub/docs/reference/rest/v1/PubsubMessage): its {@code data} decoded as a
     * {@code LogEntry}, the event or a rejection at {@code location}; never throws for a bad message.
     */
    public void normalizeMessage(JsonNode message, String location, String rawRef, NormalizationSink sink) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(rawRef, "rawRef");
        Objects.requireNonNull(sink, "sink");
        if (message == null || !message.isObject()) {
            sink.reject(new Rejection(location, "message: expected a PubsubMessage object, found " + kindOf(message)));
            return;
        }
        JsonNode entry;
        try {
            entry = decode(message, "message.data");
        } catch (RejectedRecord rejected) {
            sink.reject(new Rejection(location, rejected.getMessage()));
            return;
        }
        emit(entry, location + ", insertId " + clip(entry.path("insertId").asText("?"), 120), rawRef, sink);
    }

    /** The mapper with this normalizer's limits, for pages read by the caller. */
    public com.fasterxml.jackson.databind.ObjectMapper mapper() {
        return reader.mapper();
    }

    private void read(InputStream body, String name, NormalizationSink sink) {
        try {
            reader.read(body, new JsonPayloadReader.RecordHandler() {
                @Override
                public void record(long number, long line, JsonNode record, String origin) {
                    one(record, name, number, line, sink);
                }

                @Override
                public void unreadable(long number, long line, String reason) {
                    sink.reject(new Rejection(JsonPayloadReader.location(name, number, line, null, null), reason));
                }
            });
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, name + ": " + e.getMessage(), e);
        }
    }

    private void one(JsonNode record, String name, long number, long line, NormalizationSink sink) {
        JsonNode entry;
        try {
            entry = unwrap(record);
        } catch (RejectedRecord rejected) {
            sink.reject(new Rejection(JsonPayloadReader.location(name, number, line, record, "insertId"), rejected.getMessage()));
            return;
        }
        emit(entry, JsonPayloadReader.location(name, number, line, entry, "insertId"), name + ":record " + number, sink);
    }

    private void emit(JsonNode entry, String location, String rawRef, NormalizationSink sink) {
        IdentityEvent event;
        try {
            event = mapper.map(entry, rawRef);
        } catch (RejectedRecord rejected) {
            sink.reject(new Rejection(location, rejected.getMessage()));
            return;
        } catch (IllegalArgumentException invalid) {
            // a value the event model refuses: this record only
            sink.reject(new Rejection(location, "not a valid event: " + clip(invalid.getMessage(), 200)));
            return;
        }
        sink.accept(event, location, entry.toString());
    }

    /** The LogEntry inside a Pub/Sub push request, pull item or message; the record itself otherwise. */
    JsonNode unwrap(JsonNode record) {
        JsonNode message = object(record, "message");
        if (message != null && (child(record, "subscription") != null || child(record, "ackId") != null || child(message, "data") != null)) {
            return decode(message, "message.data");
        }
        if (child(record, "data") != null && child(record, "protoPayload") == null
                && (child(record, "messageId") != null || child(record, "publishTime") != null)) {
            return decode(record, "data");
        }
        return record;
    }

    /** A Pub/Sub message's data: base64 of the LogEntry's JSON (https://cloud.google.com/logging/docs/export/pubsub). */
    private JsonNode decode(JsonNode message, String field) {
        JsonNode data = child(message, "data");
        if (data == null) {
            throw new RejectedRecord(field + ": missing");
        }
        if (!data.isTextual()) {
            throw new RejectedRecord(field + ": expected base64 text, found " + kindOf(data));
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data.textValue().trim());
        } catch (IllegalArgumentException e) {
            throw new RejectedRecord(field + ": not base64: " + clip(e.getMessage(), 120));
        }
        if (bytes.length > DEFAULT_MAX_RECORD_BYTES) {
            throw new RejectedRecord(field + ": decoded LogEntry is larger than " + DEFAULT_MAX_RECORD_BYTES + " bytes");
        }
        JsonNode entry;
        try {
            entry = reader.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new RejectedRecord(field + ": not a JSON LogEntry: " + reason(e, 160));
        }
        if (entry == null || !entry.isObject()) {
            throw new RejectedRecord(field + ": expected a JSON LogEntry object, found " + kindOf(entry));
        }
        return entry;
    }

    @Override
    public String toString() {
        return "AuditLogNormalizer[]";
    }
}

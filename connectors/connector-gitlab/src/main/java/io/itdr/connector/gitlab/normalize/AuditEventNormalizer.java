package io.itdr.connector.gitlab.normalize;

import static io.itdr.connector.support.JsonFields.clip;

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
import java.util.List;
import java.util.Objects;

/**
 * Normalizes GitLab audit events: the JSON arrays the audit events API answers (instance, group, project),
 * streamed events (one JSON object each, as an HTTP destination receives them, or JSON Lines when archived),
 * and exports of either, gzip detected by its bytes. Every record becomes an event, handed on with its
 * location and its own JSON text (SPI 1.1), or a {@link Rejection} naming the field at fault; a payload that
 * cannot be read further stops with {@code MALFORMED_RESPONSE}. Tenant: the host and group or project this
 * normalizer was made for; none offline. Thread-safe: each call keeps its own state.
 */
public final class AuditEventNormalizer implements EventNormalizer {
    static final int MAX_RECORD_BYTES = 1 << 20;
    /** Where polled records live, for their rawRef. */
    public static final String POLLED_RAW_REF = "gitlab:audit-events/";

    private final String tenant;
    private final JsonPayloadReader reader = reader();
    private final AuditEventMapper mapper = new AuditEventMapper();

    public AuditEventNormalizer() {
        this(null);
    }

    /** @param tenant the instance host and group or project, the tenant of every event; null when unknown */
    public AuditEventNormalizer(String tenant) {
        this.tenant = tenant;
    }

    /** A reader of audit event payloads: arrays, objects one after the other, JSON Lines, gzip. */
    public static JsonPayloadReader reader() {
        return new JsonPayloadReader(new PayloadFormat("audit event object", "array of audit events", List.of(), envelope -> null,
                MAX_RECORD_BYTES, PayloadFormat.Diagnostics.PRECISE));
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sink, "sink");
        String name = clip(payload.name(), 200);
        try {
            reader.read(payload.body(), new JsonPayloadReader.RecordHandler() {
                @Override
                public void record(long number, long line, JsonNode record, String origin) {
                    normalizeRecord(record, JsonPayloadReader.location(name, number, line, null, null), name + ":record " + number, sink);
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

    /**
     * One record, already read: an event (with {@code rawRef}) or a rejection at {@code location}.
     *
     * @param rawRef where the record lives; null for a polled record ({@code gitlab:audit-events/<id>})
     */
    public void normalizeRecord(JsonNode record, String location, String rawRef, NormalizationSink sink) {
        JsonNode id = record.get("id");
        String where = id != null && id.isValueNode() && !id.isNull() ? location + ", id " + clip(id.asText(), 40) : location;
        IdentityEvent event;
        try {
            event = mapper.map(record, tenant, rawRef != null ? rawRef : POLLED_RAW_REF + (id == null ? "?" : clip(id.asText(), 40)));
        } catch (RejectedRecord rejected) {
            sink.reject(new Rejection(where, rejected.getMessage()));
            return;
        } catch (IllegalArgumentException invalid) {
            sink.reject(new Rejection(where, "not a valid event: " + clip(invalid.getMessage(), 200)));
            return;
        }
        sink.accept(event, location, record.toString());
    }

    @Override
    public String toString() {
        return "AuditEventNormalizer[tenant=" + (tenant == null ? "none" : tenant) + "]";
    }
}

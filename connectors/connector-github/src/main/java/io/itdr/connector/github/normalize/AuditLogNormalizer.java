package io.itdr.connector.github.normalize;

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
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Normalizes the GitHub organization and enterprise audit log: the JSON array
 * {@code GET /orgs/{org}/audit-log} (and {@code /enterprises/{enterprise}/audit-log}) answers, and the
 * files audit log streaming delivers to object storage (Amazon S3, Azure Blob Storage, Google Cloud
 * Storage: gzip-compressed JSON Lines, one event a line,
 * https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/streaming-the-audit-log-for-your-enterprise),
 * and exports of either (JSON array or JSON Lines), gzip detected by its bytes. Records stream through
 * one at a time; see {@link AuditEventMapper} for what an audit log event becomes.
 *
 * <p>Every record becomes an event, handed on with its location and its own JSON text (SPI 1.1, so rules
 * can match GitHub's fields), or a {@link Rejection} located as {@code <payload>:record N, line L[, id X]}
 * naming the field at fault. Reading stops with {@link ErrorCode#MALFORMED_RESPONSE} only when the
 * payload itself cannot be read further (not JSON, truncated or corrupt gzip, a size or nesting limit
 * exceeded); what was read before has reached the sink.
 *
 * <p>Tenant: the record's {@code org}, else the org this normalizer was made for, else the record's
 * {@code business}. Needs nothing else and never calls GitHub. Thread-safe: each call keeps its own state.
 */
public final class AuditLogNormalizer implements EventNormalizer {
    /** GitHub's largest audit log events are a few kilobytes; a megabyte leaves room and bounds hostile input. */
    static final int MAX_RECORD_BYTES = 1 << 20;
    /** Where polled records live, for their rawRef: the audit log keeps every event under its {@code _document_id}. */
    public static final String POLLED_RAW_REF = "github:audit-log/";

    private final String org;
    private final JsonPayloadReader reader = new JsonPayloadReader(new PayloadFormat("audit log event object",
            "array of audit log events", List.of(), envelope -> null, MAX_RECORD_BYTES, PayloadFormat.Diagnostics.PRECISE));
    private final AuditEventMapper mapper = new AuditEventMapper();

    /** For exports and replay: every event's tenant is the org it names. */
    public AuditLogNormalizer() {
        this(null);
    }

    /** @param org the org polled, the tenant of events that name none; null when unknown */
    public AuditLogNormalizer(String org) {
        this.org = org == null ? null : org.toLowerCase(Locale.ROOT);
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sink, "sink");
        String name = clip(payload.name(), 200);
        try {
            reader.read(payload.body(), handler(name, null, sink));
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Normalizes one page of {@code GET /orgs/{org}/audit-log}, which must be a JSON array of events.
     * Events carry rawRef {@code github:audit-log/<_document_id>}.
     *
     * @param body     the page, read and not closed; a {@link RuntimeException} it throws (a transport failure
     *                 the caller wrapped) passes through
     * @param location names the page in rejection locations; never null
     * @param sink     receives every record the gate takes, as an event or a rejection; never null
     * @param gate     sees each record first (its {@code _document_id} and time, each null when unreadable) and says
     *                 whether to take it; never null
     * @throws ConnectorException {@code MALFORMED_RESPONSE} when the page is not an array or cannot be read to its end
     */
    public void normalizePage(InputStream body, String location, NormalizationSink sink, Gate gate) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(gate, "gate");
        BufferedInputStream in = new BufferedInputStream(body);
        try {
            int first = JsonPayloadReader.firstSignificantByte(in);
            if (first != '[') {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, location + ": expected a JSON array of audit log events, found "
                        + (first < 0 ? "an empty body" : "'" + clip(String.valueOf((char) first), 1) + "'"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            reader.read(in, handler(location, gate, sink));
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, location + ": " + e.getMessage(), e);
        }
    }

    /** Decides, record by record, which records of a polled page are taken (the rest were delivered before, or wait). */
    @FunctionalInterface
    public interface Gate {
        /**
         * @param documentId the record's {@code _document_id}; null when it has none or is unreadable
         * @param time       the record's time; null when it has none readable
         */
        boolean take(String documentId, java.time.Instant time);
    }

    /** @param gate null for payloads that are not polled pages: everything is taken */
    private JsonPayloadReader.RecordHandler handler(String name, Gate gate, NormalizationSink sink) {
        boolean polled = gate != null;
        return new JsonPayloadReader.RecordHandler() {
            @Override
            public void record(long number, long line, JsonNode record, String origin) {
                String documentId = AuditEventMapper.text(record, "_document_id");
                if (polled && !gate.take(documentId, AuditEventMapper.timeOf(record))) {
                    return;
                }
                String location = JsonPayloadReader.location(name, number, line, record, "_document_id");
                String rawRef = polled && documentId != null ? POLLED_RAW_REF + documentId : name + ":record " + number;
                IdentityEvent event;
                try {
                    event = mapper.map(record, org, rawRef);
                } catch (RejectedRecord rejected) {
                    sink.reject(new Rejection(location, rejected.getMessage()));
                    return;
                } catch (IllegalArgumentException invalid) {
                    // a value the event model refuses: this record only
                    sink.reject(new Rejection(location, "not a valid event: " + clip(invalid.getMessage(), 200)));
                    return;
                }
                sink.accept(event, JsonPayloadReader.location(name, number, line, null, null), record.toString());
            }

            @Override
            public void unreadable(long number, long line, String reason) {
                if (polled && !gate.take(null, null)) {
                    return;
                }
                sink.reject(new Rejection(JsonPayloadReader.location(name, number, line, null, null), reason));
            }
        };
    }

    @Override
    public String toString() {
        return "AuditLogNormalizer[org=" + (org == null ? "from the records" : org) + "]";
    }
}

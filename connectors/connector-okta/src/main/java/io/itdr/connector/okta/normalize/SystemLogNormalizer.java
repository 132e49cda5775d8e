package io.itdr.connector.okta.normalize;

import io.itdr.connector.support.JsonFields;
import static io.itdr.connector.support.JsonFields.clip;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.JsonPayloadReader;
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
import java.util.Locale;
import java.util.Objects;

/**
 * Normalizes the Okta System Log: the JSON array {@code GET /api/v1/logs} answers, LogEvents one per
 * line (JSON Lines), event hook deliveries ({@code {"eventType":"com.okta.event_hook",…,"data":{"events":[…]}}}),
 * any of these gzip-compressed (detected by the bytes). Records stream through one at a time; see
 * {@link LogEventMapper} for what a LogEvent becomes.
 *
 * <p>Every record becomes an event or a {@link Rejection} located as {@code <payload>:record N, line L[, id X]}
 * naming the field at fault; events carry {@code rawRef} {@code <payload>:record N}. Reading stops with
 * {@link ErrorCode#MALFORMED_RESPONSE} only when the payload itself cannot be read further (not JSON,
 * truncated or corrupt gzip, a size or nesting limit exceeded); what was read before has reached the sink.
 *
 * <p>Tenant: the org this normalizer was made for; without one (offline replay), the org an event hook
 * delivery names in its {@code source}; else none. Needs nothing else and never calls Okta.
 * Thread-safe: each call keeps its own state.
 */
public final class SystemLogNormalizer implements EventNormalizer {
    /** Where polled records live, for their rawRef: the System Log keeps every event under its uuid. */
    static final String POLLED_RAW_REF = "okta:system-log/";

    private final String org;
    private final JsonPayloadReader reader = PayloadReader.forSystemLog(PayloadReader.DEFAULT_MAX_RECORD_BYTES);
    private final LogEventMapper mapper;

    /** For exports and replay: no org of its own, the default service-user patterns. */
    public SystemLogNormalizer() {
        this(null, ServiceUsers.DEFAULTS);
    }

    /**
     * @param org          the org's host ("example.okta.com"), the tenant of every event; null when unknown
     * @param serviceUsers which users are service users; never null
     */
    public SystemLogNormalizer(String org, ServiceUsers serviceUsers) {
        this.org = org == null ? null : org.toLowerCase(Locale.ROOT);
        this.mapper = new LogEventMapper(Objects.requireNonNull(serviceUsers, "serviceUsers"));
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sink, "sink");
        String name = clip(payload.name(), 200);
        try {
            reader.read(payload.body(), handler(name, false, sink));
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Normalizes one page of {@code GET /api/v1/logs}, which must be a JSON array of LogEvents
     * (https://developer.okta.com/docs/reference/api/system-log/#response). Events carry rawRef
     * {@code okta:system-log/<uuid>}.
     *
     * @param body     the page, read and not closed; a {@link RuntimeException} it throws (a transport failure
     *                 the caller wrapped) passes through
     * @param location names the page in rejection locations ("GET /api/v1/logs after=…"); never null
     * @param sink     receives every record as an event or a rejection; never null
     * @throws ConnectorException {@code MALFORMED_RESPONSE} when the page is not an array or cannot be read to its end
     */
    public void normalizeLogPage(InputStream body, String location, NormalizationSink sink) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(sink, "sink");
        BufferedInputStream in = new BufferedInputStream(body);
        try {
            int first = JsonPayloadReader.firstSignificantByte(in);
            if (first != '[') {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, location + ": expected a JSON array of LogEvent objects, found "
                        + (first < 0 ? "an empty body" : "'" + clip(String.valueOf((char) first), 1) + "'"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            reader.read(in, handler(location, true, sink));
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, location + ": " + e.getMessage(), e);
        }
    }

    private JsonPayloadReader.RecordHandler handler(String name, boolean polled, NormalizationSink sink) {
        return new JsonPayloadReader.RecordHandler() {
            @Override
            public void record(long number, long line, JsonNode record, String origin) {
                String location = JsonPayloadReader.location(name, number, line, record, "uuid");
                String uuid = JsonFields.text(record, "uuid");
                String rawRef = polled && uuid != null ? POLLED_RAW_REF + uuid : name + ":record " + number;
                IdentityEvent event;
                try {
                    event = mapper.map(record, org != null ? org : origin, rawRef);
                } catch (RejectedRecord rejected) {
                    sink.reject(new Rejection(location, rejected.getMessage()));
                    return;
                } catch (IllegalArgumentException invalid) {
                    // a value the event model refuses: this record only
                    sink.reject(new Rejection(location, "not a valid event: " + clip(invalid.getMessage(), 200)));
                    return;
                }
                sink.accept(event, JsonPayloadReader.location(name, number, line, null, null), rawText(record));
            }

            @Override
            public void unreadable(long number, long line, String reason) {
                sink.reject(new Rejection(JsonPayloadReader.location(name, number, line, null, null), reason));
            }
        };
    }

    /** The LogEvent as JSON text, for rules that match its own fields. */
    private String rawText(JsonNode record) {
        try {
            return reader.mapper().writeValueAsString(record);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a record read as JSON writes back as JSON", e);
        }
    }

    @Override
    public String toString() {
        return "SystemLogNormalizer[org=" + (org == null ? "from the payload" : org) + "]";
    }
}

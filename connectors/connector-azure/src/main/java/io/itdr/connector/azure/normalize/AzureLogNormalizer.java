package io.itdr.connector.azure.normalize;

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
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * Normalizes Microsoft Entra and Azure logs: sign-ins, directory audits, Identity Protection risk
 * detections and risky service principals, and the Azure Activity log (see {@link AzureRecord} for the
 * shapes and the mappers for what each becomes). Framing is read from the bytes:
 * <ul>
 *   <li>diagnostic-settings deliveries (Event Hubs, storage): {@code {"records":[...]}}
 *       (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/resource-logs-schema);</li>
 *   <li>Microsoft Graph and ARM pages: {@code {"value":[...],"@odata.nextLink":...}};</li>
 *   <li>a JSON array, records one per line (JSON Lines, as Log Analytics and SIEM exports write them),
 *       or one record; any of these gzip-compressed.</li>
 * </ul>
 *
 * <p>Every record becomes an event or a {@link Rejection} located as {@code <payload>:record N, line L[, id X]}
 * naming the field at fault; each event is handed on with the record's JSON text (SPI 1.1) and carries
 * rawRef {@code <payload>:record N}. Reading stops with {@link ErrorCode#MALFORMED_RESPONSE} only when the
 * payload itself cannot be read further; what was read before has reached the sink.
 *
 * <p>Tenant: the record's {@code tenantId}, else the tenant this normalizer was made for, else none.
 * Never calls Azure. Thread-safe: each call keeps its own state.
 */
public final class AzureLogNormalizer implements EventNormalizer {
    /** The connector id, the platform of every event. */
    public static final String PLATFORM = "azure";
    static final int MAX_RECORD_BYTES = 1 << 20;

    private final String tenant;
    private final JsonPayloadReader reader = new JsonPayloadReader(new PayloadFormat("Azure log record object",
            "array of Azure log records", List.of(List.of("records"), List.of("value")), envelope -> null, MAX_RECORD_BYTES,
            PayloadFormat.Diagnostics.PRECISE));

    /** For exports and replay: each record names its own tenant. */
    public AzureLogNormalizer() {
        this(null);
    }

    /** @param tenant the directory (tenant) id for records that name none; may be null */
    public AzureLogNormalizer(String tenant) {
        this.tenant = tenant;
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        normalize(payload.body(), clip(payload.name(), 200), null, sink);
    }

    /**
     * Normalizes one payload read from {@code body} (not closed).
     *
     * @param name          names the payload in locations and rawRefs; never null
     * @param polledRawRef  when not null, events carry rawRef {@code <polledRawRef><event id>} instead of
     *                      {@code <name>:record N} (records polled from Graph live under their id)
     * @throws ConnectorException {@code MALFORMED_RESPONSE} when the payload cannot be read to its end
     */
    public void normalize(InputStream body, String name, String polledRawRef, NormalizationSink sink) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sink, "sink");
        try {
            reader.read(body, new JsonPayloadReader.RecordHandler() {
                @Override
                public void record(long number, long line, JsonNode record, String origin) {
                    String location = location(name, number, line, record);
                    IdentityEvent event;
                    try {
                        event = map(record, polledRawRef, name + ":record " + number);
                    } catch (RejectedRecord rejected) {
                        sink.reject(new Rejection(location, rejected.getMessage()));
                        return;
                    } catch (IllegalArgumentException invalid) {
                        sink.reject(new Rejection(location, "not a valid event: " + clip(invalid.getMessage(), 200)));
                        return;
                    }
                    sink.accept(event, JsonPayloadReader.location(name, number, line, null, null), record.toString());
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

    private IdentityEvent map(JsonNode record, String polledRawRef, String recordRef) {
        if (!record.isObject()) {
            throw new RejectedRecord("expected an Azure log record object, found " + io.itdr.connector.support.JsonFields.kindOf(record));
        }
        AzureRecord in = AzureRecord.of(record);
        String recordTenant = in.tenant();
        String eventTenant = recordTenant != null ? recordTenant : tenant;
        String id = in.id();
        String rawRef = polledRawRef != null && id != null ? polledRawRef + id : recordRef;
        return switch (in.kind()) {
            case SIGN_IN -> SignInMapper.map(in, eventTenant, rawRef);
            case DIRECTORY_AUDIT -> AuditMapper.map(in, eventTenant, rawRef);
            case RISK_DETECTION, RISKY_PRINCIPAL -> RiskMapper.map(in, eventTenant, rawRef);
            case ACTIVITY -> ActivityMapper.map(in, eventTenant, rawRef);
        };
    }

    /** {@code <payload>:record N, line L}, with {@code , id X} when the record carries a readable id. */
    private static String location(String name, long number, long line, JsonNode record) {
        String idField = record != null && record.hasNonNull("eventDataId") ? "eventDataId" : "id";
        String where = JsonPayloadReader.location(name, number, line, record, idField);
        if (!where.contains(", id ") && record != null && record.get("properties") != null && record.get("properties").isObject()) {
            JsonNode inner = record.get("properties").get("id");
            if (inner != null && inner.isTextual() && !inner.textValue().isBlank()) {
                where += ", id " + clip(inner.textValue(), 120);
            }
        }
        return where;
    }

    @Override
    public String toString() {
        return "AzureLogNormalizer[tenant=" + (tenant == null ? "from each record" : tenant) + "]";
    }
}

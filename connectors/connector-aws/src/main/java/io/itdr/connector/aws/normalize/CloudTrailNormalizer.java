package io.itdr.connector.aws.normalize;

import static io.itdr.connector.aws.normalize.RecordFields.text;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.object;
import static io.itdr.connector.support.JsonFields.reason;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.JsonPayloadReader;
import io.itdr.connector.support.JsonPayloadReader.RecordBytes;
import io.itdr.connector.support.PayloadFormat;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Normalizes AWS telemetry exports: CloudTrail log files as delivered to S3 ({@code {"Records":[...]}},
 * usually gzip), CloudTrail records one per line (JSON Lines), LookupEvents output
 * ({@code {"Events":[{"CloudTrailEvent":"..."}]}}), EventBridge events ("AWS API Call via
 * CloudTrail", "GuardDuty Finding") and GuardDuty findings (exported, or GetFindings output).
 * Compression and framing are detected from the bytes; records stream through one at a time.
 *
 * <p>A CloudTrail record is read without a tree: the streaming parser picks the fields the event
 * needs ({@link PickedFields}) and skips the rest, and the raw record handed to the sink is the
 * record's bytes as they are in the payload (made into text only for a sink that
 * {@linkplain NormalizationSink#wantsRecords() wants records}). Read as a tree, with the same
 * result, are the other shapes (EventBridge events, whose raw record is their {@code detail} written
 * back as JSON; LookupEvents items; GuardDuty findings), records the picked fields cannot describe
 * exactly (see {@link PickedFields}), and a root object that is itself a record.
 *
 * <p>Every record becomes an event or a {@link Rejection} located as {@code <payload>:record N, line L[, id X]}
 * naming the field at fault; events carry {@code rawRef} {@code <payload>:record N}. Reading stops
 * with {@link ErrorCode#MALFORMED_RESPONSE} only when the payload itself cannot be read further
 * (not JSON, truncated or corrupt gzip, a size or nesting limit exceeded); what was read before
 * has reached the sink by then.
 *
 * <p>Needs no configuration and never calls AWS, so replay can use it offline. Thread-safe:
 * each call keeps its own state.
 */
public final class CloudTrailNormalizer implements EventNormalizer {
    static final int DEFAULT_MAX_RECORD_BYTES = 4 << 20;
    /** Container fields whose array elements are the records: CloudTrail files, GuardDuty and LookupEvents listings. */
    private static final List<List<String>> CONTAINER_FIELDS =
            List.of(List.of("Records"), List.of("Findings"), List.of("findings"), List.of("Events"));

    private final JsonPayloadReader reader;
    private final CloudTrailRecordMapper cloudTrail;
    private final GuardDutyFindingMapper guardDuty = new GuardDutyFindingMapper();

    public CloudTrailNormalizer() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    /** @param maxRecordBytes the largest record (or line) accepted, in bytes */
    public CloudTrailNormalizer(int maxRecordBytes) {
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("maxRecordBytes must be at least 1024: " + maxRecordBytes);
        }
        this.reader = new JsonPayloadReader(new PayloadFormat("JSON object", "record array", CONTAINER_FIELDS, envelope -> null,
                maxRecordBytes, PayloadFormat.Diagnostics.BASIC));
        this.cloudTrail = new CloudTrailRecordMapper(reader.mapper());
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sink, "sink");
        String name = clip(payload.name(), 200);
        boolean wantsRecords = sink.wantsRecords();
        PickedFields picked = new PickedFields();
        try {
            reader.read(payload.body(), new JsonPayloadReader.StreamingRecordHandler<PickedFields>() {
                @Override
                public PickedFields parse(JsonParser parser) throws IOException {
                    return picked.read(parser);
                }

                @Override
                public void record(long number, long line, PickedFields record, RecordBytes raw, String origin) {
                    // a CloudTrail record with its required fields (else declined): eventID names it
                    emit(() -> new Mapped(cloudTrail.map(record, name + ":record " + number), raw),
                            JsonPayloadReader.location(name, number, line, record.text("eventID")), sink, wantsRecords);
                }

                @Override
                public void record(long number, long line, JsonNode record, RecordBytes raw, String origin) {
                    emit(() -> {
                        Mapped mapped = map(record, name + ":record " + number);
                        // the record itself (not an EventBridge event's detail): its bytes as they are in the payload
                        return raw != null && mapped.raw() == record ? new Mapped(mapped.event(), raw) : mapped;
                    }, location(name, number, line, record), sink, wantsRecords);
                }

                @Override
                public void record(long number, long line, JsonNode record, String origin) {
                    record(number, line, record, null, origin);
                }

                @Override
                public void unreadable(long number, long line, String reason) {
                    sink.reject(new Rejection(location(name, number, line, null), reason));
                }
            });
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Normalizes one item of a LookupEvents answer: its {@code CloudTrailEvent}, the CloudTrail
     * record as a JSON string (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html).
     * The record becomes an event or, when it cannot be read, a rejection at {@code location}; it
     * never throws for a bad record.
     *
     * @param cloudTrailEvent the record as text; may be null (rejected as missing)
     * @param location        where the item was, for a rejection ("LookupEvents EventId=…"); never null
     * @param rawRef          where the raw record lives, for the event; never null
     * @param sink            receives the event or the rejection; never null
     */
    public void normalizeLookupEvent(String cloudTrailEvent, String location, String rawRef, NormalizationSink sink) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(rawRef, "rawRef");
        Objects.requireNonNull(sink, "sink");
        emit(() -> {
            if (cloudTrailEvent == null) {
                throw new RejectedRecord("CloudTrailEvent: missing");
            }
            return new Mapped(cloudTrail.map(parseEmbedded(cloudTrailEvent), rawRef), cloudTrailEvent);
        }, location, sink, sink.wantsRecords());
    }

    /**
     * An event and the platform's own record it came from (the CloudTrail record or GuardDuty
     * finding, unwrapped from an EventBridge event or a LookupEvents item), for rules that match
     * the record's fields.
     *
     * @param raw the record as a JsonNode, as its bytes in the payload ({@link RecordBytes}, valid
     *            while the reader's handler runs) or, where the platform gave it as text, a String
     */
    record Mapped(IdentityEvent event, Object raw) {
    }

    /** Sends what {@code mapping} makes of one record to the sink: the event with its raw record, or a rejection at {@code location}. */
    private void emit(Supplier<Mapped> mapping, String location, NormalizationSink sink, boolean wantsRecords) {
        Mapped event;
        try {
            event = mapping.get();
        } catch (RejectedRecord rejected) {
            sink.reject(new Rejection(location, rejected.getMessage()));
            return;
        } catch (IllegalArgumentException invalid) {
            // a value the event model refuses (e.g. a blank id): this record only
            sink.reject(new Rejection(location, "not a valid event: " + invalid.getMessage()));
            return;
        }
        sink.accept(event.event(), location, wantsRecords ? rawText(event.raw()) : null);
    }

    private String rawText(Object raw) {
        if (raw instanceof String text) {
            return text;
        }
        if (raw instanceof RecordBytes bytes) {
            return bytes.text();
        }
        try {
            return reader.mapper().writeValueAsString(raw);
        } catch (IOException e) {
            throw new IllegalStateException("a record read as JSON writes back as JSON", e);
        }
    }

    /** One record of any supported shape, unwrapped to a CloudTrail record or a GuardDuty finding. */
    Mapped map(JsonNode record, String rawRef) {
        JsonNode detail = object(record, "detail");
        String source = text(record, "source");
        String detailType = text(record, "detail-type");
        if (detail != null && (source != null || detailType != null)) {
            // an EventBridge event: the record or finding is its detail
            boolean finding = "aws.guardduty".equals(source) || "GuardDuty Finding".equals(detailType);
            return new Mapped(finding ? guardDuty.map(detail, rawRef) : cloudTrail.map(detail, rawRef), detail);
        }
        JsonNode embedded = child(record, "CloudTrailEvent");
        if (embedded != null) {
            // a LookupEvents item: the record is a JSON string inside it
            if (!embedded.isTextual()) {
                throw new RejectedRecord("CloudTrailEvent: expected the record as a JSON string, found " + CloudTrailRecordMapper.kindOf(embedded));
            }
            return new Mapped(cloudTrail.map(parseEmbedded(embedded.textValue()), rawRef), embedded.textValue());
        }
        if (GuardDutyFindingMapper.looksLikeFinding(record)) {
            return new Mapped(guardDuty.map(record, rawRef), record);
        }
        return new Mapped(cloudTrail.map(record, rawRef), record);
    }

    /** A LookupEvents item's CloudTrailEvent string, parsed with this reader's limits. */
    private JsonNode parseEmbedded(String text) {
        JsonNode parsed;
        try {
            parsed = reader.mapper().readTree(text);
        } catch (IOException e) {
            throw new RejectedRecord("CloudTrailEvent: not valid JSON: " + reason(e, 160));
        }
        if (parsed == null || !parsed.isObject()) {
            throw new RejectedRecord("CloudTrailEvent: expected a JSON object");
        }
        return parsed;
    }

    /** With the record's id: a CloudTrail record's {@code eventID}, a GuardDuty finding's {@code id}. */
    private static String location(String name, long number, long line, JsonNode record) {
        String idField = record != null && record.has("eventID") ? "eventID" : "id";
        return JsonPayloadReader.location(name, number, line, record, idField);
    }
}

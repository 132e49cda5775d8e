package io.itdr.connector.aws.normalize;

import static io.itdr.connector.aws.normalize.RecordFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.IOException;
import java.util.Objects;

/**
 * Normalizes AWS telemetry exports: CloudTrail log files as delivered to S3 ({@code {"Records":[...]}},
 * usually gzip), CloudTrail records one per line (JSON Lines), LookupEvents output
 * ({@code {"Events":[{"CloudTrailEvent":"..."}]}}), EventBridge events ("AWS API Call via
 * CloudTrail", "GuardDuty Finding") and GuardDuty findings (exported, or GetFindings output).
 * Compression and framing are detected from the bytes; records stream through one at a time.
 *
 * <p>Every record becomes an event or a {@link Rejection} located as {@code <payload>:record N, line L}
 * naming the field at fault; events carry {@code rawRef} {@code <payload>:record N}. Reading stops
 * with {@link ErrorCode#MALFORMED_RESPONSE} only when the payload itself cannot be read further
 * (not JSON, truncated or corrupt gzip, a size or nesting limit exceeded); what was read before
 * has reached the sink by then.
 *
 * <p>Needs no configuration and never calls AWS, so replay can use it offline. Thread-safe:
 * each call keeps its own state.
 */
public final class CloudTrailNormalizer implements EventNormalizer {
    private final PayloadReader reader;
    private final CloudTrailRecordMapper cloudTrail;
    private final GuardDutyFindingMapper guardDuty = new GuardDutyFindingMapper();

    public CloudTrailNormalizer() {
        this(PayloadReader.DEFAULT_MAX_RECORD_BYTES);
    }

    /** @param maxRecordBytes the largest record (or line) accepted, in bytes */
    public CloudTrailNormalizer(int maxRecordBytes) {
        if (maxRecordBytes < 1024) {
            throw new IllegalArgumentException("maxRecordBytes must be at least 1024: " + maxRecordBytes);
        }
        this.reader = new PayloadReader(maxRecordBytes);
        this.cloudTrail = new CloudTrailRecordMapper(reader.mapper());
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sink, "sink");
        String name = RecordFields.clip(payload.name(), 200);
        try {
            reader.read(payload.body(), new PayloadReader.RecordHandler() {
                @Override
                public void record(long number, long line, JsonNode record) {
                    IdentityEvent event;
                    try {
                        event = map(record, name + ":record " + number);
                    } catch (RejectedRecord rejected) {
                        sink.reject(new Rejection(location(name, number, line), rejected.getMessage()));
                        return;
                    } catch (IllegalArgumentException invalid) {
                        // a value the event model refuses (e.g. a blank id): this record only
                        sink.reject(new Rejection(location(name, number, line), "not a valid event: " + invalid.getMessage()));
                        return;
                    }
                    sink.accept(event);
                }

                @Override
                public void unreadable(long number, long line, String reason) {
                    sink.reject(new Rejection(location(name, number, line), reason));
                }
            });
        } catch (PayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, name + ": " + e.getMessage(), e);
        }
    }

    /** One record of any supported shape, unwrapped to a CloudTrail record or a GuardDuty finding. */
    IdentityEvent map(JsonNode record, String rawRef) {
        JsonNode detail = RecordFields.object(record, "detail");
        String source = text(record, "source");
        String detailType = text(record, "detail-type");
        if (detail != null && (source != null || detailType != null)) {
            // an EventBridge event: the record or finding is its detail
            boolean finding = "aws.guardduty".equals(source) || "GuardDuty Finding".equals(detailType);
            return finding ? guardDuty.map(detail, rawRef) : cloudTrail.map(detail, rawRef);
        }
        JsonNode embedded = RecordFields.child(record, "CloudTrailEvent");
        if (embedded != null) {
            // a LookupEvents item: the record is a JSON string inside it
            if (!embedded.isTextual()) {
                throw new RejectedRecord("CloudTrailEvent: expected the record as a JSON string, found " + CloudTrailRecordMapper.kindOf(embedded));
            }
            JsonNode parsed;
            try {
                parsed = reader.mapper().readTree(embedded.textValue());
            } catch (IOException e) {
                throw new RejectedRecord("CloudTrailEvent: not valid JSON: " + RecordFields.clip(e.getMessage(), 160));
            }
            if (parsed == null || !parsed.isObject()) {
                throw new RejectedRecord("CloudTrailEvent: expected a JSON object");
            }
            return cloudTrail.map(parsed, rawRef);
        }
        if (GuardDutyFindingMapper.looksLikeFinding(record)) {
            return guardDuty.map(record, rawRef);
        }
        return cloudTrail.map(record, rawRef);
    }

    private static String location(String name, long number, long line) {
        return name + ":record " + number + ", line " + line;
    }
}

package io.itdr.connector.aws.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which telemetry path the connector polls and, for the trail's S3 delivery, where the trail
 * writes and who announces it. Validated as a whole. Immutable.
 *
 * @param mode         the telemetry path; never null
 * @param bucket       the trail's bucket; required by {@link Mode#TRAIL_S3_SCAN}, else may be null
 * @param prefix       the trail's S3 key prefix before {@code AWSLogs/} ("" or "team-a/"); never null
 * @param queueUrl     the SQS queue of S3 event notifications (and EventBridge findings); required by
 *                     {@link Mode#TRAIL_SQS}, else may be null
 * @param scanLookback how far back a prefix scan starts in a prefix it has not read yet; positive
 * @param scanSettle   how old (by the time in its name) a log file must be before a scan reads past
 *                     it; zero or positive
 * @param waitTime     the SQS long-poll wait of one ReceiveMessage, 0 to 20 s
 */
public record TrailDeliverySettings(Mode mode, String bucket, String prefix, String queueUrl, Duration scanLookback,
                                    Duration scanSettle, Duration waitTime) {

    /** The telemetry path. */
    public enum Mode {
        /** CloudTrail event history: management events of one account and region, for small setups. */
        LOOKUP_EVENTS("lookup-events"),
        /** The trail's S3 delivery, announced through SQS: management and data events, every account and region. */
        TRAIL_SQS("trail-sqs"),
        /** The trail's S3 delivery, read by listing its prefixes: the fallback and for backfill. */
        TRAIL_S3_SCAN("trail-s3-scan");

        final String value;

        Mode(String value) {
            this.value = value;
        }

        static Mode of(String value) {
            for (Mode mode : values()) {
                if (mode.value.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
            throw invalid(TELEMETRY, "expected lookup-events, trail-sqs or trail-s3-scan, got '" + value + "'");
        }
    }

    static final String TELEMETRY = "telemetry";
    static final String BUCKET = "trail-bucket";
    static final String PREFIX = "trail-prefix";
    static final String QUEUE_URL = "trail-queue-url";
    static final String SCAN_LOOKBACK = "trail-scan-lookback";
    static final String SCAN_SETTLE = "trail-scan-settle-delay";
    static final String WAIT_TIME = "trail-queue-wait";

    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern QUEUE = Pattern.compile("https?://[^\\s/]+(:\\d+)?/\\d{12}/[\\w-]{1,80}(\\.fifo)?");

    /** The properties the factory declares for the telemetry path. */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(TELEMETRY, ConfigType.STRING,
                    "Where AWS telemetry is read: lookup-events (CloudTrail event history of the configured region: management "
                            + "events only, one account; for small setups), trail-sqs (the trail's log files in S3 as SQS "
                            + "announces them: management and data events of every account and region of an organization or "
                            + "account trail, and EventBridge findings sent to the same queue), or trail-s3-scan (the trail's log "
                            + "files found by listing the bucket: the fallback without a queue, and for backfill).",
                    "lookup-events"),
            ConfigProperty.optional(BUCKET, ConfigType.STRING,
                    "The S3 bucket the trail delivers its log files to (trail-s3-scan needs it; trail-sqs reads the bucket each "
                            + "notification names).", null),
            ConfigProperty.optional(PREFIX, ConfigType.STRING,
                    "The trail's S3 key prefix, the part before AWSLogs/ (e.g. security/); empty when the trail has none.", ""),
            ConfigProperty.optional(QUEUE_URL, ConfigType.STRING,
                    "URL of the SQS queue receiving the bucket's s3:ObjectCreated:* notifications (directly or through SNS) "
                            + "and, optionally, EventBridge events of GuardDuty findings, e.g. "
                            + "https://sqs.us-east-1.amazonaws.com/123456789012/itdr-trail (trail-sqs needs it).", null),
            ConfigProperty.optional(SCAN_LOOKBACK, ConfigType.DURATION,
                    "How far back trail-s3-scan starts reading a prefix (an account and region) it has not read before, e.g. 1d; "
                            + "whole days of the trail's folders are read.", "1d"),
            ConfigProperty.optional(SCAN_SETTLE, ConfigType.DURATION,
                    "trail-s3-scan reads a log file only when the time in its name is older than this, so that files written "
                            + "in the same minute are all there before the scan moves past them.", "5m"),
            ConfigProperty.optional(WAIT_TIME, ConfigType.DURATION,
                    "Long-poll wait of one SQS ReceiveMessage call (0s to 20s); 0s answers at once.", "0s"));

    public TrailDeliverySettings {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        prefix = prefix == null ? "" : prefix.trim();
        if (bucket != null && !BUCKET_NAME.matcher(bucket).matches()) {
            throw invalid(BUCKET, "expected an S3 bucket name (3-63 characters of a-z, 0-9, '.' and '-'), got '" + bucket + "'");
        }
        if (!prefix.isEmpty() && (prefix.startsWith("/") || !prefix.endsWith("/"))) {
            throw invalid(PREFIX, "expected a key prefix ending in '/' and not starting with one (e.g. security/), got '" + prefix + "'");
        }
        if (queueUrl != null && !QUEUE.matcher(queueUrl).matches()) {
            throw invalid(QUEUE_URL, "expected a queue URL such as https://sqs.us-east-1.amazonaws.com/123456789012/name, got '"
                    + queueUrl + "'");
        }
        if (mode == Mode.TRAIL_S3_SCAN && bucket == null) {
            throw invalid(BUCKET, "telemetry=trail-s3-scan needs the trail's bucket");
        }
        if (mode == Mode.TRAIL_SQS && queueUrl == null) {
            throw invalid(QUEUE_URL, "telemetry=trail-sqs needs the queue's URL");
        }
        if (scanLookback == null || scanLookback.isNegative() || scanLookback.isZero() || scanLookback.compareTo(Duration.ofDays(3650)) > 0) {
            throw invalid(SCAN_LOOKBACK, "expected a positive duration, got " + scanLookback);
        }
        if (scanSettle == null || scanSettle.isNegative() || scanSettle.compareTo(Duration.ofDays(1)) > 0) {
            throw invalid(SCAN_SETTLE, "expected 0 to 1d, got " + scanSettle);
        }
        if (waitTime == null || waitTime.isNegative() || waitTime.compareTo(Duration.ofSeconds(20)) > 0) {
            throw invalid(WAIT_TIME, "expected 0s to 20s (the SQS limit), got " + waitTime);
        }
    }

    /** The settings in {@code config}, defaults applied. */
    public static TrailDeliverySettings from(ConnectorConfig config) {
        return new TrailDeliverySettings(Mode.of(config.string(TELEMETRY).orElse("lookup-events")),
                config.string(BUCKET).map(String::trim).filter(s -> !s.isEmpty()).orElse(null),
                config.string(PREFIX).orElse(""),
                config.string(QUEUE_URL).map(String::trim).filter(s -> !s.isEmpty()).orElse(null),
                config.duration(SCAN_LOOKBACK).orElse(Duration.ofDays(1)),
                config.duration(SCAN_SETTLE).orElse(Duration.ofMinutes(5)),
                config.duration(WAIT_TIME).orElse(Duration.ZERO));
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'aws': " + property + ": " + reason);
    }
}

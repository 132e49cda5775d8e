package io.itdr.connector.aws.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;

/**
 * How the connector polls CloudTrail event history (LookupEvents), validated as a whole. Immutable.
 *
 * @param settleDelay    how far behind "now" polling stays, so that events CloudTrail delivers late
 *                       are already visible when their time is read; 0 to 1 day; never null
 * @param lookback       how far back polling from the start cursor reads, and how far the cursor may lag
 *                       the settled time in a quiet feed; more than
 *                       {@code settleDelay}, at most {@link #RETENTION}; never null
 * @param attributeKey   the LookupEvents attribute polling is restricted to ("EventSource"); null for
 *                       all management events
 * @param attributeValue its value ("iam.amazonaws.com"); null exactly when {@code attributeKey} is
 */
public record LookupEventsSettings(Duration settleDelay, Duration lookback, String attributeKey, String attributeValue) {
    /** CloudTrail keeps 90 days of event history (API_LookupEvents.html). */
    public static final Duration RETENTION = Duration.ofDays(90);
    /** The delay used when none is configured: CloudTrail delivers most events within 5, almost all within 15 minutes. */
    public static final Duration DEFAULT_SETTLE_DELAY = Duration.ofMinutes(15);
    static final Duration MAX_SETTLE_DELAY = Duration.ofDays(1);

    static final String SETTLE_DELAY = "cloudtrail-settle-delay";
    static final String LOOKBACK = "cloudtrail-lookback";
    static final String LOOKUP_ATTRIBUTE = "cloudtrail-lookup-attribute";

    /** The properties the factory declares for polling. */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(SETTLE_DELAY, ConfigType.DURATION,
                    "How long CloudTrail may take to make an event visible to LookupEvents (usually about 5, at most about "
                            + "15 minutes). Polling only reads events older than this, so late events are not skipped; an event "
                            + "delivered later still is missed by polling (read the trail's S3 export to be sure). 0 to 1d.",
                    "15m"),
            ConfigProperty.optional(LOOKBACK, ConfigType.DURATION,
                    "How far back the first poll (from the start cursor) reads CloudTrail event history, e.g. 1d, and how far "
                            + "the cursor may lag in a quiet feed, so that late events after the last one read are still found; "
                            + "longer than the settle delay, at most 90d (CloudTrail keeps 90 days).",
                    "1d"),
            ConfigProperty.optional(LOOKUP_ATTRIBUTE, ConfigType.STRING,
                    "Restricts polling to the events matching one LookupEvents attribute, as Key=Value, e.g. "
                            + "EventSource=iam.amazonaws.com. Keys: " + knownKeys() + ". Leave empty to poll all management events.",
                    null));

    public LookupEventsSettings {
        Objects.requireNonNull(settleDelay, "settleDelay");
        Objects.requireNonNull(lookback, "lookback");
        if (settleDelay.isNegative() || settleDelay.compareTo(MAX_SETTLE_DELAY) > 0) {
            throw invalid(SETTLE_DELAY, "expected 0 to 1d, got " + settleDelay);
        }
        if (lookback.compareTo(settleDelay) <= 0 || lookback.compareTo(RETENTION) > 0) {
            throw invalid(LOOKBACK, "expected more than the settle delay (" + settleDelay + ") and at most 90d, got " + lookback);
        }
        if ((attributeKey == null) != (attributeValue == null)) {
            throw new IllegalArgumentException("attributeKey and attributeValue are given together or not at all");
        }
        if (attributeKey != null && !knownKeys().contains(attributeKey)) {
            throw invalid(LOOKUP_ATTRIBUTE, "unknown attribute key '" + attributeKey + "'; expected one of " + knownKeys());
        }
        if (attributeValue != null && attributeValue.isBlank()) {
            throw invalid(LOOKUP_ATTRIBUTE, "the value after '" + attributeKey + "=' is empty");
        }
    }

    /** The settings in {@code config}, defaults applied. */
    public static LookupEventsSettings from(ConnectorConfig config) {
        Duration settle = config.duration(SETTLE_DELAY).orElse(DEFAULT_SETTLE_DELAY);
        Duration lookback = config.duration(LOOKBACK).orElse(Duration.ofDays(1));
        String attribute = config.string(LOOKUP_ATTRIBUTE).map(String::trim).orElse("");
        if (attribute.isEmpty()) {
            return new LookupEventsSettings(settle, lookback, null, null);
        }
        int eq = attribute.indexOf('=');
        if (eq <= 0) {
            throw invalid(LOOKUP_ATTRIBUTE, "expected Key=Value such as EventSource=iam.amazonaws.com, got '" + attribute + "'");
        }
        return new LookupEventsSettings(settle, lookback, attribute.substring(0, eq).trim(), attribute.substring(eq + 1).trim());
    }

    /** Whether polling is restricted to one attribute. */
    public boolean hasAttribute() {
        return attributeKey != null;
    }

    private static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>();
        LookupAttributeKey.knownValues().forEach(k -> keys.add(k.toString()));
        return keys;
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'aws': " + property + ": " + reason);
    }
}

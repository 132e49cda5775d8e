package io.itdr.connector.gcp.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the connector polls Cloud Audit Logs with {@code entries.list}, validated as a whole. Immutable.
 *
 * @param lookback how far back the first poll reads; more than 0, at most 400 days (the
 *                 {@code _Required} bucket's retention of admin activity logs); never null
 * @param settle   how old an entry must be before a poll reads it: Cloud Logging may make an entry
 *                 visible after later ones (https://cloud.google.com/logging/docs/view/logging-query-language#timestamp
 *                 and ingestion delay), so the newest moments are left for the next poll; 0 or more, never null
 * @param filter   a Logging query every poll adds ({@code protoPayload.serviceName="iam.googleapis.com"}); null for none
 */
public record AuditLogSettings(Duration lookback, Duration settle, String filter) {
    static final String LOOKBACK = "audit-log-lookback";
    static final String SETTLE = "audit-log-settle";
    static final String FILTER = "audit-log-filter";
    private static final Duration MAX_LOOKBACK = Duration.ofDays(400);
    private static final int MAX_FILTER_CHARS = 2000;

    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(LOOKBACK, ConfigType.DURATION,
                    "How far back the first poll of Cloud Audit Logs reads, e.g. 1d. Later polls resume from their cursor.", "1d"),
            ConfigProperty.optional(SETTLE, ConfigType.DURATION,
                    "How old an audit log entry must be before a poll reads it, e.g. 2m: Cloud Logging may show an entry after "
                            + "later ones, and a poll must not pass a moment that can still fill in.", "2m"),
            ConfigProperty.optional(FILTER, ConfigType.STRING,
                    "A Logging query added to every poll with AND, e.g. protoPayload.serviceName=\"iam.googleapis.com\" "
                            + "(https://cloud.google.com/logging/docs/view/logging-query-language). Leave empty for every audit log entry.",
                    null));

    public AuditLogSettings {
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(settle, "settle");
        if (lookback.isNegative() || lookback.isZero() || lookback.compareTo(MAX_LOOKBACK) > 0) {
            throw invalid(LOOKBACK, "expected more than 0 and at most 400d, got " + lookback);
        }
        if (settle.isNegative() || settle.compareTo(Duration.ofHours(1)) > 0) {
            throw invalid(SETTLE, "expected 0 to 1h, got " + settle);
        }
        if (filter != null && (filter.isBlank() || filter.length() > MAX_FILTER_CHARS || filter.chars().anyMatch(Character::isISOControl))) {
            throw invalid(FILTER, "must be one line of at most " + MAX_FILTER_CHARS + " characters");
        }
    }

    public static AuditLogSettings from(ConnectorConfig config) {
        return new AuditLogSettings(config.duration(LOOKBACK).orElse(Duration.ofDays(1)), config.duration(SETTLE).orElse(Duration.ofMinutes(2)),
                config.string(FILTER).map(String::trim).filter(s -> !s.isEmpty()).orElse(null));
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gcp': " + property + ": " + reason);
    }
}

package io.itdr.connector.okta.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the connector polls the System Log, validated as a whole. Immutable.
 *
 * @param lookback how far back the first poll (from the start cursor) reads; more than 0, at most
 *                 {@link #RETENTION}; never null
 * @param filter   a System Log filter expression ({@code eventType sw "app.oauth2"}) every poll
 *                 passes on; null for every event
 */
public record SystemLogSettings(Duration lookback, String filter) {
    /** Okta returns no System Log event older than 90 days (system-log/#data-retention). */
    public static final Duration RETENTION = Duration.ofDays(90);
    static final int MAX_FILTER_CHARS = 2000;

    static final String LOOKBACK = "system-log-lookback";
    static final String FILTER = "system-log-filter";

    /** The properties the factory declares for polling. */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(LOOKBACK, ConfigType.DURATION,
                    "How far back the first poll of the System Log reads, e.g. 1d (at most 90d, Okta's retention). Later polls "
                            + "resume from Okta's own cursor.", "1d"),
            ConfigProperty.optional(FILTER, ConfigType.STRING,
                    "A System Log filter expression every poll passes on, e.g. eventType sw \"app.oauth2\" or "
                            + "actor.type eq \"PublicClientApp\" (https://developer.okta.com/docs/reference/api/system-log/#expression-filter). "
                            + "Leave empty for every event. A cursor keeps the filter it was made with.", null));

    public SystemLogSettings {
        Objects.requireNonNull(lookback, "lookback");
        if (lookback.isNegative() || lookback.isZero() || lookback.compareTo(RETENTION) > 0) {
            throw invalid(LOOKBACK, "expected more than 0 and at most 90d, got " + lookback);
        }
        if (filter != null) {
            if (filter.isBlank()) {
                throw invalid(FILTER, "is blank");
            }
            if (filter.length() > MAX_FILTER_CHARS) {
                throw invalid(FILTER, "is longer than " + MAX_FILTER_CHARS + " characters");
            }
            if (filter.chars().anyMatch(Character::isISOControl)) {
                throw invalid(FILTER, "contains a control character (a line break?)");
            }
        }
    }

    /** The settings in {@code config}, defaults applied. */
    public static SystemLogSettings from(ConnectorConfig config) {
        return new SystemLogSettings(config.duration(LOOKBACK).orElse(Duration.ofDays(1)),
                config.string(FILTER).map(String::trim).orElse(null));
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'okta': " + property + ": " + reason);
    }
}

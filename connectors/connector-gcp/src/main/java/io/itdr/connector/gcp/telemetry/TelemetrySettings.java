package io.itdr.connector.gcp.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which path the connector reads Cloud Audit Logs by, validated as a whole. Immutable.
 *
 * @param mode         {@link Mode#LOGGING_API} (poll {@code entries.list}) or {@link Mode#PUBSUB} (pull a log
 *                     sink's Pub/Sub subscription); never null
 * @param subscription with {@link Mode#PUBSUB}: {@code projects/P/subscriptions/S}
 *                     (https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names); null otherwise
 */
public record TelemetrySettings(Mode mode, String subscription) {
    static final String TELEMETRY = "telemetry";
    static final String SUBSCRIPTION = "subscription";
    /** https://cloud.google.com/pubsub/docs/pubsub-basics#resource_names: 3-255 characters, a letter first. */
    private static final Pattern SUBSCRIPTION_NAME = Pattern.compile("projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/subscriptions/[A-Za-z][A-Za-z0-9._~+%-]{2,254}");

    /** The telemetry path. */
    public enum Mode {
        LOGGING_API("logging-api"), PUBSUB("pubsub");

        private final String value;

        Mode(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.oneOf(TELEMETRY,
                    "How audit logs are read: logging-api polls Cloud Logging's entries.list of the projects; pubsub pulls the "
                            + "Pub/Sub subscription of a log sink (production delivery; messages are acknowledged after the "
                            + "server stored their events).", "logging-api", "logging-api", "pubsub"),
            ConfigProperty.optional(SUBSCRIPTION, ConfigType.STRING,
                    "With telemetry pubsub: the subscription a log sink's topic delivers to, as projects/P/subscriptions/S.", null));

    public TelemetrySettings {
        java.util.Objects.requireNonNull(mode, "mode");
        if (mode == Mode.PUBSUB) {
            if (subscription == null) {
                throw invalid(SUBSCRIPTION, "is required with telemetry pubsub (projects/P/subscriptions/S)");
            }
            if (!SUBSCRIPTION_NAME.matcher(subscription).matches()) {
                throw invalid(SUBSCRIPTION, "'" + subscription + "' is not a subscription name (projects/<project id>/subscriptions/<name>, "
                        + "the name 3-255 characters starting with a letter)");
            }
        } else if (subscription != null) {
            throw invalid(SUBSCRIPTION, "is given, but telemetry is logging-api: set telemetry to pubsub to use it");
        }
    }

    public static TelemetrySettings from(ConnectorConfig config) {
        Mode mode = config.choice(TELEMETRY).filter(Mode.PUBSUB.value()::equals).map(v -> Mode.PUBSUB).orElse(Mode.LOGGING_API);
        return new TelemetrySettings(mode, config.string(SUBSCRIPTION).map(String::trim).filter(s -> !s.isEmpty()).orElse(null));
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gcp': " + property + ": " + reason);
    }
}

package io.itdr.connector.azure.telemetry;

import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which telemetry path the connector reads ({@code telemetry=graph|eventhubs}) and, for Event Hubs, the hub
 * that the tenant's and subscriptions' diagnostic settings stream to
 * (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-stream-logs-to-event-hub,
 * https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/diagnostic-settings). Immutable.
 *
 * @param mode                the telemetry path; never null
 * @param namespace           the Event Hubs namespace's host, {@code <name>.servicebus.windows.net}; null unless eventhubs
 * @param hub                 the event hub's name; null unless eventhubs
 * @param consumerGroup       the consumer group the connector reads as; never null
 * @param checkpointContainer the storage container checkpoints are written to
 *                            ({@code https://<account>.blob.core.windows.net/<container>}); null for none
 * @param startAtEarliest     where a partition without checkpoint starts: the oldest retained event (true) or new events only
 * @param receiveWait         how long one partition's receive waits for events before it returns fewer
 */
public record EventHubSettings(Mode mode, String namespace, String hub, String consumerGroup, URI checkpointContainer,
                               boolean startAtEarliest, Duration receiveWait) {
    static final String TELEMETRY = "telemetry";
    static final String NAMESPACE = "eventhub-namespace";
    static final String HUB = "eventhub-name";
    static final String CONSUMER_GROUP = "eventhub-consumer-group";
    static final String CHECKPOINTS = "eventhub-checkpoint-container";
    static final String START = "eventhub-start";
    static final String WAIT = "eventhub-receive-wait";
    /** https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsofteventhub */
    private static final Pattern HUB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,255}");
    private static final Pattern HOST = Pattern.compile("(?i)[a-z0-9][a-z0-9-]{0,62}(\\.[a-z0-9-]{1,63})+");

    /** The telemetry path. */
    public enum Mode { GRAPH, EVENTHUBS }

    /** The properties the factory declares for the telemetry path. */
    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.oneOf(TELEMETRY, "Where the connector reads telemetry: graph (poll Microsoft Graph's sign-in, audit and "
                    + "risk logs) or eventhubs (read the event hub that diagnostic settings stream Entra and Azure Activity logs "
                    + "to; needs eventhub-namespace and eventhub-name).", "graph", "graph", "eventhubs"),
            ConfigProperty.optional(NAMESPACE, ConfigType.STRING,
                    "telemetry=eventhubs: the Event Hubs namespace's fully qualified host, e.g. contoso-logs.servicebus.windows.net. "
                            + "The connector's identity needs the Azure Event Hubs Data Receiver role on the hub.", null),
            ConfigProperty.optional(HUB, ConfigType.STRING,
                    "telemetry=eventhubs: the event hub's name (insights-logs-auditlogs, or the hub the diagnostic settings name).",
                    null),
            ConfigProperty.optional(CONSUMER_GROUP, ConfigType.STRING,
                    "telemetry=eventhubs: the consumer group the connector reads as; give it one of its own.", "$Default"),
            ConfigProperty.optional(CHECKPOINTS, ConfigType.URI,
                    "telemetry=eventhubs: a blob container (https://<account>.blob.core.windows.net/<container>) the connector writes "
                            + "its checkpoints to, laid out as the Event Hubs SDK's BlobCheckpointStore does; needs Storage Blob Data "
                            + "Contributor on it. Empty: positions live in the server's cursor only.", null),
            ConfigProperty.oneOf(START, "telemetry=eventhubs: where a partition without checkpoint starts: earliest (the oldest event "
                    + "the hub retains) or latest (new events only).", "earliest", "earliest", "latest"),
            ConfigProperty.optional(WAIT, ConfigType.DURATION,
                    "telemetry=eventhubs: how long one partition's receive waits for events before it returns fewer (each poll "
                            + "reads the partitions one after the other).", "PT1S"));

    public EventHubSettings {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(consumerGroup, "consumerGroup");
        Objects.requireNonNull(receiveWait, "receiveWait");
        if (mode == Mode.EVENTHUBS) {
            if (namespace == null || !HOST.matcher(namespace).matches()) {
                throw invalid(NAMESPACE, namespace == null ? "telemetry=eventhubs needs the namespace's host"
                        : "'" + JsonFields.clip(namespace, 80) + "' is not a host name such as contoso-logs.servicebus.windows.net");
            }
            if (hub == null || !HUB_NAME.matcher(hub).matches()) {
                throw invalid(HUB, hub == null ? "telemetry=eventhubs needs the event hub's name"
                        : "'" + JsonFields.clip(hub, 80) + "' is not an event hub name");
            }
            if (consumerGroup.isBlank() || consumerGroup.contains("/")) {
                throw invalid(CONSUMER_GROUP, "'" + JsonFields.clip(consumerGroup, 80) + "' is not a consumer group name");
            }
            if (checkpointContainer != null && (!"https".equalsIgnoreCase(checkpointContainer.getScheme())
                    || checkpointContainer.getHost() == null || checkpointContainer.getRawQuery() != null
                    || checkpointContainer.getPath() == null || checkpointContainer.getPath().replaceAll("^/+|/+$", "").isEmpty())) {
                throw invalid(CHECKPOINTS, "must be an https URL of a blob container without a query (no SAS: the connector signs in "
                        + "with its own identity), got '" + JsonFields.clip(checkpointContainer.getScheme() + "://" + checkpointContainer.getRawAuthority()
                        + checkpointContainer.getRawPath(), 120) + (checkpointContainer.getRawQuery() == null ? "'" : "?…' (query not shown)"));
            }
            if (receiveWait.isNegative() || receiveWait.isZero() || receiveWait.compareTo(Duration.ofMinutes(1)) > 0) {
                throw invalid(WAIT, "must be more than 0 and at most PT1M, got " + receiveWait);
            }
        }
    }

    public static EventHubSettings from(ConnectorConfig config) {
        Mode mode = config.choice(TELEMETRY).map(m -> Mode.valueOf(m.toUpperCase(Locale.ROOT))).orElse(Mode.GRAPH);
        return new EventHubSettings(mode, config.string(NAMESPACE).map(String::trim).orElse(null),
                config.string(HUB).map(String::trim).orElse(null), config.string(CONSUMER_GROUP).map(String::trim).orElse("$Default"),
                config.uri(CHECKPOINTS).orElse(null), !"latest".equals(config.choice(START).orElse("earliest")),
                config.duration(WAIT).orElse(Duration.ofSeconds(1)));
    }

    /** {@code <namespace>/<hub>/<consumer group>}: names the stream in cursors and messages. */
    public String stream() {
        return namespace.toLowerCase(Locale.ROOT) + "/" + hub.toLowerCase(Locale.ROOT) + "/" + consumerGroup.toLowerCase(Locale.ROOT);
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'azure': " + property + ": " + reason);
    }
}

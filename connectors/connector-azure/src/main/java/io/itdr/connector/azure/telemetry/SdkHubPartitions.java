package io.itdr.connector.azure.telemetry;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@link HubPartitions} on the Azure Event Hubs client ({@code com.azure:azure-messaging-eventhubs}, the synchronous
 * {@link EventHubConsumerClient}): {@code getPartitionIds} and {@code receiveFromPartition} from
 * {@code EventPosition.fromSequenceNumber(n, false)} (exclusive), or from the earliest or latest event
 * (https://learn.microsoft.com/en-us/java/api/overview/azure/messaging-eventhubs-readme). Signs in with the
 * connector's Azure Identity credential (the Azure Event Hubs Data Receiver role on the hub). The connector keeps
 * positions and checkpoints itself ({@link EventHubSource}), so it uses the consumer client rather than the
 * {@code EventProcessorClient}, whose callbacks would checkpoint on their own schedule.
 *
 * <p>Not exercised against a live hub: AMQP cannot be simulated with WireMock, so the tests drive
 * {@link EventHubSource} through {@link HubPartitions} and check this class's error mapping
 * ({@link #map(String, RuntimeException)}) on the SDK's exceptions. Failures: a transient AMQP error →
 * UNAVAILABLE (server busy → THROTTLED), unauthorized → AUTHENTICATION_FAILED, not found → NOT_FOUND, a refused
 * token → AUTHENTICATION_FAILED, no answer within the SDK's try timeout → TIMEOUT. Thread-safe.
 */
final class SdkHubPartitions implements HubPartitions {
    private final EventHubConsumerClient client;
    private final EventHubSettings settings;

    SdkHubPartitions(EventHubSettings settings, TokenCredential credential) {
        this.settings = Objects.requireNonNull(settings, "settings");
        // building the client opens nothing: the first call connects
        this.client = new EventHubClientBuilder().credential(settings.namespace(), settings.hub(), credential)
                .consumerGroup(settings.consumerGroup()).buildConsumerClient();
    }

    @Override
    public List<String> partitionIds() {
        return call("get partition ids", () -> {
            List<String> ids = new ArrayList<>();
            client.getPartitionIds().forEach(ids::add);
            return ids;
        });
    }

    @Override
    public List<HubEvent> receive(String partition, Long afterSequence, int max) {
        EventPosition from = afterSequence != null ? EventPosition.fromSequenceNumber(afterSequence, false)
                : settings.startAtEarliest() ? EventPosition.earliest() : EventPosition.latest();
        return call("receive from partition " + partition, () -> {
            List<HubEvent> events = new ArrayList<>();
            for (PartitionEvent e : client.receiveFromPartition(partition, max, from, settings.receiveWait())) {
                EventData data = e.getData();
                events.add(new HubEvent(data.getSequenceNumber(), String.valueOf(data.getOffsetString()), data.getEnqueuedTime(),
                        data.getBody() == null ? new byte[0] : data.getBody()));
            }
            return events;
        });
    }

    private <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw map("event hub " + settings.stream() + ": " + what, e);
        }
    }

    /** The standard error for what the Event Hubs client threw (the SDK may wrap it). */
    static ConnectorException map(String what, RuntimeException thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException) {
                return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + ": Microsoft Entra refused the connector's "
                        + "credential: " + firstLine(t.getMessage()), thrown);
            }
            if (t instanceof AmqpException amqp) {
                AmqpErrorCondition condition = amqp.getErrorCondition();
                String detail = what + ": " + (condition == null ? "AMQP error" : condition.getErrorCondition()) + ": "
                        + firstLine(amqp.getMessage());
                if (condition == AmqpErrorCondition.UNAUTHORIZED_ACCESS) {
                    return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, detail + " (the identity needs Azure Event Hubs "
                            + "Data Receiver on the hub)", thrown);
                }
                if (condition == AmqpErrorCondition.NOT_FOUND) {
                    return new ConnectorException(ErrorCode.NOT_FOUND, detail, thrown);
                }
                if (condition == AmqpErrorCondition.SERVER_BUSY_ERROR || condition == AmqpErrorCondition.RESOURCE_LIMIT_EXCEEDED) {
                    return ConnectorException.retriable(ErrorCode.THROTTLED, detail, Duration.ofSeconds(4), thrown);
                }
                if (condition == AmqpErrorCondition.TIMEOUT_ERROR) {
                    return ConnectorException.retriable(ErrorCode.TIMEOUT, detail, null, thrown);
                }
                if (amqp.isTransient()) {
                    return ConnectorException.retriable(ErrorCode.UNAVAILABLE, detail, null, thrown);
                }
                return new ConnectorException(ErrorCode.INTERNAL, detail, thrown);
            }
            if (t instanceof java.util.concurrent.TimeoutException) {
                return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no answer in time", null, thrown);
            }
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": " + thrown.getClass().getSimpleName() + ": "
                + firstLine(thrown.getMessage()), null, thrown);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return JsonFields.clip(newline < 0 ? message : message.substring(0, newline), 300);
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "SdkHubPartitions[" + settings.stream() + "]";
    }
}

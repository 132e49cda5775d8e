package io.itdr.connector.azure.telemetry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The thin seam between {@link EventHubSource} and the Event Hubs client: what one poll needs of a hub, and
 * nothing it must remember. The production implementation is {@link SdkHubPartitions} (the Azure Event Hubs
 * client over AMQP, which WireMock cannot simulate); tests give a list per partition. Implementations are
 * thread-safe and throw {@link io.itdr.spi.ConnectorException}s with the standard codes.
 */
public interface HubPartitions extends AutoCloseable {

    /** The hub's partition ids, in the hub's order. */
    List<String> partitionIds();

    /**
     * Up to {@code max} events of {@code partition} in sequence order.
     *
     * @param afterSequence the events after this sequence number (exclusive); null for the configured start
     *                      (earliest or latest)
     * @return fewer than {@code max} (possibly none) when the partition holds no more within the receive wait; never null
     */
    List<HubEvent> receive(String partition, Long afterSequence, int max);

    @Override
    default void close() {
    }

    /**
     * One event of a partition: what diagnostic settings sent, {@code {"records":[...]}}.
     *
     * @param sequenceNumber the event's sequence number in its partition
     * @param offset         the event's offset in its partition (kept for the checkpoint); never null
     * @param enqueued       when the hub accepted it; may be null
     * @param body           the event's body; never null
     */
    record HubEvent(long sequenceNumber, String offset, Instant enqueued, byte[] body) {
        public HubEvent {
            Objects.requireNonNull(offset, "offset");
            Objects.requireNonNull(body, "body");
        }
    }
}

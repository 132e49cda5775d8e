package io.itdr.connector.azure.telemetry;

import java.util.Map;
import java.util.Objects;

/**
 * Where the connector leaves its checkpoints: per partition, the last event whose every record the host has
 * stored. {@link EventHubSource} writes one only after the host persisted the batch that ended with it (see
 * there); on a start without a cursor it reads them to resume. The production implementation is
 * {@link BlobCheckpoints}; {@link #NONE} keeps positions in the host's cursor alone. Thread-safe; failures are
 * {@link io.itdr.spi.ConnectorException}s with the standard codes.
 */
public interface HubCheckpoints {

    /** No checkpoint store: a start without a cursor begins at the configured start. */
    HubCheckpoints NONE = new HubCheckpoints() {
        @Override
        public Map<String, Checkpoint> load() {
            return Map.of();
        }

        @Override
        public void store(String partition, Checkpoint checkpoint) {
        }

        @Override
        public String toString() {
            return "no checkpoint store";
        }
    };

    /** The checkpoints of the stream, by partition id; never null. */
    Map<String, Checkpoint> load();

    /** Records that every event of {@code partition} up to and including {@code checkpoint} was handed over. */
    void store(String partition, Checkpoint checkpoint);

    /**
     * One partition's checkpoint, as the Event Hubs SDK keeps it.
     *
     * @param sequenceNumber the sequence number of the last event handed over
     * @param offset         its offset; never null
     */
    record Checkpoint(long sequenceNumber, String offset) {
        public Checkpoint {
            Objects.requireNonNull(offset, "offset");
        }
    }
}

package io.itdr.connector.azure.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Reads the Entra and Azure logs that diagnostic settings stream to an event hub ({@code telemetry=eventhubs}):
 * each event's body is {@code {"records":[...]}}
 * (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/resource-logs-schema,
 * https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-stream-logs-to-event-hub), normalized by
 * {@link AzureLogNormalizer} with each record as its raw record. The hub is reached through {@link HubPartitions}
 * (the Azure Event Hubs client in production), partition by partition, each from the sequence number the cursor
 * holds for it.
 *
 * <p><b>Checkpointing only what was handed over.</b> A checkpoint is written only after the host has durably
 * stored the events read up to it. As with the AWS connector's SQS path and the GCP connector's Pub/Sub path, the
 * SPI's signal for that is the cursor: the host polls with a batch's {@code next} cursor only after it handled the
 * batch and persisted that cursor. So the cursor of a batch names the partitions whose position it advanced
 * ({@code ack}), and the next poll writes their checkpoints ({@link HubCheckpoints}) first, before it receives more.
 * A host that crashes before persisting polls again with the older cursor: nothing of the lost batch was
 * checkpointed, and the same events are read again from the same sequence numbers (at least once; events keep
 * their ids, so the host drops those it stored before). A failed checkpoint write fails the poll as retriable, and
 * the next poll, with the same cursor, writes again.
 *
 * <p>The cursor is the whole position: per partition the last event handed over (sequence number and offset), and
 * at most one event handed over in part ({@code part}: its partition, sequence number and how many of its records
 * went out), for a delivery larger than the room left in a batch; the next poll reads that partition first and
 * skips those records. A cursor of another stream, or {@link Cursor#START}, begins at the checkpoints (or at the
 * configured start where a partition has none). Partitions are read in turn, starting after the one that
 * filled the last batch, so a busy partition cannot starve the others.
 *
 * <p>A body that is not a delivery becomes one rejection naming the partition and sequence number, and the
 * position moves past it. Thread-safe and stateless.
 */
public final class EventHubSource implements TelemetrySource {
    static final String KIND = "eventhubs";
    /** Events asked of one partition per receive: diagnostic settings pack up to hundreds of records into one. */
    static final int RECEIVE_MAX = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubPartitions partitions;
    private final HubCheckpoints checkpoints;
    private final AzureLogNormalizer normalizer;
    private final String stream;

    public EventHubSource(HubPartitions partitions, HubCheckpoints checkpoints, AzureLogNormalizer normalizer, String stream) {
        this.partitions = Objects.requireNonNull(partitions, "partitions");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.stream = Objects.requireNonNull(stream, "stream");
    }

    /** The position a poll starts from, and what it changes. */
    private static final class Position {
        final Map<String, HubCheckpoints.Checkpoint> last = new LinkedHashMap<>();
        final TreeSet<String> ack = new TreeSet<>();
        String partPartition;
        long partSequence;
        int partSkip;
        int turn;
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        Position from = read(cursor);
        // the host persisted the cursor that names these: their events are stored, so checkpoint them now
        for (String partition : from.ack) {
            checkpoints.store(partition, from.last.get(partition));
        }
        List<String> ids = partitions.partitionIds();
        Position next = new Position();
        next.last.putAll(from.last);
        CollectingSink sink = new CollectingSink();
        int room = maxEvents;
        boolean full = false;
        int n = ids.size();
        next.turn = n == 0 ? 0 : Math.floorMod(from.turn + 1, n);
        for (int i = 0; i < n && !full; i++) {
            int index = Math.floorMod(from.turn + i, n);
            String partition = ids.get(index);
            HubCheckpoints.Checkpoint after = next.last.get(partition);
            List<HubPartitions.HubEvent> events = partitions.receive(partition, after == null ? null : after.sequenceNumber(),
                    Math.min(room, RECEIVE_MAX));
            for (Iterator<HubPartitions.HubEvent> it = events.iterator(); it.hasNext(); ) {
                HubPartitions.HubEvent event = it.next();
                int skip = partition.equals(from.partPartition) && event.sequenceNumber() == from.partSequence ? from.partSkip : 0;
                Handed handed = hand(partition, event, skip, room, sink);
                room -= handed.count();
                if (!handed.complete()) {
                    next.partPartition = partition;
                    next.partSequence = event.sequenceNumber();
                    next.partSkip = skip + handed.count();
                    next.turn = index; // finish this event first
                    full = true;
                    break;
                }
                next.last.put(partition, new HubCheckpoints.Checkpoint(event.sequenceNumber(), event.offset()));
                next.ack.add(partition);
                if (room == 0) {
                    full = true;
                    next.turn = Math.floorMod(index + 1, n); // the others first next time
                    break;
                }
            }
        }
        return TelemetryBatch.of(sink, write(next), full);
    }

    /** How many records of an event went into the batch, and whether that finished the event. */
    private record Handed(int count, boolean complete) {
    }

    /**
     * Normalizes the records {@code skip} … {@code skip + room - 1} of the event's delivery into {@code sink}. The
     * whole body is read every time (records before {@code skip} are dropped), so record numbers in locations stay
     * the same whichever poll hands a record over.
     */
    private Handed hand(String partition, HubPartitions.HubEvent event, int skip, int room, CollectingSink sink) {
        String name = "eventhub " + stream + " partition " + partition + " sequence " + event.sequenceNumber();
        int[] seen = {0};
        int[] taken = {0};
        NormalizationSink window = new NormalizationSink() {
            private boolean inWindow() {
                int index = seen[0]++;
                return index >= skip && index < skip + room;
            }

            @Override
            public void accept(IdentityEvent e) {
                accept(e, null, null);
            }

            @Override
            public void accept(IdentityEvent e, String location) {
                accept(e, location, null);
            }

            @Override
            public void accept(IdentityEvent e, String location, String record) {
                if (inWindow()) {
                    taken[0]++;
                    sink.accept(e, location, record);
                }
            }

            @Override
            public void reject(Rejection rejection) {
                if (inWindow()) {
                    taken[0]++;
                    sink.reject(rejection);
                }
            }
        };
        try {
            normalizer.normalize(new ByteArrayInputStream(event.body()), name, null, window);
        } catch (ConnectorException unreadable) {
            // the body cannot be read on: what came before was handed over; the rest is one rejection, the event is done
            if (taken[0] < room && seen[0] >= skip) {
                sink.reject(new Rejection(name, "not a diagnostic-settings delivery ({\"records\":[...]}): "
                        + JsonFields.clip(unreadable.getMessage(), 300)));
                taken[0]++;
            }
            return new Handed(taken[0], true);
        }
        return new Handed(taken[0], skip + taken[0] >= seen[0]);
    }

    /** The position the cursor names; the checkpoints for the start, or for another stream's cursor. */
    private Position read(Cursor cursor) {
        Position position = new Position();
        JsonNode root = null;
        if (!cursor.isStart() && cursor.value().startsWith("{")) {
            try {
                root = JSON.readTree(cursor.value());
            } catch (IOException e) {
                throw damaged(e.getClass().getSimpleName());
            }
        }
        if (root == null || !KIND.equals(root.path("kind").asText()) || !stream.equals(root.path("stream").asText())) {
            // the start, the Graph path's cursor, or another hub's: the checkpoints hold the position
            position.last.putAll(checkpoints.load());
            return position;
        }
        try {
            root.path("p").fields().forEachRemaining(e -> position.last.put(e.getKey(),
                    new HubCheckpoints.Checkpoint(e.getValue().get("s").asLong(), e.getValue().get("o").asText())));
            root.path("ack").forEach(p -> {
                if (!position.last.containsKey(p.asText())) {
                    throw new IllegalStateException("ack of a partition without position");
                }
                position.ack.add(p.asText());
            });
            JsonNode part = root.get("part");
            if (part != null && part.isObject()) {
                position.partPartition = part.get("p").asText();
                position.partSequence = part.get("s").asLong();
                position.partSkip = part.get("k").asInt();
            }
            position.turn = root.path("turn").asInt(0);
            return position;
        } catch (RuntimeException e) {
            throw damaged(e.getClass().getSimpleName());
        }
    }

    private Cursor write(Position position) {
        ObjectNode root = JSON.createObjectNode().put("kind", KIND).put("stream", stream);
        ObjectNode p = root.putObject("p");
        position.last.forEach((partition, c) -> p.putObject(partition).put("s", c.sequenceNumber()).put("o", c.offset()));
        position.ack.forEach(root.putArray("ack")::add);
        if (position.partPartition != null) {
            root.putObject("part").put("p", position.partPartition).put("s", position.partSequence).put("k", position.partSkip);
        }
        root.put("turn", position.turn);
        return new Cursor(root.toString());
    }

    private ConnectorException damaged(String why) {
        return new ConnectorException(ErrorCode.CURSOR_INVALID, "connector 'azure': the eventhubs cursor of " + stream + " is damaged ("
                + why + "); poll from the start: the checkpoints and the hub's retention hold the position");
    }

    /** Health: the hub answers with its partitions (needs Azure Event Hubs Data Receiver). */
    public void probe() {
        if (partitions.partitionIds().isEmpty()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "event hub " + stream + " reports no partitions");
        }
    }

    @Override
    public String toString() {
        return "EventHubSource[" + stream + ", " + checkpoints + "]";
    }
}

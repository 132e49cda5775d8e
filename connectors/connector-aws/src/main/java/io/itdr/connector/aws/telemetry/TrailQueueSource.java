package io.itdr.connector.aws.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.connector.aws.AwsErrors;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Reads a trail's log files as S3 announces them to an SQS queue, and EventBridge events sent to
 * the same queue (GuardDuty findings): {@code telemetry=trail-sqs}.
 *
 * <p><b>Deleting only what was handed over.</b> A message is deleted from the queue only after the
 * host has durably stored the events read from it. The SPI has one signal for that: the host polls
 * with a batch's {@code next} cursor only after it handled the batch and persisted that cursor
 * ({@link TelemetryBatch}'s contract; the server stores the cursor in the same step as the events).
 * So the cursor carries the receipt handles of the messages whose every record is in the batch it
 * ends ({@code ack}), and the next poll deletes them first (DeleteMessage,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html), before it
 * receives more (DeleteMessageBatch, 10 at a time). A host that crashes before persisting polls again with the older cursor: the
 * messages of the lost batch were not deleted, come back once their visibility timeout ends, and are
 * read again (at least once; the host drops events it stored before). A message whose records do not
 * all fit in one batch stays in the cursor ({@code pending}: its receipt handle, the objects still to
 * read and the record index reached) and is finished by the next polls before anything new is
 * received; S3 objects never change, so re-reading from an index gives the same records.
 *
 * <p>Operators: set the queue's visibility timeout above the time to hand over one receive (10
 * messages; 5 minutes is ample), and give the queue a redrive policy (dead-letter queue), so that a
 * message whose object cannot be read (access denied) is set aside after some attempts.
 *
 * <p>Messages it cannot read (see {@link QueueMessage}) become one rejection each and are deleted.
 * A log file that is malformed part-way keeps the records before the break and adds one rejection
 * ({@link TrailObjectReader}). A cursor of another telemetry path (after a change of
 * {@code telemetry}) is read as the start: the queue itself holds the position.
 *
 * <p>Thread-safe and stateless: the cursor is the whole position.
 */
public final class TrailQueueSource implements TelemetrySource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KIND = "trail-sqs";
    /** ReceiveMessage returns at most 10 messages per call. */
    static final int RECEIVE_MAX = 10;

    private final SqsClient sqs;
    private final TrailObjectReader reader;
    private final TrailDeliverySettings settings;

    TrailQueueSource(SqsClient sqs, TrailObjectReader reader, TrailDeliverySettings settings) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A received message still being read. */
    private static final class Pending {
        final String handle;
        final String messageId;
        final List<QueueMessage.TrailObject> objects;
        final String event;
        final String unreadable;
        int object;
        long skip;

        Pending(String handle, String messageId, List<QueueMessage.TrailObject> objects, String event, String unreadable, int object, long skip) {
            this.handle = handle;
            this.messageId = messageId;
            this.objects = objects;
            this.event = event;
            this.unreadable = unreadable;
            this.object = object;
            this.skip = skip;
        }
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        Deque<Pending> pending = new ArrayDeque<>();
        List<String> handedOver = read(cursor, pending);
        for (int from = 0; from < handedOver.size(); from += RECEIVE_MAX) {
            delete(handedOver.subList(from, Math.min(handedOver.size(), from + RECEIVE_MAX)));
        }
        if (pending.isEmpty()) {
            receive(pending);
        }
        CollectingSink out = new CollectingSink();
        List<String> acks = new ArrayList<>();
        while (!pending.isEmpty()) {
            int room = maxEvents - size(out);
            if (room <= 0) {
                break;
            }
            Pending p = pending.peekFirst();
            if (p.unreadable != null) {
                out.reject(new Rejection("sqs message " + p.messageId, p.unreadable));
            } else if (p.event != null) {
                TrailObjectReader.Progress progress = reader.readBody("sqs message " + p.messageId, p.event, p.skip, room, out);
                if (!progress.finished()) {
                    p.skip = progress.consumed();
                    break;
                }
            } else {
                boolean stopped = false;
                while (p.object < p.objects.size()) {
                    room = maxEvents - size(out);
                    if (room <= 0) {
                        stopped = true;
                        break;
                    }
                    QueueMessage.TrailObject o = p.objects.get(p.object);
                    TrailObjectReader.Progress progress = reader.readObject(o.bucket(), o.key(), p.skip, room, out);
                    if (!progress.finished()) {
                        p.skip = progress.consumed();
                        stopped = true;
                        break;
                    }
                    p.object++;
                    p.skip = 0;
                }
                if (stopped) {
                    break;
                }
            }
            acks.add(p.handle);
            pending.removeFirst();
        }
        // more now: the acknowledged messages are deleted (and more received) by the very next poll
        boolean hasMore = !acks.isEmpty() || !pending.isEmpty();
        return TelemetryBatch.of(out, write(acks, pending), hasMore);
    }

    private static int size(CollectingSink sink) {
        return sink.events().size() + sink.rejections().size();
    }

    /** ReceiveMessage (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html). */
    private void receive(Deque<Pending> pending) {
        List<Message> messages = AwsErrors.call("sqs:ReceiveMessage", settings.queueUrl(), () -> sqs.receiveMessage(b -> b
                .queueUrl(settings.queueUrl()).maxNumberOfMessages(RECEIVE_MAX)
                .waitTimeSeconds((int) settings.waitTime().toSeconds())).messages());
        for (Message m : messages) {
            try {
                QueueMessage parsed = QueueMessage.parse(m.body() == null ? "" : m.body());
                pending.addLast(new Pending(m.receiptHandle(), m.messageId(), parsed.objects(), parsed.event(), null, 0, 0));
            } catch (QueueMessage.Unreadable e) {
                pending.addLast(new Pending(m.receiptHandle(), m.messageId(), List.of(), null, e.getMessage(), 0, 0));
            }
        }
    }

    /**
     * DeleteMessageBatch of up to 10 handles
     * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html).
     * An entry refused as {@code ReceiptHandleIsInvalid} is passed over: its visibility timeout ended,
     * the message came back and is read again (the host drops what it stored before). Any other
     * refused entry fails the poll as retriable, so the next poll deletes again.
     */
    private void delete(List<String> handles) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i)).receiptHandle(handles.get(i)).build());
        }
        DeleteMessageBatchResponse answer = AwsErrors.call("sqs:DeleteMessage", settings.queueUrl(),
                () -> sqs.deleteMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(entries)));
        for (BatchResultErrorEntry failed : answer.failed()) {
            if (!"ReceiptHandleIsInvalid".equals(failed.code()) && !"InvalidParameterValue".equals(failed.code())) {
                throw new ConnectorException(ErrorCode.UNAVAILABLE, "sqs:DeleteMessage on " + settings.queueUrl() + ": a handed-over "
                        + "message was not deleted: " + failed.code() + ": " + failed.message() + "; the next poll deletes it again");
            }
        }
    }

    /** The receipt handles to delete now; fills {@code pending} with the messages still being read. */
    private static List<String> read(Cursor cursor, Deque<Pending> pending) {
        if (cursor.isStart()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(cursor.value());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !KIND.equals(root.path("kind").asText())) {
            return List.of(); // another path's cursor: the queue holds the position
        }
        try {
            List<String> acks = new ArrayList<>();
            root.path("ack").forEach(h -> acks.add(h.asText()));
            for (JsonNode p : root.path("pending")) {
                List<QueueMessage.TrailObject> objects = new ArrayList<>();
                p.path("objects").forEach(o -> objects.add(new QueueMessage.TrailObject(o.get("b").asText(), o.get("k").asText())));
                pending.addLast(new Pending(p.get("h").asText(), p.get("m").asText(), objects,
                        p.hasNonNull("e") ? p.get("e").asText() : null, p.hasNonNull("u") ? p.get("u").asText() : null,
                        p.path("i").asInt(), p.path("s").asLong()));
            }
            return acks;
        } catch (RuntimeException e) {
            throw new ConnectorException(ErrorCode.CURSOR_INVALID, "connector 'aws': the trail-sqs cursor is damaged ("
                    + e.getClass().getSimpleName() + "); poll from the start: the queue still holds every unacknowledged message", e);
        }
    }

    private static Cursor write(List<String> acks, Deque<Pending> pending) {
        ObjectNode root = JSON.createObjectNode().put("kind", KIND);
        ArrayNode ack = root.putArray("ack");
        acks.forEach(ack::add);
        ArrayNode list = root.putArray("pending");
        for (Pending p : pending) {
            ObjectNode item = list.addObject().put("h", p.handle).put("m", p.messageId).put("i", p.object).put("s", p.skip);
            if (p.event != null) {
                item.put("e", p.event);
            }
            if (p.unreadable != null) {
                item.put("u", p.unreadable);
            }
            ArrayNode objects = item.putArray("objects");
            p.objects.forEach(o -> objects.addObject().put("b", o.bucket()).put("k", o.key()));
        }
        return new Cursor(root.toString());
    }

    @Override
    public String toString() {
        return "TrailQueueSource[" + settings.queueUrl() + "]";
    }
}

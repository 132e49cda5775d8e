package io.itdr.connector.gcp.telemetry;

import io.itdr.connector.support.TelemetryMetrics;
import static io.itdr.connector.support.JsonFields.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.api.client.http.ByteArrayContent;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.GcpErrors;
import io.itdr.connector.gcp.normalize.AuditLogNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads Cloud Audit Logs from the Pub/Sub subscription of a log sink ({@code telemetry=pubsub}) with the
 * REST methods of https://cloud.google.com/pubsub/docs/reference/rest: {@code projects.subscriptions.pull}
 * and {@code acknowledge}. Each message's {@code data} is the base64 of one {@code LogEntry}'s JSON
 * (https://cloud.google.com/logging/docs/export/pubsub), normalized by {@link AuditLogNormalizer} with the
 * entry as the raw record.
 *
 * <p><b>Acknowledging only what was handed over.</b> A message is acknowledged only after the host has
 * durably stored the events read from it. The SPI's signal for that is the cursor: the host polls with a
 * batch's {@code next} cursor only after it handled the batch and persisted that cursor (the server stores
 * the cursor in the same step as the events). So the cursor of a batch names the ack ids of the messages in
 * it ({@code ack}), and the next poll acknowledges them first, before it pulls more. A host that crashes
 * before persisting polls again with the older cursor: the lost batch's messages were never acknowledged, come
 * back once their ack deadline passed, and are read again (at least once). Their events keep their ids (the
 * {@code LogEntry}'s {@code insertId}), so the host drops the ones it stored before. An ack id whose deadline
 * passed before the acknowledgement is ignored by Pub/Sub (without exactly-once delivery), the message comes
 * again and is dropped the same way.
 *
 * <p>One message holds one entry, so a pull asks for at most {@code maxEvents} messages and a batch never
 * splits a message. Should Pub/Sub return more, the rest are handed back at once ({@code modifyAckDeadline}
 * 0). A message whose data is no LogEntry is rejected with its place ({@code pubsub <subscription> message
 * <id>}) and acknowledged with the batch: it would never read better (the rejection is counted). A cursor of
 * the other path, or of another subscription, acknowledges nothing: the subscription holds the position.
 *
 * <p>Pulls ask {@code returnImmediately}: the host polls on its own schedule and must not wait in a long
 * poll past its request timeout. Throttling (429 RESOURCE_EXHAUSTED with retry info) and 5xx surface as
 * retriable errors ({@link GcpErrors}); a failed acknowledgement fails the poll, and the next poll, with the
 * same cursor, acknowledges again. Thread-safe and stateless: the cursor is the whole position.
 */
public final class PubSubSource implements TelemetrySource {
    static final String KIND = "pubsub";
    /** Pub/Sub returns at most 1000 messages per pull. */
    static final int PULL_MAX = 1000;
    /** Ack ids per acknowledge request: the request stays well under Pub/Sub's 512 KB request limit. */
    static final int ACK_CHUNK = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GcpClients clients;
    private final String subscription;
    private final String root;
    private final AuditLogNormalizer normalizer;
    private final ConnectorMetrics metrics;

    public PubSubSource(GcpClients clients, String subscription, AuditLogNormalizer normalizer, ConnectorMetrics metrics) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.subscription = Objects.requireNonNull(subscription, "subscription");
        this.root = clients.root("pubsub", "https://pubsub.googleapis.com/");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        List<String> handedOver = acks(cursor);
        for (int from = 0; from < handedOver.size(); from += ACK_CHUNK) {
            acknowledge(handedOver.subList(from, Math.min(handedOver.size(), from + ACK_CHUNK)));
        }
        if (!handedOver.isEmpty()) {
            TelemetryMetrics.acknowledged(metrics, handedOver.size());
        }
        ObjectNode body = JSON.createObjectNode().put("returnImmediately", true).put("maxMessages", Math.min(PULL_MAX, maxEvents));
        JsonNode answer = call("pull", body);
        JsonNode received = answer.path("receivedMessages");
        if (!received.isMissingNode() && !received.isArray()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "pubsub pull " + subscription + ": 'receivedMessages' is not an array");
        }
        CollectingSink sink = new CollectingSink();
        List<String> acks = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        int index = 0;
        for (JsonNode item : received) {
            index++;
            String ackId = item.path("ackId").asText("");
            if (ackId.isEmpty()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "pubsub pull " + subscription + ": received message " + index
                        + " has no ackId");
            }
            if (acks.size() == maxEvents) {
                extra.add(ackId);
                continue;
            }
            JsonNode message = item.get("message");
            String messageId = message == null ? "" : message.path("messageId").asText("");
            String id = messageId.isEmpty() ? "#" + index : clip(messageId, 120);
            normalizer.normalizeMessage(message, "pubsub " + subscription + " message " + id, "gcp:pubsub/" + id, sink);
            acks.add(ackId);
        }
        if (!extra.isEmpty()) {
            // more than asked for: hand them back now rather than let their lease run out
            ObjectNode nack = JSON.createObjectNode().put("ackDeadlineSeconds", 0);
            ArrayNode ids = nack.putArray("ackIds");
            extra.forEach(ids::add);
            call("modifyAckDeadline", nack);
        }
        TelemetryMetrics.polled(metrics, sink.events().size(), sink.rejections().size());
        // more now: the messages of this batch are acknowledged (and more pulled) by the very next poll
        return TelemetryBatch.of(sink, cursor(acks), !acks.isEmpty());
    }

    /**
     * Health: {@code testIamPermissions} on the subscription, which needs no permission of its own and pulls
     * nothing (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/testIamPermissions):
     * the credentials work, the subscription exists and {@code pubsub.subscriptions.consume} is granted.
     */
    public void probe() {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("permissions").add("pubsub.subscriptions.consume");
        JsonNode answer = call("testIamPermissions", body);
        for (JsonNode held : answer.path("permissions")) {
            if ("pubsub.subscriptions.consume".equals(held.asText())) {
                return;
            }
        }
        throw new ConnectorException(ErrorCode.PERMISSION_DENIED, "pubsub " + subscription + ": the connector's principal lacks "
                + "pubsub.subscriptions.consume (grant roles/pubsub.subscriber on the subscription)");
    }

    /** acknowledge (https://cloud.google.com/pubsub/docs/reference/rest/v1/projects.subscriptions/acknowledge). */
    private void acknowledge(List<String> ackIds) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode ids = body.putArray("ackIds");
        ackIds.forEach(ids::add);
        call("acknowledge", body);
    }

    /** POSTs {@code body} to {@code <subscription>:<method>}; the answer's JSON object. */
    private JsonNode call(String method, ObjectNode body) {
        String what = "pubsub " + method + " " + subscription;
        HttpResponse response;
        try {
            HttpRequest request = clients.requests().buildPostRequest(new GenericUrl(root + "v1/" + subscription + ":" + method),
                    new ByteArrayContent("application/json; charset=UTF-8", body.toString().getBytes(StandardCharsets.UTF_8)));
            response = request.execute();
        } catch (IOException e) {
            throw GcpErrors.map(what, e);
        }
        try (InputStream in = response.getContent()) {
            JsonNode answer = in == null ? null : normalizer.mapper().readTree(in);
            if (answer == null || answer.isMissingNode()) {
                return JSON.createObjectNode();
            }
            if (!answer.isObject()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": expected a JSON object");
            }
            return answer;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not JSON: " + clip(e.getOriginalMessage(), 160), e);
        } catch (IOException e) {
            throw GcpErrors.map(what, e);
        } finally {
            try {
                response.disconnect();
            } catch (IOException e) {
                // the body was read or abandoned; nothing to keep
            }
        }
    }

    /** The ack ids the cursor hands over; none for the start, the other path's cursor or another subscription's. */
    private List<String> acks(Cursor cursor) {
        if (cursor.isStart() || !cursor.value().startsWith("{")) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(cursor.value());
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject() || !KIND.equals(root.path("kind").asText())) {
            throw new ConnectorException(ErrorCode.CURSOR_INVALID, "connector 'gcp': the pubsub cursor is damaged; poll from the start: "
                    + "the subscription still holds every unacknowledged message");
        }
        if (!subscription.equals(root.path("subscription").asText())) {
            return List.of(); // ack ids of another subscription: that subscription redelivers them
        }
        JsonNode ack = root.path("ack");
        if (!ack.isArray()) {
            throw new ConnectorException(ErrorCode.CURSOR_INVALID, "connector 'gcp': the pubsub cursor has no ack list; poll from the start");
        }
        List<String> ids = new ArrayList<>();
        ack.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    private Cursor cursor(List<String> acks) {
        ObjectNode root = JSON.createObjectNode().put("kind", KIND).put("subscription", subscription);
        ArrayNode ack = root.putArray("ack");
        acks.forEach(ack::add);
        return new Cursor(root.toString());
    }

    @Override
    public String toString() {
        return "PubSubSource[" + subscription + "]";
    }
}

package io.itdr.connector.gcp.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.itdr.connector.gcp.GcpConnectorFactory;
import io.itdr.connector.gcp.GcpSandbox;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gcp.AuditLogEntries;
import io.itdr.fixture.gcp.GoogleApis;
import io.itdr.fixture.gcp.PubSubSandbox;
import io.itdr.fixture.wiremock.StatefulSimulation;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code telemetry=pubsub} against the simulated subscription of a log sink ({@link PubSubSandbox}). */
class PubSubSourceTest {
    private static final Instant NOW = TestingConnectorContext.NOW;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GcpSandbox sandbox;
    private PubSubSandbox pubsub;
    private RecordingMetrics metrics;
    private Connector connector;

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void connect() {
        sandbox.reset();
        pubsub = sandbox.pubsub();
        metrics = new RecordingMetrics();
        connector = connect(GcpSandbox.SUBSCRIPTION);
    }

    private Connector connect(String subscription) {
        GcpConnectorFactory factory = new GcpConnectorFactory();
        return factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(Map.of(
                        "projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile("key-1"),
                        "telemetry", "pubsub", "subscription", subscription)),
                new TestingConnectorContext(new SettableClock(NOW), new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                        Map.of("pubsub", sandbox.endpoint())), Map.of(), metrics));
    }

    private String publish(String insertId, int minutesAgo) {
        AuditLogEntries.Entry e = AuditLogEntries.Entry.call(insertId, NOW.minusSeconds(60L * minutesAgo), GcpSandbox.PROJECT,
                GcpSandbox.SERVICE_ACCOUNT, null, "198.51.100.7");
        return pubsub.publish(AuditLogEntries.line(e));
    }

    private static List<String> ids(TelemetryBatch batch) {
        return batch.events().stream().map(IdentityEvent::id).toList();
    }

    @Test
    void aBatchIsAcknowledgedByThePollThatReceivesItsCursor() throws Exception {
        publish("entry-1", 9);
        publish("entry-2", 8);
        publish("entry-3", 7);

        TelemetryBatch first = connector.telemetry().poll(Cursor.START, 10);
        assertThat(ids(first)).containsExactly("entry-1", "entry-2", "entry-3");
        assertThat(first.rejections()).isEmpty();
        assertThat(first.hasMore()).as("the next poll must come to acknowledge").isTrue();
        // the raw record is the LogEntry decoded from message.data
        JsonNode raw = JSON.readTree(first.record(0));
        assertThat(raw.path("insertId").asText()).isEqualTo("entry-1");
        assertThat(raw.path("protoPayload").isObject()).isTrue();
        assertThat(first.events().get(0).rawRef()).startsWith("gcp:pubsub/");
        // handed to the host, not yet stored: nothing acknowledged
        assertThat(pubsub.acknowledged()).isZero();
        assertThat(pubsub.leased()).isEqualTo(3);

        TelemetryBatch second = connector.telemetry().poll(first.next(), 10);
        assertThat(pubsub.acknowledged()).as("acknowledged by the poll with the batch's cursor").isEqualTo(3);
        assertThat(pubsub.unacknowledged()).isZero();
        assertThat(second.events()).isEmpty();
        assertThat(second.hasMore()).isFalse();
        assertThat(metrics.count("telemetry.acknowledged")).isEqualTo(3);
        // the documented paths: POST /v1/{subscription}:pull and :acknowledge
        assertThat(StatefulSimulation.received(sandbox.server())).extracting(r -> r.getUrl()).filteredOn(u -> u.startsWith("/v1/"))
                .containsExactly("/v1/" + GcpSandbox.SUBSCRIPTION + ":pull", "/v1/" + GcpSandbox.SUBSCRIPTION + ":acknowledge",
                        "/v1/" + GcpSandbox.SUBSCRIPTION + ":pull");
    }

    @Test
    void smallBatchesReadEveryMessageOnceInOrder() {
        for (int i = 1; i <= 5; i++) {
            publish("entry-" + i, 10 - i);
        }
        List<String> read = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Cursor cursor = Cursor.START;
        for (int polls = 0; polls < 20; polls++) {
            TelemetryBatch batch = connector.telemetry().poll(cursor, 2);
            read.addAll(ids(batch));
            sizes.add(batch.events().size());
            cursor = batch.next();
            if (!batch.hasMore()) {
                break;
            }
        }
        assertThat(read).containsExactly("entry-1", "entry-2", "entry-3", "entry-4", "entry-5");
        assertThat(sizes).containsExactly(2, 2, 1, 0);
        assertThat(pubsub.acknowledged()).isEqualTo(5);
    }

    /**
     * The host stores events and their cursor in one step: after a crash it polls again with the last cursor it
     * stored, so the lost batch was never acknowledged; Pub/Sub redelivers it and the host's dedupe (connector id,
     * event id) keeps one event each.
     */
    @Test
    void aCrashBeforeTheNextPollRedeliversWithoutDuplicatesAfterTheHostsDedupe() {
        publish("entry-1", 9);
        publish("entry-2", 8);
        Map<String, Integer> stored = new HashMap<>();
        TelemetryBatch stored1 = connector.telemetry().poll(Cursor.START, 10);
        ids(stored1).forEach(id -> stored.merge(id, 1, Integer::sum));
        Cursor persisted = stored1.next();

        publish("entry-3", 5);
        TelemetryBatch lost = connector.telemetry().poll(persisted, 10); // acknowledges batch 1, pulls entry-3
        assertThat(ids(lost)).containsExactly("entry-3");
        assertThat(pubsub.acknowledged()).isEqualTo(2);
        // the host stored entry-3 but crashed before it persisted lost.next(): entry-3's message is never acknowledged
        ids(lost).forEach(id -> stored.merge(id, 1, Integer::sum));

        // restarted, the host polls with the cursor it persisted; the lease has not ended: nothing yet
        TelemetryBatch early = connector.telemetry().poll(persisted, 10);
        assertThat(early.events()).isEmpty();
        pubsub.advance(PubSubSandbox.DEFAULT_ACK_DEADLINE.plusSeconds(1));
        TelemetryBatch redelivered = connector.telemetry().poll(early.next(), 10);
        assertThat(ids(redelivered)).as("the same entry, the same event id").containsExactly("entry-3");
        Set<String> duplicates = new LinkedHashSet<>();
        ids(redelivered).forEach(id -> {
            if (stored.containsKey(id)) {
                duplicates.add(id);
            } else {
                stored.put(id, 1);
            }
        });
        assertThat(duplicates).as("dropped by the host's dedupe").containsExactly("entry-3");
        assertThat(stored).containsOnlyKeys("entry-1", "entry-2", "entry-3");

        // the old delivery's ack id no longer acknowledges; the new one does
        connector.telemetry().poll(lost.next(), 10);
        assertThat(pubsub.unacknowledged()).isEqualTo(1);
        TelemetryBatch end = connector.telemetry().poll(redelivered.next(), 10);
        assertThat(pubsub.unacknowledged()).isZero();
        assertThat(end.hasMore()).isFalse();
    }

    @Test
    void malformedMessageDataIsRejectedWithItsPlaceAndTheOthersRead() {
        String notBase64 = pubsub.publishData("%%% not base64 %%%");
        publish("entry-1", 9);
        String notJson = pubsub.publishData(Base64.getEncoder().encodeToString("{\"insertId\": truncated".getBytes(StandardCharsets.UTF_8)));
        publish("entry-2", 8);

        TelemetryBatch batch = connector.telemetry().poll(Cursor.START, 10);
        assertThat(ids(batch)).containsExactly("entry-1", "entry-2");
        assertThat(batch.rejections()).hasSize(2);
        Rejection first = batch.rejections().get(0);
        assertThat(first.location()).isEqualTo("pubsub " + GcpSandbox.SUBSCRIPTION + " message " + notBase64);
        assertThat(first.reason()).startsWith("message.data: not base64");
        assertThat(batch.rejections().get(1).location()).endsWith("message " + notJson);
        assertThat(batch.rejections().get(1).reason()).startsWith("message.data: not a JSON LogEntry");
        assertThat(metrics.count("telemetry.records", Map.of("result", "rejection"))).isEqualTo(2);

        // rejected messages are acknowledged with the batch: they would never read better
        connector.telemetry().poll(batch.next(), 10);
        assertThat(pubsub.unacknowledged()).isZero();
    }

    @Test
    void throttlingAndUnavailabilityAreRetriableAndAFailedAcknowledgementIsRepeated() {
        publish("entry-1", 9);
        StubMapping throttled = sandbox.server().stubFor(PubSubSandbox.fault("pull", GoogleApis.throttled(Duration.ofSeconds(7))));
        assertThatThrownBy(() -> connector.telemetry().poll(Cursor.START, 10)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        });
        sandbox.server().removeStub(throttled);
        StubMapping unavailable = sandbox.server().stubFor(PubSubSandbox.fault("pull",
                GoogleApis.error(503, "UNAVAILABLE", "The service is currently unavailable.")));
        assertThatThrownBy(() -> connector.telemetry().poll(Cursor.START, 10)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        sandbox.server().removeStub(unavailable);
        assertThat(pubsub.leased()).as("nothing leased by failed pulls").isZero();

        TelemetryBatch batch = connector.telemetry().poll(Cursor.START, 10);
        assertThat(ids(batch)).containsExactly("entry-1");

        StubMapping down = sandbox.server().stubFor(PubSubSandbox.fault("acknowledge",
                GoogleApis.error(503, "UNAVAILABLE", "The service is currently unavailable.")));
        assertThatThrownBy(() -> connector.telemetry().poll(batch.next(), 10)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        assertThat(pubsub.unacknowledged()).isEqualTo(1);
        sandbox.server().removeStub(down);

        // the host retries with the same cursor: the acknowledgement goes through
        TelemetryBatch after = connector.telemetry().poll(batch.next(), 10);
        assertThat(after.events()).isEmpty();
        assertThat(pubsub.unacknowledged()).isZero();
    }

    @Test
    void theHealthCheckTestsConsumePermissionWithoutPulling() {
        publish("entry-1", 9);
        connector.checkHealth();
        assertThat(pubsub.leased()).as("the health check leases nothing").isZero();
        assertThatThrownBy(() -> connect("projects/" + GcpSandbox.PROJECT + "/subscriptions/no-such-sub").checkHealth())
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aCursorOfTheLoggingPathStartsFromTheSubscription() {
        publish("entry-1", 9);
        TelemetryBatch batch = connector.telemetry().poll(new Cursor("v1:2026-01-01T00:00:00Z;a,b"), 10);
        assertThat(ids(batch)).containsExactly("entry-1");
        assertThatThrownBy(() -> connector.telemetry().poll(new Cursor("{\"kind\":\"other\"}"), 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID));
    }

    @Test
    void thePubsubPathNeedsASubscriptionName() {
        GcpConnectorFactory factory = new GcpConnectorFactory();
        for (Map<String, String> config : List.of(
                Map.of("projects", GcpSandbox.PROJECT, "telemetry", "pubsub"),
                Map.of("projects", GcpSandbox.PROJECT, "telemetry", "pubsub", "subscription", "itdr-audit-sink"))) {
            assertThatThrownBy(() -> factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(config),
                    new TestingConnectorContext(new SettableClock(NOW), new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                            Map.of()), Map.of(), new RecordingMetrics())))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                        assertThat(e.getMessage()).contains("subscription");
                    });
        }
    }
}

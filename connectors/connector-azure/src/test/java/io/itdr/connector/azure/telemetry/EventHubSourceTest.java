package io.itdr.connector.azure.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpErrorContext;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.core.exception.ClientAuthenticationException;
import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link EventHubSource} through its seam {@link HubPartitions}: deliveries as diagnostic settings send them, and the
 * rule that a checkpoint is written only after the host persisted the cursor of the batch that handed its events
 * over. The Event Hubs client itself (AMQP) is not run here; {@link SdkHubPartitions#map} is checked on the SDK's
 * exceptions.
 */
class EventHubSourceTest {
    private static final String TENANT = "a2aa49aa-2c0c-49d2-af87-f402c421df0b";
    private static final String STREAM = "contoso-logs.servicebus.windows.net/insights-logs-signins/itdr";

    /** A hub in memory: events per partition, sequence numbers from 0. */
    static final class MemoryHub implements HubPartitions {
        final Map<String, List<HubEvent>> partitions = new LinkedHashMap<>();
        final List<String> receives = new ArrayList<>();

        MemoryHub(String... ids) {
            for (String id : ids) {
                partitions.put(id, new ArrayList<>());
            }
        }

        void send(String partition, String body) {
            List<HubEvent> events = partitions.get(partition);
            long seq = events.size();
            events.add(new HubEvent(seq, Long.toString(seq * 1000), Instant.parse("2024-05-02T10:00:00Z"),
                    body.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public List<String> partitionIds() {
            return List.copyOf(partitions.keySet());
        }

        @Override
        public List<HubEvent> receive(String partition, Long afterSequence, int max) {
            receives.add(partition + "@" + afterSequence);
            return partitions.get(partition).stream().filter(e -> afterSequence == null || e.sequenceNumber() > afterSequence)
                    .limit(max).toList();
        }
    }

    /** Checkpoints in memory, each write recorded. */
    static final class MemoryCheckpoints implements HubCheckpoints {
        final Map<String, Checkpoint> stored = new LinkedHashMap<>();
        final List<String> writes = new ArrayList<>();
        RuntimeException failure;

        @Override
        public Map<String, Checkpoint> load() {
            return Map.copyOf(stored);
        }

        @Override
        public void store(String partition, Checkpoint checkpoint) {
            if (failure != null) {
                throw failure;
            }
            writes.add(partition + "=" + checkpoint.sequenceNumber());
            stored.put(partition, checkpoint);
        }
    }

    /** A service principal sign-in as diagnostic settings deliver it (category ServicePrincipalSignInLogs). */
    static String signIn(String id) {
        return """
                {"time":"2024-05-02T10:00:01Z","resourceId":"/tenants/%1$s/providers/Microsoft.aadiam","operationName":"Sign-in activity",
                 "category":"ServicePrincipalSignInLogs","tenantId":"%1$s","resultType":"0","callerIpAddress":"12.12.12.12",
                 "properties":{"id":"%2$s","createdDateTime":"2024-05-02T10:00:00.9832019Z","appId":"cfceb902-8fab-4f8c-88ba-374d3c975c3a",
                  "servicePrincipalId":"b1c34143-e405-4058-8e29-84596ad737b8","servicePrincipalName":"billing-exporter",
                  "ipAddress":"12.12.12.12","status":{"errorCode":0}}}
                """.formatted(TENANT, id);
    }

    static String delivery(String... ids) {
        return "{\"records\":[" + java.util.Arrays.stream(ids).map(EventHubSourceTest::signIn).collect(Collectors.joining(",")) + "]}";
    }

    private final MemoryHub hub = new MemoryHub("0", "1");
    private final MemoryCheckpoints checkpoints = new MemoryCheckpoints();
    private final EventHubSource source = new EventHubSource(hub, checkpoints, new AzureLogNormalizer(), STREAM);

    private static List<String> recordIds(TelemetryBatch batch) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < batch.events().size(); i++) {
            String record = batch.record(i);
            int at = record.indexOf("\"id\":\"");
            ids.add(record.substring(at + 6, record.indexOf('"', at + 6)));
        }
        return ids;
    }

    @Test
    void deliveriesOfEveryPartitionBecomeEventsWithTheirRawRecords() {
        hub.send("0", delivery("s-1", "s-2", "s-3"));
        hub.send("1", delivery("s-4", "s-5"));

        TelemetryBatch batch = source.poll(Cursor.START, 100);

        assertThat(recordIds(batch)).containsExactlyInAnyOrder("s-1", "s-2", "s-3", "s-4", "s-5");
        assertThat(batch.rejections()).isEmpty();
        assertThat(batch.events()).extracting(IdentityEvent::tenant).containsOnly(TENANT);
        assertThat(batch.events()).extracting(e -> e.identity().id()).containsOnly("b1c34143-e405-4058-8e29-84596ad737b8");
        assertThat(batch.hasMore()).isFalse();
    }

    @Test
    void aCheckpointIsWrittenOnlyWhenTheHostPollsWithTheCursorOfTheBatchThatHandedItsEventsOver() {
        hub.send("0", delivery("s-1", "s-2"));
        hub.send("1", delivery("s-3"));

        TelemetryBatch first = source.poll(Cursor.START, 100);
        assertThat(checkpoints.writes).as("nothing checkpointed while the host has not stored the batch").isEmpty();

        hub.send("0", delivery("s-4"));
        TelemetryBatch second = source.poll(first.next(), 100);
        assertThat(checkpoints.writes).as("the first batch's positions, written before receiving more").containsExactly("0=0", "1=0");
        assertThat(recordIds(second)).containsExactly("s-4");

        source.poll(second.next(), 100);
        assertThat(checkpoints.writes).containsExactly("0=0", "1=0", "0=1");
    }

    @Test
    void aHostThatLostTheBatchReadsTheSameEventsAgainAndNothingOfThemWasCheckpointed() {
        hub.send("0", delivery("s-1", "s-2"));
        TelemetryBatch first = source.poll(Cursor.START, 100);
        TelemetryBatch stored = source.poll(first.next(), 100); // the host stored the first batch and polled on
        hub.send("0", delivery("s-3"));
        hub.send("1", delivery("s-4"));

        TelemetryBatch lost = source.poll(stored.next(), 100);
        assertThat(recordIds(lost)).containsExactlyInAnyOrder("s-3", "s-4");
        // crash: the host never persisted lost.next() and polls again from the cursor it had
        TelemetryBatch again = source.poll(stored.next(), 100);

        assertThat(recordIds(again)).containsExactlyInAnyOrderElementsOf(recordIds(lost));
        assertThat(checkpoints.stored).containsOnlyKeys("0");
        assertThat(checkpoints.stored.get("0").sequenceNumber()).isZero();
    }

    @Test
    void aDeliveryLargerThanTheBatchIsHandedOverInPartsWithoutGapOrDuplicateAndCheckpointedWhenComplete() {
        hub.send("0", delivery("s-1", "s-2", "s-3", "s-4", "s-5"));
        hub.send("1", delivery("s-6"));

        List<String> seen = new ArrayList<>();
        Cursor cursor = Cursor.START;
        List<String> writesAfterEachPoll = new ArrayList<>();
        for (int polls = 0; polls < 10; polls++) {
            TelemetryBatch batch = source.poll(cursor, 2);
            assertThat(batch.events().size() + batch.rejections().size()).isLessThanOrEqualTo(2);
            seen.addAll(recordIds(batch));
            writesAfterEachPoll.add(String.join(",", checkpoints.writes));
            cursor = batch.next();
            if (!batch.hasMore() && batch.events().isEmpty()) {
                break;
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("s-1", "s-2", "s-3", "s-4", "s-5", "s-6");
        assertThat(new HashSet<>(seen)).hasSize(seen.size());
        // partition 0's event is checkpointed only after all five of its records were handed over and that cursor came back
        int firstWriteOf0 = IntStream.range(0, writesAfterEachPoll.size()).filter(i -> writesAfterEachPoll.get(i).contains("0=0"))
                .findFirst().orElseThrow();
        assertThat(firstWriteOf0).as("polls before partition 0's checkpoint").isGreaterThanOrEqualTo(3);
        assertThat(checkpoints.stored).containsKeys("0", "1");
    }

    @Test
    void aBodyThatIsNotADeliveryIsRejectedNamingPartitionAndSequenceAndThePositionMovesOn() {
        hub.send("0", "this is not JSON");
        hub.send("0", delivery("s-1"));

        TelemetryBatch batch = source.poll(Cursor.START, 100);

        assertThat(recordIds(batch)).containsExactly("s-1");
        assertThat(batch.rejections()).hasSize(1);
        assertThat(batch.rejections().get(0).location()).contains("partition 0 sequence 0");
        source.poll(batch.next(), 100);
        assertThat(checkpoints.writes).containsExactly("0=1");
    }

    @Test
    void aRecordThatNamesNoIdentityIsRejectedAndTheRestOfItsDeliveryGoesOn() {
        hub.send("0", "{\"records\":[{\"time\":\"2024-05-02T10:00:00Z\",\"category\":\"StorageRead\",\"operationName\":\"GetBlob\"},"
                + signIn("s-1") + "]}");

        TelemetryBatch batch = source.poll(Cursor.START, 100);

        assertThat(recordIds(batch)).containsExactly("s-1");
        assertThat(batch.rejections()).singleElement().satisfies(r -> assertThat(r.location()).contains("partition 0 sequence 0")
                .contains("record 1"));
    }

    @Test
    void aStartWithoutCursorResumesAfterTheCheckpoints() {
        hub.send("0", delivery("s-1"));
        hub.send("0", delivery("s-2"));
        hub.send("1", delivery("s-3"));
        checkpoints.stored.put("0", new HubCheckpoints.Checkpoint(0, "0"));

        TelemetryBatch batch = source.poll(Cursor.START, 100);

        assertThat(recordIds(batch)).containsExactlyInAnyOrder("s-2", "s-3");
        assertThat(hub.receives).containsExactlyInAnyOrder("0@0", "1@null");
    }

    @Test
    void aCursorOfAnotherStreamOrOfTheGraphPathStartsAtTheCheckpoints() {
        hub.send("0", delivery("s-1"));
        checkpoints.stored.put("0", new HubCheckpoints.Checkpoint(0, "0"));
        TelemetryBatch other = new EventHubSource(hub, checkpoints, new AzureLogNormalizer(), "other.servicebus.windows.net/h/g")
                .poll(Cursor.START, 10);

        assertThat(source.poll(other.next(), 10).events()).isEmpty();
        assertThat(source.poll(new Cursor("v1;signIns=2024-05-02T10:00:00Z,"), 10).events()).isEmpty();
        assertThat(checkpoints.writes).as("another stream's acknowledgements are not this stream's").isEmpty();
    }

    @Test
    void aFailedCheckpointWriteFailsThePollRetriablyAndTheSameCursorWritesItAgain() {
        hub.send("0", delivery("s-1"));
        TelemetryBatch first = source.poll(Cursor.START, 100);
        checkpoints.failure = ConnectorException.retriable(ErrorCode.UNAVAILABLE, "storage down", null, null);

        assertThatThrownBy(() -> source.poll(first.next(), 100)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.retriable()).isTrue());
        checkpoints.failure = null;
        TelemetryBatch retried = source.poll(first.next(), 100);

        assertThat(checkpoints.writes).containsExactly("0=0");
        assertThat(retried.events()).isEmpty();
    }

    @Test
    void aBusyPartitionDoesNotStarveTheOthers() {
        for (int i = 0; i < 5; i++) {
            hub.send("0", delivery("a-" + i));
        }
        hub.send("1", delivery("b-0"));

        TelemetryBatch first = source.poll(Cursor.START, 2);
        TelemetryBatch second = source.poll(first.next(), 2);

        List<String> both = new ArrayList<>(recordIds(first));
        both.addAll(recordIds(second));
        assertThat(both).contains("b-0");
    }

    @Test
    void aDamagedCursorIsRefusedNamingTheStream() {
        assertThatThrownBy(() -> source.poll(new Cursor("{\"kind\":\"eventhubs\",\"stream\":\"" + STREAM + "\",\"p\":{\"0\":{}}}"), 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID);
                    assertThat(e.getMessage()).contains(STREAM);
                });
    }

    @Test
    void theEventHubsClientsFailuresMapToTheStandardCodes() {
        AmqpErrorContext context = new AmqpErrorContext("contoso-logs.servicebus.windows.net");
        Map<RuntimeException, ErrorCode> cases = new LinkedHashMap<>();
        cases.put(new AmqpException(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "busy", context), ErrorCode.THROTTLED);
        cases.put(new AmqpException(false, AmqpErrorCondition.UNAUTHORIZED_ACCESS, "Unauthorized", context), ErrorCode.AUTHENTICATION_FAILED);
        cases.put(new AmqpException(false, AmqpErrorCondition.NOT_FOUND, "no such hub", context), ErrorCode.NOT_FOUND);
        cases.put(new AmqpException(true, AmqpErrorCondition.TIMEOUT_ERROR, "timeout", context), ErrorCode.TIMEOUT);
        cases.put(new AmqpException(true, AmqpErrorCondition.CONNECTION_FORCED, "connection closed", context), ErrorCode.UNAVAILABLE);
        cases.put(new RuntimeException("wrapped", new AmqpException(true, AmqpErrorCondition.LINK_DETACH_FORCED, "detached", context)),
                ErrorCode.UNAVAILABLE);
        cases.put(new ClientAuthenticationException("AADSTS7000215: Invalid client secret", null), ErrorCode.AUTHENTICATION_FAILED);
        cases.forEach((thrown, code) -> {
            ConnectorException mapped = SdkHubPartitions.map("event hub " + STREAM + ": receive", thrown);
            assertThat(mapped.code()).as(thrown.toString()).isEqualTo(code);
            assertThat(mapped.getMessage()).contains(STREAM);
        });
        assertThat(SdkHubPartitions.map("x", new AmqpException(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "busy", context)).retriable())
                .isTrue();
    }

    @Test
    void theSdkBackedPartsAreBuiltFromTheSettingsWithoutConnecting() {
        EventHubSettings settings = new EventHubSettings(EventHubSettings.Mode.EVENTHUBS, "contoso-logs.servicebus.windows.net",
                "insights-logs-signins", "itdr", java.net.URI.create("https://contosologs.blob.core.windows.net/checkpoints"), true,
                java.time.Duration.ofSeconds(1));
        com.azure.core.credential.TokenCredential never = request -> {
            throw new AssertionError("no token may be asked for while building");
        };
        try (HubPartitions partitions = EventHubs.partitions(settings, never)) {
            assertThat(partitions.toString()).contains("contoso-logs.servicebus.windows.net/insights-logs-signins/itdr");
        }
        assertThat(EventHubs.checkpoints(settings, never)).isInstanceOf(BlobCheckpoints.class);
        assertThat(settings.stream()).isEqualTo("contoso-logs.servicebus.windows.net/insights-logs-signins/itdr");
    }

    @Test
    void settingsRefuseAnIncompleteEventHubsConfiguration() {
        assertThatThrownBy(() -> new EventHubSettings(EventHubSettings.Mode.EVENTHUBS, null, "h", "$Default", null, true,
                java.time.Duration.ofSeconds(1))).hasMessageContaining("eventhub-namespace");
        assertThatThrownBy(() -> new EventHubSettings(EventHubSettings.Mode.EVENTHUBS, "ns.servicebus.windows.net", "h", "$Default",
                java.net.URI.create("https://acct.blob.core.windows.net/c?sig=secret"), true, java.time.Duration.ofSeconds(1)))
                .hasMessageContaining("eventhub-checkpoint-container").hasMessageNotContaining("sig=secret");
        assertThat(new EventHubSettings(EventHubSettings.Mode.GRAPH, null, null, "$Default", null, true,
                java.time.Duration.ofSeconds(1)).mode()).isEqualTo(EventHubSettings.Mode.GRAPH);
    }
}

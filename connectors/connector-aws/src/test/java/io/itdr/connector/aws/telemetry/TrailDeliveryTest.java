package io.itdr.connector.aws.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.connector.aws.AwsConnectorFactory;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.aws.CloudTrailSandbox;
import io.itdr.fixture.aws.TrailBucketSandbox;
import io.itdr.fixture.aws.TrailQueueSandbox;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trail's S3 delivery through the connector (factory, SDK S3 and SQS clients, error
 * translation) against {@link TrailBucketSandbox} and {@link TrailQueueSandbox}: an organization
 * trail of two accounts and two regions, management and data events, gzip log files.
 */
class TrailDeliveryTest {
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final String BUCKET = "org-trail-logs";
    static final String ORG = "o-a1b2c3d4e5";
    static final String QUEUE = "/111122223333/itdr-trail";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TrailBucketSandbox bucket = new TrailBucketSandbox();
    private static final TrailQueueSandbox queue = new TrailQueueSandbox();
    private static WireMockServer server;
    private static java.util.Set<String> requestedActions;
    private final SettableClock clock = new SettableClock(NOW);
    private final List<Connector> opened = new ArrayList<>();
    private int ids;

    @BeforeAll
    static void startServer() {
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(bucket, queue));
        server.start();
        requestedActions = io.itdr.connector.aws.DocumentedPermissions.record(server);
    }

    @AfterAll
    static void stopServer() {
        try {
            io.itdr.connector.aws.DocumentedPermissions.assertAllowed(requestedActions);
        } finally {
            server.stop();
        }
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        bucket.clear();
        queue.clear();
        bucket.stub(server, BUCKET);
        queue.stub(server);
    }

    @AfterEach
    void close() {
        opened.forEach(Connector::close);
    }

    private TelemetrySource source(String... settings) {
        Map<String, String> raw = new HashMap<>(Map.of("access-key-id", "AKIDTESTEXAMPLE", "secret-access-key", "test-secret",
                "max-attempts", "1", "trail-queue-url", server.baseUrl() + QUEUE, "trail-bucket", BUCKET));
        for (int i = 0; i < settings.length; i += 2) {
            raw.put(settings[i], settings[i + 1]);
        }
        AwsConnectorFactory factory = new AwsConnectorFactory();
        HttpSettings http = new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), null,
                Map.of("s3", URI.create(server.baseUrl()), "sqs", URI.create(server.baseUrl())));
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(raw),
                new TestingConnectorContext(clock, http, Map.of(), new RecordingMetrics()));
        opened.add(connector);
        return connector.telemetry();
    }

    /** A management event (an IAM call) of {@code account} at {@code time}. */
    private String management(String account, Instant time) {
        String id = String.format("aaaaaaaa-0000-4000-8000-%012d", ++ids);
        ObjectNode r = parse(CloudTrailSandbox.record(id, time.toString(), "iam.amazonaws.com", "ListAccessKeys"));
        r.put("recipientAccountId", account);
        return r.toString();
    }

    /** A data event (S3 GetObject, managementEvent false) of {@code account} at {@code time}. */
    private String data(String account, Instant time) {
        String id = String.format("dddddddd-0000-4000-8000-%012d", ++ids);
        ObjectNode r = parse(CloudTrailSandbox.record(id, time.toString(), "s3.amazonaws.com", "GetObject"));
        r.put("managementEvent", false).put("eventCategory", "Data").put("recipientAccountId", account);
        r.putObject("requestParameters").put("bucketName", "payroll-exports").put("key", "2026/11/export.csv");
        r.putArray("resources").addObject().put("type", "AWS::S3::Object").put("ARN", "arn:aws:s3:::payroll-exports/2026/11/export.csv");
        return r.toString();
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id(String record) {
        return parse(record).get("eventID").asText();
    }

    /** Writes a log file of {@code records} in the org trail's folder of account and region; returns its key. */
    private String deliver(String account, String region, Instant delivered, String unique, String... records) {
        String key = TrailBucketSandbox.logFileKey("", ORG, account, region, delivered, unique);
        bucket.putLogFile(BUCKET, key, Arrays.asList(records));
        return key;
    }

    private record Drained(List<String> ids, List<IdentityEvent> events, List<Rejection> rejections, Cursor last, int polls) {
    }

    private static Drained drain(TelemetrySource source, Cursor from, int maxEvents) {
        List<IdentityEvent> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        Cursor cursor = from;
        for (int polls = 1; polls < 500; polls++) {
            TelemetryBatch batch = source.poll(cursor, maxEvents);
            assertThat(batch.events().size() + batch.rejections().size()).isLessThanOrEqualTo(maxEvents);
            events.addAll(batch.events());
            rejections.addAll(batch.rejections());
            cursor = batch.next();
            if (!batch.hasMore()) {
                return new Drained(events.stream().map(IdentityEvent::id).toList(), events, rejections, cursor, polls);
            }
        }
        throw new AssertionError("never drained");
    }

    @Test
    void queueDeliversEveryAccountRegionAndDataEventOnceAndDeletesOnlyAfterHandOver() {
        Instant t = NOW.minus(Duration.ofHours(1));
        String a1 = management("111111111111", t);
        String a2 = data("111111111111", t.plusSeconds(1));
        String a3 = data("111111111111", t.plusSeconds(2));
        String b1 = management("222222222222", t.plusSeconds(3));
        String b2 = data("222222222222", t.plusSeconds(4));
        String k1 = deliver("111111111111", "us-east-1", t.plusSeconds(60), "Mu0KsOhtH1ar15ZZ", a1, a2, a3);
        String k2 = deliver("222222222222", "eu-west-1", t.plusSeconds(60), "Zx9KsOhtH1ar15AB", b1, b2);
        queue.send(TrailQueueSandbox.testEvent(BUCKET));
        queue.send(TrailQueueSandbox.objectCreated(BUCKET, t.plusSeconds(61), k1));
        // the same notification through SNS, and a digest file, which is not read
        String digest = "AWSLogs/" + ORG + "/222222222222/CloudTrail-Digest/eu-west-1/2026/11/30/222222222222_CloudTrail-Digest_eu-west-1_org_eu-west-1_20261130T110000Z.json.gz";
        bucket.put(BUCKET, digest, TrailBucketSandbox.gzip("{}"));
        queue.send(TrailQueueSandbox.throughSns(TrailQueueSandbox.objectCreated(BUCKET, t.plusSeconds(61), k2, digest)));
        TelemetrySource source = source("telemetry", "trail-sqs");

        TelemetryBatch first = source.poll(Cursor.START, 2);
        assertThat(first.events()).hasSize(2);
        assertThat(first.hasMore()).isTrue();
        assertThat(queue.deleted()).as("nothing is deleted before the host polls with the batch's cursor").isZero();

        Drained rest = drain(source, first.next(), 2);
        List<String> all = new ArrayList<>(first.events().stream().map(IdentityEvent::id).toList());
        all.addAll(rest.ids());
        assertThat(all).containsExactly(id(a1), id(a2), id(a3), id(b1), id(b2));
        assertThat(rest.rejections()).isEmpty();
        assertThat(queue.remaining()).as("every message deleted once its events were handed over").isZero();
        assertThat(queue.deleted()).isEqualTo(3);
        assertThat(rest.events().stream().filter(e -> e.id().equals(id(b2))).findFirst().orElseThrow().tenant()).isEqualTo("222222222222");
        TelemetryBatch again = source("telemetry", "trail-sqs").poll(Cursor.START, 10);
        assertThat(again.events()).isEmpty();
        assertThat(again.hasMore()).isFalse();
    }

    @Test
    void aBatchTheHostNeverStoredIsReadAgainWhenTheMessagesComeBack() {
        Instant t = NOW.minus(Duration.ofHours(1));
        String a1 = management("111111111111", t);
        String a2 = data("111111111111", t.plusSeconds(1));
        queue.send(TrailQueueSandbox.objectCreated(BUCKET, t, deliver("111111111111", "us-east-1", t.plusSeconds(60), "AAAAAAAAAAAAAAAA", a1, a2)));
        TelemetrySource source = source("telemetry", "trail-sqs");

        TelemetryBatch lost = source.poll(Cursor.START, 10);
        assertThat(lost.events()).hasSize(2);
        // the host crashed before storing lost.next(): it polls from its older cursor; the message is in flight
        assertThat(source.poll(Cursor.START, 10).events()).isEmpty();
        queue.expireVisibility();
        Drained redelivered = drain(source, Cursor.START, 10);
        assertThat(redelivered.ids()).containsExactly(id(a1), id(a2));
        assertThat(queue.remaining()).isZero();
    }

    @Test
    void aMalformedRecordAndABrokenFileAreRejectedAndTheRestIsRead() {
        Instant t = NOW.minus(Duration.ofHours(1));
        String good1 = management("111111111111", t);
        String bad = parse(management("111111111111", t.plusSeconds(1))).put("eventTime", "yesterday").toString();
        String good2 = data("111111111111", t.plusSeconds(2));
        String k1 = deliver("111111111111", "us-east-1", t.plusSeconds(60), "BBBBBBBBBBBBBBBB", good1, bad, good2);
        // a file cut off in the middle of its second record
        String good3 = management("111111111111", t.plusSeconds(3));
        String k2 = TrailBucketSandbox.logFileKey("", ORG, "111111111111", "us-east-1", t.plusSeconds(120), "CCCCCCCCCCCCCCCC");
        String plain = TrailBucketSandbox.logFile(List.of(good3, management("111111111111", t.plusSeconds(4))));
        bucket.put(BUCKET, k2, TrailBucketSandbox.gzip(plain.substring(0, plain.length() - 40)));
        queue.send(TrailQueueSandbox.objectCreated(BUCKET, t, k1, k2));
        queue.send("this is not a notification");

        Drained drained = drain(source("telemetry", "trail-sqs"), Cursor.START, 10);

        assertThat(drained.ids()).containsExactly(id(good1), id(good2), id(good3));
        assertThat(drained.rejections()).hasSize(3);
        assertThat(drained.rejections().get(0).location()).startsWith("s3://" + BUCKET + "/" + k1 + ":record 2");
        assertThat(drained.rejections().get(0).reason()).contains("eventTime");
        assertThat(drained.rejections().get(1).location()).startsWith("s3://" + BUCKET + "/" + k2 + ":record 2");
        assertThat(drained.rejections().get(2).location()).startsWith("sqs message ");
        assertThat(drained.rejections().get(2).reason()).contains("not JSON");
        assertThat(queue.remaining()).isZero();
    }

    @Test
    void guardDutyFindingsFromAnEventBridgeRuleArriveThroughTheSameQueue() throws IOException {
        String event;
        try (InputStream in = getClass().getResourceAsStream("/io/itdr/connector/aws/normalize/guardduty-eventbridge.json")) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        queue.send(event);

        Drained drained = drain(source("telemetry", "trail-sqs"), Cursor.START, 10);

        assertThat(drained.rejections()).isEmpty();
        assertThat(drained.events()).singleElement().satisfies(e -> {
            assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
            assertThat(e.finding()).isNotNull();
        });
        assertThat(queue.remaining()).isZero();
    }

    @Test
    void s3AndSqsFaultsSurfaceAsRetriableOrTerminalAndDeleteNothing() {
        Instant t = NOW.minus(Duration.ofHours(1));
        queue.send(TrailQueueSandbox.objectCreated(BUCKET, t, deliver("111111111111", "us-east-1", t, "DDDDDDDDDDDDDDDD", management("111111111111", t))));
        TelemetrySource source = source("telemetry", "trail-sqs");
        // https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html: SlowDown, InternalError
        server.stubFor(get(urlPathMatching("/" + BUCKET + "/.+")).atPriority(1).willReturn(TrailBucketSandbox.slowDown()));
        assertThatThrownBy(() -> source.poll(Cursor.START, 10)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));
        server.stubFor(get(urlPathMatching("/" + BUCKET + "/.+")).atPriority(1)
                .willReturn(TrailBucketSandbox.error(500, "InternalError", "We encountered an internal error. Please try again.")));
        queue.expireVisibility();
        assertThatThrownBy(() -> source.poll(Cursor.START, 10)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        server.stubFor(get(urlPathMatching("/" + BUCKET + "/.+")).atPriority(1).willReturn(aResponse().withFixedDelay(8_000).withStatus(200)));
        queue.expireVisibility();
        assertThatThrownBy(() -> source.poll(Cursor.START, 10)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT));
        // SQS itself: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(TrailQueueSandbox.error(403, "AccessDenied", "Access to the resource is denied.")));
        assertThatThrownBy(() -> source.poll(Cursor.START, 10)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        assertThat(queue.remaining()).as("a message is deleted only after its events were handed over").isEqualTo(1);
    }

    @Test
    void aPrefixScanReadsEveryAccountAndRegionOldestFirstAndResumesWithoutGapOrDuplicate() {
        Instant t = NOW.minus(Duration.ofHours(3));
        String a1 = management("111111111111", t);
        String a2 = data("111111111111", t.plusSeconds(300));
        String b1 = data("222222222222", t.plusSeconds(100));
        String c1 = management("222222222222", t.plusSeconds(200));
        deliver("111111111111", "us-east-1", t.plusSeconds(60), "AAAAAAAAAAAAAAA1", a1);
        deliver("111111111111", "us-east-1", t.plusSeconds(360), "AAAAAAAAAAAAAAA2", a2);
        deliver("222222222222", "us-east-1", t.plusSeconds(160), "BBBBBBBBBBBBBBB1", b1);
        deliver("222222222222", "ap-south-1", t.plusSeconds(260), "CCCCCCCCCCCCCCC1", c1);
        // an old file before the lookback, and a file too recent to be settled
        deliver("111111111111", "us-east-1", NOW.minus(Duration.ofDays(3)), "OOOOOOOOOOOOOOOO", management("111111111111", NOW.minus(Duration.ofDays(3))));
        String recent = management("111111111111", NOW.minus(Duration.ofMinutes(1)));
        deliver("111111111111", "us-east-1", NOW.minus(Duration.ofMinutes(1)), "RRRRRRRRRRRRRRRR", recent);
        TelemetrySource source = source("telemetry", "trail-s3-scan", "trail-scan-lookback", "1d");

        Drained first = drain(source, Cursor.START, 1);
        assertThat(first.ids()).containsExactly(id(a1), id(b1), id(c1), id(a2));

        // later: the recent file settled, a new one arrived
        clock.advance(Duration.ofMinutes(10));
        String late = data("222222222222", NOW.plusSeconds(60));
        deliver("222222222222", "us-east-1", NOW.plusSeconds(60), "BBBBBBBBBBBBBBB2", late);
        Drained second = drain(source, first.last(), 10);
        assertThat(second.ids()).containsExactly(id(recent), id(late));
        assertThat(drain(source, second.last(), 10).ids()).isEmpty();
    }

    @Test
    void aScanSplitsALargeFileOverBatchesAndRejectsAForeignCursor() {
        Instant t = NOW.minus(Duration.ofHours(2));
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            records.add(data("111111111111", t.plusSeconds(i)));
        }
        deliver("111111111111", "eu-central-1", t.plusSeconds(60), "LLLLLLLLLLLLLLLL", records.toArray(String[]::new));
        TelemetrySource source = source("telemetry", "trail-s3-scan");

        Drained drained = drain(source, Cursor.START, 3);
        assertThat(drained.ids()).containsExactlyElementsOf(records.stream().map(TrailDeliveryTest::id).toList());
        assertThat(drained.polls()).isEqualTo(3);
        assertThatThrownBy(() -> source.poll(new Cursor("{\"t\":123}"), 3)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID));
    }

    @Test
    void trailSettingsAreCheckedAtLoad() {
        assertThatThrownBy(() -> source("telemetry", "trail-sqs", "trail-queue-url", "")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.getMessage()).contains("trail-queue-url"));
        assertThatThrownBy(() -> source("telemetry", "kinesis")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.getMessage()).contains("telemetry").contains("trail-sqs"));
        assertThatThrownBy(() -> source("telemetry", "trail-s3-scan", "trail-prefix", "/abs")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.getMessage()).contains("trail-prefix"));
    }
}

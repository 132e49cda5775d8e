package io.itdr.connector.okta.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.itdr.connector.okta.OktaConnectorFactory;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.okta.SystemLogSandbox;
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
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * System Log polling through the connector (factory, SDK client and sign-in, error translation)
 * against the stateful {@link SystemLogSandbox}, which follows Okta's polling semantics, so the
 * cursor logic is what is under test. Fault stubs cite the Okta reference beside them.
 */
class SystemLogSourceTest {
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final String TOKEN = "00aBcDeFgHiJkLmNoPqRsTuVwXyZ-test-token";
    static final String APP = "0oa1nightlyexport01";
    private static final String DISABLE_HTTPS_CHECK = "okta.testing.disableHttpsCheck";
    private static String previousHttpsCheck;

    private static final SettableClock clock = new SettableClock(NOW);
    private static final SystemLogSandbox systemLog = new SystemLogSandbox(clock::instant, Set.of("SSWS " + TOKEN));
    private static WireMockServer server;
    private final List<Connector> opened = new ArrayList<>();
    private int seeded;

    @BeforeAll
    static void startServer() {
        // the SDK refuses an http org URL unless told it is a test (PLATFORM-FACTS: Okta)
        previousHttpsCheck = System.setProperty(DISABLE_HTTPS_CHECK, "true");
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(systemLog));
        server.start();
    }

    @AfterAll
    static void stopServer() {
        server.stop();
        restoreHttpsCheck();
    }

    static void restoreHttpsCheck() {
        if (previousHttpsCheck == null) {
            System.clearProperty(DISABLE_HTTPS_CHECK);
        } else {
            System.setProperty(DISABLE_HTTPS_CHECK, previousHttpsCheck);
        }
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        systemLog.clear();
        systemLog.acceptAuthorizations(Set.of("SSWS " + TOKEN));
        systemLog.stub(server);
        clock.advance(Duration.between(clock.instant(), NOW));
        seeded = 0;
    }

    @AfterEach
    void close() {
        opened.forEach(Connector::close);
    }

    private Connector connect(Map<String, String> extra, Duration requestTimeout) {
        Map<String, String> raw = new HashMap<>(Map.of("org-url", "https://example.okta.com", "api-token", TOKEN));
        raw.putAll(extra);
        OktaConnectorFactory factory = new OktaConnectorFactory();
        var config = new ConfigSchema(factory.id(), factory.configProperties()).validate(raw);
        var context = new TestingConnectorContext(clock, new HttpSettings(Duration.ofSeconds(2), requestTimeout, null,
                Map.of("okta", URI.create(server.baseUrl()))), Map.of(), new RecordingMetrics());
        Connector connector = factory.create(config, context);
        opened.add(connector);
        return connector;
    }

    private TelemetrySource source() {
        return connect(Map.of(), Duration.ofSeconds(10)).telemetry();
    }

    /** Seeds {@code n} token grants, one a minute from 4 hours ago, persisted as published; returns their uuids. */
    private List<String> seed(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String uuid = String.format("5e1f0c9a-0000-4000-8000-%012d", ++seeded);
            Instant at = NOW.minus(Duration.ofHours(4)).plusSeconds(60L * seeded);
            systemLog.add(SystemLogSandbox.tokenGrant(uuid, at, APP), at);
            ids.add(uuid);
        }
        return ids;
    }

    private record Drained(List<String> ids, List<Rejection> rejections, List<Cursor> cursors) {
    }

    private static Drained drain(TelemetrySource source, Cursor from, int page) {
        List<String> ids = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        List<Cursor> cursors = new ArrayList<>();
        Cursor cursor = from;
        for (int polls = 0; polls < 100; polls++) {
            TelemetryBatch batch = source.poll(cursor, page);
            assertThat(batch.events().size() + batch.rejections().size()).isLessThanOrEqualTo(page);
            batch.events().forEach(e -> ids.add(e.id()));
            rejections.addAll(batch.rejections());
            cursors.add(batch.next());
            cursor = batch.next();
            if (!batch.hasMore()) {
                return new Drained(ids, rejections, cursors);
            }
        }
        throw new AssertionError("hasMore never turned false");
    }

    private static List<LoggedRequest> logRequests() {
        return server.findAll(getRequestedFor(urlPathEqualTo(SystemLogSandbox.PATH)));
    }

    @Test
    void theFirstPollAsksSinceTheLookbackWithTheApiTokenAndLaterPollsFollowTheNextLink() {
        List<String> ids = seed(7);
        TelemetrySource source = source();

        TelemetryBatch first = source.poll(Cursor.START, 3);
        assertThat(first.events()).extracting(IdentityEvent::id).containsExactlyElementsOf(ids.subList(0, 3));
        assertThat(first.hasMore()).as("a full page").isTrue();
        assertThat(first.events()).allSatisfy(e -> {
            assertThat(e.tenant()).isEqualTo("example.okta.com");
            assertThat(e.identity().id()).isEqualTo(APP);
            assertThat(e.category()).isEqualTo(EventCategory.AUTHENTICATION);
            assertThat(e.rawRef()).isEqualTo("okta:system-log/" + e.id());
        });
        // each polled event comes with its LogEvent, for rules
        for (int i = 0; i < first.events().size(); i++) {
            assertThat(first.record(i)).contains("\"uuid\":\"" + first.events().get(i).id() + "\"");
        }
        LoggedRequest request = logRequests().get(0);
        // https://developer.okta.com/docs/reference/api/system-log/#polling-requests and the SSWS scheme of
        // https://developer.okta.com/docs/api/openapi/okta-management/guides/overview/#authentication
        assertThat(request.getHeader("Authorization")).isEqualTo("SSWS " + TOKEN);
        assertThat(request.queryParameter("since").firstValue()).isEqualTo("2026-02-28T12:00:00Z");
        assertThat(request.queryParameter("sortOrder").firstValue()).isEqualTo("ASCENDING");
        assertThat(request.queryParameter("limit").firstValue()).isEqualTo("3");
        assertThat(request.queryParameter("until").isPresent()).isFalse();
        assertThat(first.next().value()).startsWith("v1:").contains("after=");

        TelemetryBatch second = source.poll(first.next(), 3);
        assertThat(second.events()).extracting(IdentityEvent::id).containsExactlyElementsOf(ids.subList(3, 6));
        LoggedRequest followed = logRequests().get(1);
        assertThat(followed.queryParameter("since").isPresent()).as("the next link's query replaces since").isFalse();
        assertThat(followed.queryParameter("after").firstValue()).isEqualTo(first.next().value().replaceAll(".*after=", ""));

        TelemetryBatch third = source.poll(second.next(), 3);
        assertThat(third.events()).extracting(IdentityEvent::id).containsExactly(ids.get(6));
        assertThat(third.hasMore()).as("a page that is not full").isFalse();
    }

    @Test
    void resumingFromEveryPersistedCursorGivesExactlyTheRestNoGapNoDuplicate() {
        List<String> ids = seed(10);
        TelemetrySource source = source();
        Drained all = drain(source, Cursor.START, 3);
        assertThat(all.ids()).containsExactlyElementsOf(ids);
        assertThat(all.cursors()).hasSize(4);
        int delivered = 0;
        for (int i = 0; i < all.cursors().size(); i++) {
            delivered = Math.min(ids.size(), delivered + 3);
            for (int page : new int[]{1, 4, 1000}) {
                assertThat(drain(source, all.cursors().get(i), page).ids())
                        .as("polled from cursor %d in pages of %d", i, page).containsExactlyElementsOf(ids.subList(delivered, ids.size()));
            }
        }
        assertThat(source.poll(all.cursors().get(0), 3).events()).extracting(IdentityEvent::id)
                .as("polling keeps no state: the same cursor gives the same page").containsExactlyElementsOf(ids.subList(3, 6));
    }

    @Test
    void anEmptyPageKeepsTheCursorAndNewEventsComeAfterIt() {
        TelemetrySource source = source();
        TelemetryBatch nothing = source.poll(Cursor.START, 5);
        assertThat(nothing.events()).isEmpty();
        assertThat(nothing.hasMore()).isFalse();
        assertThat(nothing.next().isStart()).as("even an empty first page pins Okta's position").isFalse();

        TelemetryBatch still = source.poll(nothing.next(), 5);
        assertThat(still.events()).isEmpty();
        assertThat(still.next()).as("an empty page keeps the cursor").isEqualTo(nothing.next());

        List<String> later = seed(2);
        TelemetryBatch arrived = source.poll(still.next(), 5);
        assertThat(arrived.events()).extracting(IdentityEvent::id).containsExactlyElementsOf(later);
        TelemetryBatch after = source.poll(arrived.next(), 5);
        assertThat(after.events()).isEmpty();
        assertThat(after.next()).isEqualTo(arrived.next());
    }

    @Test
    void anEventPersistedLateIsStillPolledAfterTheCursor() {
        List<String> ids = seed(3);
        TelemetrySource source = source();
        Drained first = drain(source, Cursor.START, 10);
        // published before the events already delivered, persisted after them: polling goes by persistence time
        Instant published = NOW.minus(Duration.ofHours(5));
        systemLog.add(SystemLogSandbox.tokenGrant("late-0001", published, APP), NOW.minusSeconds(10));
        TelemetryBatch late = source.poll(first.cursors().get(first.cursors().size() - 1), 10);
        assertThat(first.ids()).containsExactlyElementsOf(ids);
        assertThat(late.events()).extracting(IdentityEvent::id).containsExactly("late-0001");
        assertThat(late.events().get(0).time()).isEqualTo(published);
    }

    @Test
    void theFilterIsPassedOnAndTheCursorKeepsIt() {
        Instant at = NOW.minus(Duration.ofHours(1));
        systemLog.add(SystemLogSandbox.tokenGrant("f-1", at, APP), at);
        systemLog.add(SystemLogSandbox.ofType("f-2", at, APP, "user.session.start"), at);
        systemLog.add(SystemLogSandbox.ofType("f-3", at, APP, "app.oauth2.as.token.revoke"), at);
        systemLog.add(SystemLogSandbox.ofType("f-4", at, APP, "application.lifecycle.update"), at);
        TelemetrySource source = connect(Map.of("system-log-filter", "eventType sw \"app.oauth2\""), Duration.ofSeconds(10)).telemetry();

        Drained drained = drain(source, Cursor.START, 1);
        assertThat(drained.ids()).containsExactly("f-1", "f-3");
        assertThat(logRequests()).allSatisfy(r -> assertThat(r.queryParameter("filter").firstValue()).isEqualTo("eventType sw \"app.oauth2\""));
        assertThat(drained.cursors().get(0).value()).contains("filter=eventType%20sw%20%22app.oauth2%22");
    }

    @Test
    void aNextLinkThatDropsTheFilterDoesNotWidenThePoll() {
        fault(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("link", "<" + server.baseUrl() + "/api/v1/logs?sortOrder=ASCENDING&limit=10&after=1772280000000_1>; rel=\"next\"")
                .withBody("[" + SystemLogSandbox.tokenGrant("k-1", NOW, APP) + "]"));
        TelemetryBatch batch = connect(Map.of("system-log-filter", "eventType eq \"app.oauth2.as.token.grant.access_token\""),
                Duration.ofSeconds(10)).telemetry().poll(Cursor.START, 10);
        assertThat(batch.next().value()).isEqualTo("v1:sortOrder=ASCENDING&after=1772280000000_1"
                + "&filter=eventType%20eq%20%22app.oauth2.as.token.grant.access_token%22");
    }

    @Test
    void aMalformedRecordIsRejectedWithItsPlaceAndThePageGoesOn() {
        seed(1);
        Instant at = NOW.minus(Duration.ofHours(1));
        systemLog.add("{\"uuid\":\"m-1\",\"published\":\"not-a-time\",\"actor\":{\"id\":\"" + APP + "\"}}", at);
        systemLog.add("{\"uuid\":\"m-2\",\"published\":\"" + at + "\"}", at);
        Instant later = NOW.minus(Duration.ofMinutes(30));
        systemLog.add(SystemLogSandbox.tokenGrant("m-3", later, APP), later);

        TelemetryBatch batch = source().poll(Cursor.START, 10);
        assertThat(batch.events()).extracting(IdentityEvent::id).containsExactly("5e1f0c9a-0000-4000-8000-000000000001", "m-3");
        assertThat(batch.rejections()).extracting(Rejection::location).containsExactly(
                "GET /api/v1/logs since=2026-02-28T12:00:00Z:record 2, line 1, id m-1",
                "GET /api/v1/logs since=2026-02-28T12:00:00Z:record 3, line 1, id m-2");
        assertThat(batch.rejections().get(0).reason()).isEqualTo("published: not an RFC 3339 timestamp: 'not-a-time'");
        assertThat(batch.rejections().get(1).reason()).isEqualTo("missing or invalid required field: actor (missing)");
        assertThat(batch.hasMore()).as("4 records, limit 10").isFalse();
    }

    @Test
    void aLimitAboveOktasMaximumAsksForOneThousand() {
        seed(2);
        source().poll(Cursor.START, 5000);
        assertThat(logRequests().get(0).queryParameter("limit").firstValue()).isEqualTo("1000");
    }

    /** Fault stubs answer every System Log call, above the sandbox. */
    private static void fault(ResponseDefinitionBuilder response) {
        server.stubFor(get(urlPathEqualTo(SystemLogSandbox.PATH)).atPriority(1).willReturn(response));
    }

    private static ConnectorException failure(TelemetrySource source) {
        try {
            source.poll(Cursor.START, 10);
        } catch (ConnectorException e) {
            return e;
        }
        throw new AssertionError("the poll did not fail");
    }

    @Test
    void throttlingIsRetriableAfterTheRateLimitReset() {
        // https://developer.okta.com/docs/reference/rl-best-practices/ (X-Rate-Limit-Reset: epoch seconds of the window's end)
        // and E0000047 from https://developer.okta.com/docs/reference/error-codes/
        fault(SystemLogSandbox.error(429, "E0000047", "API call exceeded rate limit due to too many requests.")
                .withHeader("X-Rate-Limit-Limit", "120").withHeader("X-Rate-Limit-Remaining", "0")
                .withHeader("X-Rate-Limit-Reset", Long.toString(NOW.getEpochSecond() + 42)));
        ConnectorException e = failure(source());
        assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(e.retriable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
        assertThat(e.getMessage()).contains("HTTP 429").contains("E0000047");
        assertThat(logRequests()).as("the SDK's own retries are off: the host retries").hasSize(1);
    }

    @Test
    void serverErrorsAndDroppedConnectionsAreUnavailable() {
        // https://developer.okta.com/docs/reference/api/system-log/#errors: an internal error is HTTP 500
        fault(SystemLogSandbox.error(500, "E0000009", "Internal Server Error"));
        ConnectorException e = failure(source());
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.retriable()).isTrue();

        fault(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        assertThat(failure(source()).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void noAnswerInTimeIsATimeout() {
        seed(1);
        fault(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("[]").withFixedDelay(1500));
        ConnectorException e = failure(connect(Map.of(), Duration.ofMillis(250)).telemetry());
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void aBodyThatIsNotAPageOfLogEventsIsMalformed() {
        // a proxy's maintenance page with a success status
        fault(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html><body>Be right back</body></html>"));
        assertThat(failure(source()).code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);

        fault(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"errorCode\":\"E0000001\"}"));
        ConnectorException object = failure(source());
        assertThat(object.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(object.getMessage()).contains("expected a JSON array of LogEvent objects, found '{'");

        fault(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("[" + SystemLogSandbox.tokenGrant("t-1", NOW, APP) + ",{\"uuid\":\"t-2\",\"publ"));
        ConnectorException truncated = failure(source());
        assertThat(truncated.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(truncated.getMessage()).contains("in record 2");
    }

    @Test
    void aPageWithEventsButNoNextLinkCannotBeResumedAfter() {
        fault(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("link", "<" + server.baseUrl() + "/api/v1/logs?limit=10>; rel=\"self\"")
                .withBody("[" + SystemLogSandbox.tokenGrant("n-1", NOW, APP) + "]"));
        ConnectorException e = failure(source());
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).contains("without a next link");
    }

    @Test
    void refusedCredentialsAreTerminalAndNeverShowTheToken() {
        systemLog.acceptAuthorizations(Set.of("SSWS another-token"));
        Connector connector = connect(Map.of(), Duration.ofSeconds(10));
        ConnectorException e = failure(connector.telemetry());
        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("E0000011");
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(TOKEN);
        assertThat(connector.toString()).doesNotContain(TOKEN).contains("example.okta.com");
        assertThat(connector.telemetry().toString()).doesNotContain(TOKEN);

        // https://developer.okta.com/docs/reference/error-codes/ E0000006: the token lacks the permission
        fault(SystemLogSandbox.error(403, "E0000006", "You do not have permission to perform the requested action"));
        assertThat(failure(connector.telemetry()).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    }

    @Test
    void aCursorThatIsNotOneIsRefusedWithoutCallingOkta() {
        TelemetrySource source = source();
        for (String bad : new String[]{"after=123", "v1:limit=5", "v1:after=1_1&until=2026-01-01T00:00:00Z", "v1:after=%zz"}) {
            assertThatThrownBy(() -> source.poll(new Cursor(bad), 5)).as(bad).isInstanceOfSatisfying(ConnectorException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID));
        }
        assertThat(logRequests()).isEmpty();
    }

    @Test
    void theHealthCheckReadsOneEvent() {
        seed(3);
        Connector connector = connect(Map.of(), Duration.ofSeconds(10));
        assertThat(logRequests()).as("creating a connector calls nothing").isEmpty();
        connector.checkHealth();
        assertThat(logRequests()).singleElement().satisfies(r -> {
            assertThat(r.queryParameter("limit").firstValue()).isEqualTo("1");
            assertThat(r.getHeader("Authorization")).isEqualTo("SSWS " + TOKEN);
        });
        systemLog.acceptAuthorizations(Set.of());
        assertThatThrownBy(connector::checkHealth).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED));
    }

    @Test
    void anHttpEndpointIsRefusedOnFirstUseWithoutTheSdksTestSwitch() {
        System.clearProperty(DISABLE_HTTPS_CHECK);
        try {
            Connector connector = connect(Map.of(), Duration.ofSeconds(10));
            ConnectorException e = failure(connector.telemetry());
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            assertThat(e.getMessage()).contains(server.baseUrl()).contains("plain http is for tests only");
        } finally {
            System.setProperty(DISABLE_HTTPS_CHECK, "true");
        }
        assertThat(logRequests()).isEmpty();
    }
}

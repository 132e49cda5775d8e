package io.itdr.connector.github.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.github.GitHubConnectorFactory;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.github.AuditLogRecords;
import io.itdr.fixture.github.AuditLogSimulation;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogSourceTest {
    private static final String TOKEN = "github_pat_test";
    private static final Instant NOW = TestingConnectorContext.NOW;
    private AuditLogSimulation auditLog;
    private WireMockServer server;
    private Connector connector;

    @BeforeEach
    void start() {
        auditLog = new AuditLogSimulation("acme", () -> NOW, Set.of("Bearer " + TOKEN));
        server = new WireMockServer(WireMockConfiguration.wireMockConfig().dynamicPort().extensions(auditLog));
        server.start();
        auditLog.stub(server);
        GitHubConnectorFactory factory = new GitHubConnectorFactory();
        connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties())
                        .validate(Map.of("org", "acme", "token", TOKEN, "lookback", "2h")),
                new TestingConnectorContext(new SettableClock(NOW), new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                        Map.of("github", URI.create(server.baseUrl()))), Map.of(), new RecordingMetrics()));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void eventsInOneSecondAreDeliveredOnceAcrossPagesAndLaterPolls() {
        Instant second = NOW.minusSeconds(600);
        for (int i = 1; i <= 5; i++) {
            add("d" + i, second.plusMillis(i * 100L));
        }
        TelemetrySource source = connector.telemetry();
        List<String> seen = new ArrayList<>();
        Cursor cursor = Cursor.START;
        TelemetryBatch batch;
        do {
            batch = source.poll(cursor, 2);
            batch.events().forEach(e -> seen.add(e.id()));
            cursor = batch.next();
        } while (batch.hasMore());
        assertThat(seen).containsExactly("d1", "d2", "d3", "d4", "d5");
        // two more in the same second, and one later: only they come
        add("d6", second.plusMillis(900));
        add("d7", second.plusSeconds(30));
        TelemetryBatch later = source.poll(cursor, 10);
        assertThat(later.events()).extracting(IdentityEvent::id).containsExactly("d6", "d7");
        assertThat(source.poll(later.next(), 10).events()).isEmpty();
        // the first poll read from now minus the lookback, oldest first, every kind of event
        server.verify(getRequestedFor(urlPathEqualTo("/orgs/acme/audit-log"))
                .withQueryParam("phrase", com.github.tomakehurst.wiremock.client.WireMock.equalTo("created:>=2026-03-01T10:00:00Z"))
                .withQueryParam("order", com.github.tomakehurst.wiremock.client.WireMock.equalTo("asc"))
                .withQueryParam("include", com.github.tomakehurst.wiremock.client.WireMock.equalTo("all")));
    }

    @Test
    void thePrimaryRateLimitWaitsUntilTheReset() {
        // https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(AuditLogSimulation.error(403, "API rate limit exceeded for installation ID 4711.")
                .withHeader("x-ratelimit-remaining", "0").withHeader("x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 90))));
        assertThatThrownBy(() -> connector.telemetry().poll(Cursor.START, 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(90));
                });
    }

    @Test
    void a429WithRetryAfterIsThrottled() {
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(AuditLogSimulation.error(429, "Too Many Requests").withHeader("retry-after", "17")));
        assertThatThrownBy(() -> connector.telemetry().poll(Cursor.START, 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
                });
    }

    @Test
    void aCursorOfAnotherConnectorIsRefused() {
        assertThatThrownBy(() -> connector.telemetry().poll(new Cursor("v1:sortOrder=ASCENDING"), 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID));
    }

    @Test
    void withAnEnterpriseTheEnterpriseAuditLogIsPolledAndEachEventKeepsItsOrg() {
        AuditLogSimulation enterpriseLog = AuditLogSimulation.forEnterprise("acme-corp", () -> NOW, Set.of("Bearer " + TOKEN));
        WireMockServer enterprise = new WireMockServer(WireMockConfiguration.wireMockConfig().dynamicPort().extensions(enterpriseLog));
        enterprise.start();
        try {
            enterpriseLog.stub(enterprise);
            Instant at = NOW.minusSeconds(300);
            enterpriseLog.add(AuditLogRecords.appClone("e1", at, "acme", "bot", "r", "aA==", "203.0.113.1"), at, true);
            enterpriseLog.add(AuditLogRecords.appClone("e2", at.plusSeconds(1), "acme-labs", "bot", "r", "aA==", "203.0.113.2"),
                    at.plusSeconds(1), true);
            GitHubConnectorFactory factory = new GitHubConnectorFactory();
            Connector enterpriseConnector = factory.create(new ConfigSchema(factory.id(), factory.configProperties())
                            .validate(Map.of("org", "acme", "enterprise", "Acme-Corp", "token", TOKEN, "lookback", "2h")),
                    new TestingConnectorContext(new SettableClock(NOW), new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                            Map.of("github", URI.create(enterprise.baseUrl()))), Map.of(), new RecordingMetrics()));
            TelemetryBatch batch = enterpriseConnector.telemetry().poll(Cursor.START, 10);
            assertThat(batch.events()).extracting(IdentityEvent::id).containsExactly("e1", "e2");
            assertThat(batch.events()).extracting(IdentityEvent::tenant).containsExactly("acme", "acme-labs");
            enterprise.verify(getRequestedFor(urlPathEqualTo("/enterprises/acme-corp/audit-log")));
            assertThat(enterprise.findAll(getRequestedFor(urlPathEqualTo("/orgs/acme/audit-log")))).isEmpty();
        } finally {
            enterprise.stop();
        }
    }

    private void add(String id, Instant at) {
        auditLog.add(AuditLogRecords.appClone(id, at, "acme", "bot", "r", "aA==", "203.0.113.1"), at, true);
    }
}

package io.itdr.connector.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gitlab.AuditEventsSimulation;
import io.itdr.spi.Connector;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Audit events of a project and of the instance are polled from their own routes
 * (https://docs.gitlab.com/api/audit_events/: "Retrieve all project audit events", "Retrieve all instance audit events"),
 * the group's by the connector kit ({@link GitLabConnectorTckTest}).
 */
class AuditEventScopesTest {
    private static final String TOKEN = "glpat-scopes";
    private static final Instant NOW = TestingConnectorContext.NOW;

    @Test
    void aProjectsAuditEventsArePolledFromTheProjectRoute() {
        poll(AuditEventsSimulation.forProject("12", Set.of(TOKEN)), Map.of("scope", "project", "scope-id", "12", "token", TOKEN),
                "/api/v4/projects/12/audit_events");
    }

    @Test
    void theInstancesAuditEventsArePolledFromTheInstanceRoute() {
        poll(AuditEventsSimulation.forInstance(Set.of(TOKEN)), Map.of("scope", "instance", "token", TOKEN), "/api/v4/audit_events");
    }

    private static void poll(AuditEventsSimulation events, Map<String, String> config, String route) {
        WireMockServer server = new WireMockServer(WireMockConfiguration.wireMockConfig().dynamicPort().extensions(events));
        server.start();
        try {
            events.stub(server);
            Instant first = NOW.minus(Duration.ofHours(1));
            events.add(9001, first, AuditEventsSimulation.tokenEvent(9001, first, "acme", 1201, "project_12_bot_3f1a", "project_access_token_created"));
            events.add(9002, first.plusSeconds(60), AuditEventsSimulation.tokenEvent(9002, first.plusSeconds(60), "acme", 1201,
                    "project_12_bot_3f1a", "project_access_token_created"));
            GitLabConnectorFactory factory = new GitLabConnectorFactory();
            try (Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(config),
                    new TestingConnectorContext(new SettableClock(NOW), new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                            Map.of("gitlab", URI.create(server.baseUrl()))), Map.of(), new RecordingMetrics()))) {
                TelemetryBatch batch = connector.telemetry().poll(Cursor.START, 10);
                assertThat(batch.events()).extracting(IdentityEvent::id).containsExactly("gitlab-audit-9001", "gitlab-audit-9002");
                assertThat(batch.events()).allSatisfy(e -> assertThat(e.identity().kind()).isEqualTo("project_access_token"));
            }
            server.verify(getRequestedFor(urlPathEqualTo(route)));
        } finally {
            server.stop();
        }
    }
}

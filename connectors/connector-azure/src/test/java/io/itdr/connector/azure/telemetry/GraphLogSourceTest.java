package io.itdr.connector.azure.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GraphLogSourceTest {
    private static final Instant T0 = TestingConnectorContext.NOW.minus(Duration.ofHours(2));
    private TckAccess.Tenant tenant;

    @BeforeEach
    void start() {
        tenant = TckAccess.tenant();
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    private Connector connect(Map<String, String> extra) {
        return tenant.connect(new AzureConnectorFactory(TckAccess.credentials()), extra);
    }

    private static String audit(String id, Instant at, String spId) {
        return """
                {"id":"%s","category":"ApplicationManagement","activityDateTime":"%s","activityDisplayName":"Add service principal credentials",
                 "loggedByService":"Core Directory","operationType":"Update","result":"success",
                 "initiatedBy":{"app":{"appId":null,"displayName":"ci-automation","servicePrincipalId":"%s"}},
                 "targetResources":[{"id":"4b6986ec-c49c-40c0-89ce-b2ac51213e39","type":"ServicePrincipal","displayName":"billing-exporter",
                   "modifiedProperties":[{"displayName":"KeyDescription","oldValue":"[]","newValue":"[\\"[KeyIdentifier=11111111-2222-4333-8444-555555555555,KeyType=Password,KeyUsage=Verify,DisplayName=ci]\\"]"}]}]}
                """.formatted(id, at, spId);
    }

    @Test
    void signInsAndAuditsArriveOldestFirstAcrossPagesFollowedByNextLink() {
        GraphLogSandbox logs = tenant.logs();
        for (int i = 0; i < 5; i++) {
            String id = String.format("5e1f0000-0000-4000-8000-%012d", i);
            logs.addSignIn(GraphLogSandbox.servicePrincipalSignIn(id, T0.plusSeconds(60L * i), TckAccess.TENANT,
                    "4b6986ec-c49c-40c0-89ce-b2ac51213e39", "de8bc8b5-d9f9-48b1-a8ad-b748da725064", "billing-exporter",
                    "2afc776a-4e79-4588-b2ad-f62c94d6bea8"), T0.plusSeconds(60L * i), Set.of("servicePrincipal"));
        }
        // a user's interactive sign-in is not asked for
        logs.addSignIn("{\"id\":\"user-1\",\"createdDateTime\":\"" + T0.plusSeconds(30) + "\",\"userId\":\"u-1\"}", T0.plusSeconds(30),
                Set.of("interactiveUser"));
        logs.addAudit(audit("Directory_a1", T0.plusSeconds(90), "aaaa0000-0000-4000-8000-000000000001"), T0.plusSeconds(90));
        logs.addAudit(audit("Directory_a2", T0.plusSeconds(150), "aaaa0000-0000-4000-8000-000000000001"), T0.plusSeconds(150));

        Connector c = connect(Map.of("graph-page-size", "2"));
        List<IdentityEvent> all = new ArrayList<>();
        Cursor cursor = Cursor.START;
        TelemetryBatch batch;
        int polls = 0;
        do {
            batch = c.telemetry().poll(cursor, 3);
            assertThat(batch.events().size() + batch.rejections().size()).isLessThanOrEqualTo(3);
            all.addAll(batch.events());
            cursor = batch.next();
            polls++;
        } while (batch.hasMore() && polls < 10);
        assertThat(all).extracting(IdentityEvent::id).containsExactly(
                "5e1f0000-0000-4000-8000-000000000000", "5e1f0000-0000-4000-8000-000000000001", "Directory_a1",
                "5e1f0000-0000-4000-8000-000000000002", "Directory_a2", "5e1f0000-0000-4000-8000-000000000003",
                "5e1f0000-0000-4000-8000-000000000004");
        IdentityEvent audit = all.get(2);
        assertThat(audit.category()).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(audit.rawRef()).isEqualTo("azure:graph/directoryAudits/Directory_a1");
        assertThat(all.get(0).tenant()).isEqualTo(TckAccess.TENANT);
        assertThat(tenant.server().findAll(getRequestedFor(urlPathEqualTo(GraphLogSandbox.SIGN_INS)))
                .stream().anyMatch(r -> r.getUrl().contains("%24skiptoken=") || r.getUrl().contains("$skiptoken="))).isTrue();
        assertThat(c.telemetry().poll(cursor, 3).events()).isEmpty();
    }

    @Test
    void riskDetectionsArePolledAsPlatformFindingsWhenAskedFor() {
        tenant.logs().addRiskDetection("""
                {"id":"risk-0001","requestId":"r-1","correlationId":"c-1","riskEventType":"investigationsThreatIntelligence",
                 "riskState":"atRisk","riskLevel":"high","riskDetail":"none","source":"IdentityProtection","detectionTimingType":"offline",
                 "activity":"servicePrincipal","tokenIssuerType":"AzureAD","ipAddress":"203.0.113.50","activityDateTime":"%s",
                 "detectedDateTime":"%s","lastUpdatedDateTime":"%s","servicePrincipalId":"4b6986ec-c49c-40c0-89ce-b2ac51213e39",
                 "servicePrincipalDisplayName":"billing-exporter","appId":"de8bc8b5-d9f9-48b1-a8ad-b748da725064",
                 "keyIds":["2afc776a-4e79-4588-b2ad-f62c94d6bea8"]}
                """.formatted(T0, T0, T0), T0);
        Connector c = connect(Map.of("risk-detections", "true", "directory-audits", "false", "sign-in-event-types", ""));
        TelemetryBatch batch = c.telemetry().poll(Cursor.START, 10);
        assertThat(batch.events()).singleElement().satisfies(e -> {
            assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
            assertThat(e.finding().type()).isEqualTo("investigationsThreatIntelligence");
            assertThat(e.finding().confidence()).isEqualTo(0.9);
            assertThat(e.credential().id()).isEqualTo("2afc776a-4e79-4588-b2ad-f62c94d6bea8");
            assertThat(e.rawRef()).isEqualTo("azure:graph/servicePrincipalRiskDetections/risk-0001");
        });
        assertThat(batch.next().value()).contains("servicePrincipalRiskDetections=");
    }

    /** A riskyServicePrincipal as Identity Protection lists it (https://learn.microsoft.com/en-us/graph/api/resources/riskyserviceprincipal). */
    private static String risky(String riskState, String riskLevel, Object at) {
        return """
                {"id":"4b6986ec-c49c-40c0-89ce-b2ac51213e39","appId":"de8bc8b5-d9f9-48b1-a8ad-b748da725064","displayName":"billing-exporter",
                 "accountEnabled":true,"isProcessing":false,"riskLastUpdatedDateTime":"%s","riskLevel":"%s","riskState":"%s",
                 "riskDetail":"none","servicePrincipalType":"Application"}
                """.formatted(at, riskLevel, riskState);
    }

    @Test
    void eachChangeOfAServicePrincipalsRiskIsPolledOnceAsAPlatformFinding() {
        tenant.logs().addRiskyServicePrincipal(risky("atRisk", "medium", T0), T0);
        Connector c = connect(Map.of("risky-service-principals", "true", "directory-audits", "false", "sign-in-event-types", ""));
        TelemetryBatch first = c.telemetry().poll(Cursor.START, 10);
        assertThat(first.events()).singleElement().satisfies(e -> {
            assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
            assertThat(e.finding().type()).isEqualTo("riskyServicePrincipal");
            assertThat(e.identity().id()).isEqualTo("4b6986ec-c49c-40c0-89ce-b2ac51213e39");
            assertThat(e.rawRef()).startsWith("azure:graph/riskyServicePrincipals/");
        });
        assertThat(first.record(0)).contains("\"riskState\":\"atRisk\"");
        assertThat(c.telemetry().poll(first.next(), 10).events()).isEmpty();

        java.time.Instant later = T0.plusSeconds(600);
        tenant.logs().addRiskyServicePrincipal(risky("confirmedCompromised", "high", later), later);
        TelemetryBatch second = c.telemetry().poll(first.next(), 10);
        assertThat(second.events()).hasSize(1);
        assertThat(second.record(0)).contains("confirmedCompromised");
        assertThat(second.next().value()).contains("riskyServicePrincipals=");
    }

    @Test
    void eachEventTravelsWithItsRawRecord() {
        tenant.logs().addAudit(audit("Directory_r1", T0, "aaaa0000-0000-4000-8000-000000000001"), T0);
        TelemetryBatch batch = connect(Map.of()).telemetry().poll(Cursor.START, 10);
        assertThat(batch.record(0)).contains("\"id\":\"Directory_r1\"").contains("\"activityDisplayName\"");
    }

    @Test
    void throttlingWithAnHttpDateSaysHowLongToWait() {
        String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(TestingConnectorContext.NOW.plusSeconds(42).atOffset(ZoneOffset.UTC));
        tenant.server().stubFor(get(urlPathEqualTo(GraphLogSandbox.SIGN_INS)).atPriority(1)
                .willReturn(GraphLogSandbox.error(429, "TooManyRequests", "Too many requests").withHeader("Retry-After", at)));
        assertThatThrownBy(() -> connect(Map.of()).telemetry().poll(Cursor.START, 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
                    assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
                });
    }

    @Test
    void aNextLinkToAnotherHostIsNotFollowedWithTheToken() {
        tenant.server().stubFor(get(urlPathEqualTo(GraphLogSandbox.AUDITS)).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"value\":[],\"@odata.nextLink\":\"https://attacker.example/v1.0/auditLogs/directoryAudits?$skiptoken=1\"}")));
        assertThatThrownBy(() -> connect(Map.of("sign-in-event-types", "")).telemetry().poll(Cursor.START, 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
                    assertThat(e.getMessage()).contains("leaves").contains("attacker.example");
                });
    }

    @Test
    void aCursorOfAnotherConnectorIsRefused() {
        assertThatThrownBy(() -> connect(Map.of()).telemetry().poll(new Cursor("2024-05-02T00:00:00Z"), 10))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID));
    }
}

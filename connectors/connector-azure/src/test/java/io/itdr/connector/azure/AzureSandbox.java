package io.itdr.connector.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.azure.GraphLogSandbox;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One Microsoft Entra tenant for the conformance kit, on one WireMock server: the sign-in and audit logs
 * of Microsoft Graph ({@link GraphLogSandbox}). Every other request is answered 404 Request_ResourceNotFound
 * as Graph answers an unknown resource; faults answer every path in Graph's error shape
 * (https://learn.microsoft.com/en-us/graph/errors, https://learn.microsoft.com/en-us/graph/throttling).
 * Used from the test thread.
 */
final class AzureSandbox implements Sandbox, AutoCloseable {
    static final String TENANT = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    static final String CLIENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    static final String SERVICE_PRINCIPAL = "4b6986ec-c49c-40c0-89ce-b2ac51213e39";
    static final String APP = "de8bc8b5-d9f9-48b1-a8ad-b748da725064";
    static final String KEY = "2afc776a-4e79-4588-b2ad-f62c94d6bea8";
    /** Seeded sign-ins start here, inside the default 24 h lookback of the kit's clock. */
    private static final Instant FIRST = TestingConnectorContext.NOW.minus(Duration.ofHours(4));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GraphLogSandbox logs;
    private final WireMockServer server;
    private int seeded;

    /** @param token the bearer token Graph accepts */
    AzureSandbox(String token) {
        logs = new GraphLogSandbox(Set.of("Bearer " + token));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(logs));
        server.start();
        reset();
    }

    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    GraphLogSandbox logs() {
        return logs;
    }

    WireMockServer server() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public void reset() {
        server.resetAll();
        logs.clear();
        seeded = 0;
        logs.stub(server);
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(GraphLogSandbox.error(404, "Request_ResourceNotFound",
                "Resource does not exist or one of its queried reference-property objects are not present.")));
    }

    /** Every request but a GET: polling and the health check only read. */
    @Override
    public int mutatingCallCount() {
        return (int) server.findAll(anyRequestedFor(anyUrl())).stream().filter(r -> !r.getMethod().equals(RequestMethod.GET)).count();
    }

    @Override
    public void injectFault(Fault fault) {
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(response(fault)));
    }

    private static ResponseDefinitionBuilder response(Fault fault) {
        return switch (fault.kind()) {
            // https://learn.microsoft.com/en-us/graph/throttling: 429 with Retry-After in seconds
            case THROTTLED -> GraphLogSandbox.error(429, "TooManyRequests", "Too many requests.")
                    .withHeader("Retry-After", Long.toString(fault.retryAfter().toSeconds()));
            // https://learn.microsoft.com/en-us/graph/errors: 503 serviceNotAvailable
            case SERVER_ERROR -> GraphLogSandbox.error(503, "serviceNotAvailable", "The service is temporarily unavailable.");
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"value\":[]}")
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            // a gateway's page with a success status
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>Service is down for maintenance</body></html>");
            case BAD_CREDENTIALS -> GraphLogSandbox.error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
            // the app lacks AuditLog.Read.All
            case PERMISSION_DENIED -> GraphLogSandbox.error(403, "Authorization_RequestDenied",
                    "Insufficient privileges to complete the operation.");
        };
    }

    /**
     * Client-credentials sign-ins of one service principal, a minute apart; a malformed one names no
     * service principal and no app (nothing signed in).
     */
    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> wellFormed = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            seeded++;
            String id = String.format("5e1f0000-0000-4000-8000-%012d", seeded);
            Instant at = FIRST.plusSeconds(60L * seeded);
            String json = GraphLogSandbox.servicePrincipalSignIn(id, at, TENANT, SERVICE_PRINCIPAL, APP, "billing-exporter", KEY);
            if (malformedAt.contains(i)) {
                json = json.replace("\"servicePrincipalId\":\"" + SERVICE_PRINCIPAL + "\"", "\"servicePrincipalId\":null")
                        .replace("\"appId\":\"" + APP + "\"", "\"appId\":null");
            } else {
                wellFormed.add(id);
            }
            logs.addSignIn(json, at, Set.of("servicePrincipal"));
        }
        return wellFormed;
    }

    /**
     * The seeded sign-ins as diagnostic settings stream them to Event Hubs: one {@code {"records":[...]}}
     * event, each record in the resource-log schema with the sign-in in {@code properties}
     * (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-stream-logs-to-event-hub).
     */
    @Override
    public RawExport exportTelemetry() {
        ObjectNode delivery = JSON.createObjectNode();
        ArrayNode records = delivery.putArray("records");
        for (var signIn : GraphLogSandbox.array(logs.signIns())) {
            ObjectNode r = records.addObject();
            r.put("time", signIn.get("createdDateTime").asText());
            r.put("resourceId", "/tenants/" + TENANT + "/providers/Microsoft.aadiam");
            r.put("operationName", "Sign-in activity");
            r.put("operationVersion", "1.0");
            r.put("category", "ServicePrincipalSignInLogs");
            r.put("tenantId", TENANT);
            r.put("resultType", "0");
            r.put("durationMs", 0);
            r.put("correlationId", signIn.path("correlationId").asText());
            r.put("Level", 4);
            r.set("properties", signIn);
        }
        return new RawExport("insights-logs-serviceprincipalsigninlogs.json", "application/json",
                delivery.toString().getBytes(StandardCharsets.UTF_8));
    }
}

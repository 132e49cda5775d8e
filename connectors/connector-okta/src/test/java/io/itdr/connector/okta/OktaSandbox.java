package io.itdr.connector.okta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import io.itdr.connector.okta.telemetry.SystemLogSandbox;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One Okta org for the conformance kit, on one WireMock server: the System Log through
 * {@link SystemLogSandbox} and, for service-app sign-in, the org authorization server's token
 * endpoint. Every other request is answered 404 E0000007 as Okta answers an unknown resource
 * (https://developer.okta.com/docs/reference/error-codes/), which also keeps WireMock from printing
 * an unmatched request, headers and all, on the console. Faults answer in Okta's error shape.
 * Used from the test thread.
 */
final class OktaSandbox implements Sandbox, AutoCloseable {
    static final String ORG = "itdr-tck.okta.com";
    static final String SERVICE_APP = "0oa1tcknightlyexport";
    static final String ACCESS_TOKEN = "eyJraWQiOiJ0Y2sifQ.eyJzdWIiOiIwb2ExdGNrIn0.dGNrLXNpZ25hdHVyZQ";
    /** Seeded events start here, inside the default lookback of the kit's clock. */
    private static final Instant FIRST_EVENT = TestingConnectorContext.NOW.minus(Duration.ofHours(4));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SystemLogSandbox systemLog;
    private final WireMockServer server;
    private int seeded;

    /** @param authorization the {@code Authorization} header the org accepts ({@code SSWS <token>} or {@code Bearer <access token>}) */
    OktaSandbox(String authorization) {
        systemLog = new SystemLogSandbox(() -> TestingConnectorContext.NOW, Set.of(authorization));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(systemLog));
        server.start();
        reset();
    }

    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public void reset() {
        server.resetAll();
        systemLog.clear();
        seeded = 0;
        systemLog.stub(server);
        // https://developer.okta.com/docs/reference/api/oidc/#token: a client-credentials grant of the service app
        server.stubFor(post(urlPathEqualTo("/oauth2/v1/token")).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\""
                        + ACCESS_TOKEN + "\",\"scope\":\"okta.logs.read\"}")));
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(SystemLogSandbox.error(404, "E0000007", "Not found: Resource not found")));
    }

    /** Requests that are not reads. The token request issues the connector's own access token and changes nothing in the org. */
    @Override
    public int mutatingCallCount() {
        return (int) server.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> !r.getMethod().equals(RequestMethod.GET) && !r.getUrl().startsWith("/oauth2/v1/token"))
                .count();
    }

    /** Every call, the token request included, answers with the fault in Okta's shape. */
    @Override
    public void injectFault(Fault fault) {
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(response(fault)));
    }

    private static ResponseDefinitionBuilder response(Fault fault) {
        return switch (fault.kind()) {
            // https://developer.okta.com/docs/reference/rl-best-practices/: X-Rate-Limit-Reset is the epoch second the window resets
            case THROTTLED -> SystemLogSandbox.error(429, "E0000047", "API call exceeded rate limit due to too many requests.")
                    .withHeader("X-Rate-Limit-Limit", "60").withHeader("X-Rate-Limit-Remaining", "0")
                    .withHeader("X-Rate-Limit-Reset", Long.toString(TestingConnectorContext.NOW.plus(fault.retryAfter()).getEpochSecond()));
            // https://developer.okta.com/docs/reference/api/system-log/#errors: an internal error
            case SERVER_ERROR -> SystemLogSandbox.error(500, "E0000009", "Internal Server Error");
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("[]")
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(3).toMillis());
            // a proxy's maintenance page with a success status
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>Be right back<br></body></html>");
            // https://developer.okta.com/docs/reference/error-codes/ E0000011 and E0000006
            case BAD_CREDENTIALS -> SystemLogSandbox.error(401, "E0000011", "Invalid token provided");
            case PERMISSION_DENIED -> SystemLogSandbox.error(403, "E0000006", "You do not have permission to perform the requested action");
        };
    }

    /**
     * Token grants of the service app, a minute apart; a malformed record has a {@code published} that
     * is not a time.
     */
    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> wellFormed = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            seeded++;
            String uuid = String.format("7c2a9e10-0000-4000-8000-%012d", seeded);
            Instant at = FIRST_EVENT.plusSeconds(60L * seeded);
            String event = SystemLogSandbox.tokenGrant(uuid, at, SERVICE_APP);
            if (malformedAt.contains(i)) {
                event = event.replace("\"published\":\"" + at + "\"", "\"published\":\"not-a-time\"");
            } else {
                wellFormed.add(uuid);
            }
            systemLog.add(event, at);
        }
        return wellFormed;
    }

    /** The seeded events as Okta pushes them: one event hook delivery from this org. */
    @Override
    public RawExport exportTelemetry() {
        // https://developer.okta.com/docs/concepts/event-hooks/#sample-event-delivery-payload
        ObjectNode delivery = JSON.createObjectNode();
        delivery.put("eventType", "com.okta.event_hook");
        delivery.put("eventTypeVersion", "1.0");
        delivery.put("cloudEventsVersion", "0.1");
        delivery.put("source", "https://" + ORG + "/api/v1/eventHooks/whoql0HfiLGPWc8Jx0g3");
        delivery.put("eventId", "b5a188b9-5ece-4636-b041-482ffda96311");
        ArrayNode events = delivery.putObject("data").putArray("events");
        try {
            for (String event : systemLog.events()) {
                events.add(JSON.readTree(event));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        delivery.put("eventTime", TestingConnectorContext.NOW.toString());
        delivery.put("contentType", "application/json");
        return new RawExport("okta-event-hook-delivery.json", "application/json", delivery.toString().getBytes(StandardCharsets.UTF_8));
    }
}

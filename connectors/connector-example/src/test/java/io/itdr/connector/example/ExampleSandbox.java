package io.itdr.connector.example;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.fixture.wiremock.NextCallFault;
import io.itdr.spi.action.ActionTarget;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The example platform on WireMock, for the kit: stubs per API.md section route authorized calls
 * to {@link ExamplePlatformSimulation}; faults are stubs of higher priority; mutating calls are
 * counted from WireMock's request journal, not from the connector. Used from the test thread.
 */
final class ExampleSandbox implements Sandbox, AutoCloseable {
    private static final String API = "/api/.*";

    private final ExamplePlatformSimulation platform = new ExamplePlatformSimulation();
    private final WireMockServer server;
    /** One fault on the next mutating call, for the kit's checks of faults on actions. */
    private final NextCallFault nextCall = new NextCallFault();
    private final String bearer;

    ExampleSandbox(String token) {
        this.bearer = "Bearer " + token;
        this.server = new WireMockServer(options().dynamicPort().extensions(platform, nextCall));
        server.start();
        reset();
    }

    /** The simulated platform, for tests that change it the way an administrator would. */
    ExamplePlatformSimulation platform() {
        return platform;
    }

    String baseUrl() {
        return server.baseUrl();
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public void reset() {
        server.resetAll();
        nextCall.disarm();
        platform.reset();
        ResponseDefinitionBuilder simulated = platform.routed();
        // API.md §3: audit events, paged by cursor.
        server.stubFor(get(urlPathEqualTo("/api/events")).withHeader("Authorization", equalTo(bearer)).willReturn(simulated));
        // API.md §5: apps, listed and read one by one.
        server.stubFor(get(urlPathMatching("/api/apps(/[^/]+)?")).withHeader("Authorization", equalTo(bearer)).willReturn(simulated));
        // API.md §6: containment and its inverse.
        server.stubFor(post(urlPathMatching("/api/apps/[^/]+/(disable|enable|keys/[^/]+/(deactivate|activate))"))
                .withHeader("Authorization", equalTo(bearer)).willReturn(simulated));
        // API.md §1: any other token (or none) is refused. Also keeps WireMock from reporting an
        // unmatched request, headers and all, on the console.
        server.stubFor(any(urlPathMatching(API)).atPriority(10).willReturn(json(401, "invalid token")));
    }

    @Override
    public int mutatingCallCount() {
        return server.findAll(postRequestedFor(urlPathMatching(API))).size();
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount} counts them) meets the fault: throttled
     * before it is carried out, or carried out with its answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        if (fault.applied()) {
            nextCall.afterApplying(ExampleSandbox::mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            nextCall.beforeApplying(ExampleSandbox::mutating, json(429, "rate limit exceeded")
                    .withHeader("Retry-After", Long.toString(ConnectorTck.RETRY_AFTER.toSeconds())));
        }
    }

    @Override
    public boolean mutatingFaultPending() {
        return nextCall.isArmed();
    }

    private static boolean mutating(Request r) {
        return r.getMethod().equals(RequestMethod.POST) && r.getUrl().matches(API);
    }

    @Override
    public void injectFault(Fault fault) {
        server.stubFor(any(urlPathMatching(API)).atPriority(1).willReturn(switch (fault.kind()) {
            // API.md §2
            case THROTTLED -> json(429, "rate limit exceeded").withHeader("Retry-After", Long.toString(fault.retryAfter().toSeconds()));
            case SERVER_ERROR -> json(503, "maintenance");
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> json(200, "late").withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            // API.md §2, last note: the edge's HTML page with a success status.
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>Be right back</html>");
            // API.md §1
            case BAD_CREDENTIALS -> json(401, "invalid token");
            case PERMISSION_DENIED -> json(403, "missing scope apps:write");
        }));
    }

    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        return platform.appendEvents(records, malformedAt);
    }

    @Override
    public RawExport exportTelemetry() {
        // API.md §4
        return new RawExport("audit-export.ndjson", "application/x-ndjson", platform.exportNdjson().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public Set<String> identityIds() {
        return platform.appIds();
    }

    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        return platform.state(target.identity().id());
    }

    /** Someone re-activates, in the admin console, what the action switched off. */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        String app = target.identity().id();
        if (target.credential() != null) {
            platform.consoleSetKeyStatus(app, target.credential().id(), "ACTIVE");
        } else {
            platform.consoleSetAppStatus(app, "ACTIVE");
        }
    }

    private static ResponseDefinitionBuilder json(int status, String error) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":" + ExamplePlatformSimulation.q(error) + "}");
    }
}

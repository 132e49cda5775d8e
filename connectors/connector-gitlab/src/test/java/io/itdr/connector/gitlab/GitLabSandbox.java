package io.itdr.connector.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.gitlab.AccountsSimulation;
import io.itdr.fixture.gitlab.AuditEventsSimulation;
import io.itdr.fixture.gitlab.GroupCredentialsSimulation;
import io.itdr.fixture.wiremock.NextCallFault;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.Map;
import io.itdr.fixture.wiremock.StatefulSimulation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One GitLab group's audit events for the conformance kit ({@link AuditEventsSimulation}). Every other request is
 * answered 404 as GitLab answers an unknown resource; faults answer every path in GitLab's error shape
 * (https://docs.gitlab.com/api/rest/troubleshooting/#status-codes, https://docs.gitlab.com/security/rate_limits/).
 * Seeded events are project access token creations by a project bot, a minute apart; the export is JSON Lines.
 */
final class GitLabSandbox implements Sandbox, AutoCloseable {
    static final String GROUP = "4242";
    private static final Instant FIRST_EVENT = TestingConnectorContext.NOW.minus(Duration.ofHours(4));

    static final long SERVICE_ACCOUNT = 91;
    static final String PROJECT = "12";
    static final String TOKEN_ID = "3301";
    static final String ROTATED_TOKEN_ID = "3302";
    static final long DEPLOY_KEY = 77;
    static final String DESTINATION = "gitlab-variable:project/" + PROJECT + "/DEPLOY_TOKEN";
    static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGl0ZHItc2FuZGJveC1kZXBsb3kta2V5LTc3IGZvciB0ZXN0cw deploy@ci";
    private final AuditEventsSimulation auditEvents;
    private final AccountsSimulation accounts;
    private final GroupCredentialsSimulation credentials;
    private final WireMockServer server;
    /** One fault on the next mutating call, for the kit's checks of faults on actions. */
    private final NextCallFault nextCall = new NextCallFault();
    private int seeded;

    GitLabSandbox(String token) {
        auditEvents = new AuditEventsSimulation(GROUP, Set.of(token));
        accounts = new AccountsSimulation(Set.of(token));
        credentials = new GroupCredentialsSimulation(GROUP, Set.of(token));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(auditEvents, accounts, credentials, nextCall));
        server.start();
        reset();
    }

    /** The users, tokens, deploy keys and variables the actions change; change them synchronized on it. */
    AccountsSimulation accounts() {
        return accounts;
    }

    WireMockServer server() {
        return server;
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
        nextCall.disarm();
        auditEvents.clear();
        seeded = 0;
        auditEvents.stub(server);
        accounts.stub(server);
        credentials.stub(server);
        synchronized (credentials) {
            credentials.clear();
            credentials.accessTokens.add(GroupCredentialsSimulation.accessToken(501, "release-bot", 1201, 40, "2026-06-01", "2026-02-28T10:00:00Z",
                    "api", "write_repository"));
            credentials.accessTokens.add(GroupCredentialsSimulation.accessToken(502, "reader", 1202, 20, "2026-05-01", null, "read_api"));
            credentials.deployTokens.add(GroupCredentialsSimulation.deployToken(61, "registry-push", "gitlab+deploy-token-61", "2026-12-31",
                    "read_registry", "write_registry"));
            credentials.serviceAccounts.add(GroupCredentialsSimulation.serviceAccount(SERVICE_ACCOUNT, "service_account_group_4242_6b1c", "ci"));
        }
        synchronized (accounts) {
            accounts.clear();
            accounts.users.put(SERVICE_ACCOUNT, new String[] {"service_account_group_4242_6b1c", "active"});
            accounts.tokens.put(PROJECT + "/" + TOKEN_ID, new String[] {"ci-deploy", "false", "api"});
            accounts.tokens.put(PROJECT + "/" + ROTATED_TOKEN_ID, new String[] {"release", "false", "write_repository"});
            accounts.deployKeys.put(DEPLOY_KEY, new String[] {"ci runner", PUBLIC_KEY});
            accounts.deployKeyLinks.put(PROJECT + "/" + DEPLOY_KEY, "true");
            accounts.variables.put("projects/" + PROJECT + "/DEPLOY_TOKEN", new String[] {"glpat-before-rotation", "true", "true"});
        }
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(AuditEventsSimulation.error(404, "404 Not found")));
    }

    @Override
    public Set<String> identityIds() {
        return Set.of("group/" + GROUP + "/access_token/501", "group/" + GROUP + "/access_token/502", "group/" + GROUP + "/deploy_token/61",
                Long.toString(SERVICE_ACCOUNT));
    }

    static List<ActionRequest> actionRequests() {
        return List.of(
                new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(null, new IdentityRef(Long.toString(SERVICE_ACCOUNT), "service_account",
                        "service_account_group_4242_6b1c"), null), Map.of()),
                new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, new IdentityRef("project/" + PROJECT + "/deploy_key/" + DEPLOY_KEY,
                        "deploy_key", "ci runner"), new CredentialRef(Long.toString(DEPLOY_KEY), "deploy_key")), Map.of()),
                new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(null, new IdentityRef("project/" + PROJECT + "/access_token/" + TOKEN_ID,
                        "project_access_token", "ci-deploy"), new CredentialRef(TOKEN_ID, "project_access_token")), Map.of()),
                new ActionRequest(Rung.ROTATE_CREDENTIAL, new ActionTarget(null, new IdentityRef("project/" + PROJECT + "/access_token/"
                        + ROTATED_TOKEN_ID, "project_access_token", "release"), new CredentialRef(ROTATED_TOKEN_ID, "project_access_token")),
                        Map.of("secret-destination", DESTINATION)));
    }

    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        Map<String, String> state = new java.util.TreeMap<>();
        synchronized (accounts) {
            accounts.users.forEach((id, u) -> state.put("user/" + id, u[1]));
            accounts.tokens.forEach((id, t) -> state.put("token/" + id, t[1]));
            accounts.deployKeyLinks.forEach((link, canPush) -> state.put("deployKeyLink/" + link + "/" + accounts.deployKeys.get(
                    Long.parseLong(link.substring(link.indexOf('/') + 1)))[1].hashCode(), canPush));
            accounts.variables.forEach((key, v) -> state.put("variable/" + key, v[0].hashCode() + " masked=" + v[1]));
        }
        return state;
    }

    /**
     * An administrator unblocks the account; a maintainer adds the deploy key back read-only. For a token there is no such change on GitLab (a revoked token cannot be
     * reactivated); the simulation marks it active again only so that the kit can check that verify reads the platform
     * rather than remembering what execute did.
     */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        synchronized (accounts) {
            if ("service_account".equals(target.identity().kind())) {
                accounts.users.get(SERVICE_ACCOUNT)[1] = "active";
            } else if ("deploy_key".equals(target.identity().kind())) {
                // a maintainer adds the key back read-only
                long id = accounts.deployKeys.entrySet().stream().filter(e -> e.getValue()[1].equals(PUBLIC_KEY)).map(Map.Entry::getKey)
                        .findFirst().orElse(8800L);
                accounts.deployKeys.put(id, new String[] {"ci runner", PUBLIC_KEY});
                accounts.deployKeyLinks.put(PROJECT + "/" + id, "false");
            } else {
                accounts.tokens.get(PROJECT + "/" + target.credential().id())[1] = "false";
            }
        }
    }

    @Override
    public int mutatingCallCount() {
        return (int) StatefulSimulation.received(server).stream().filter(r -> !r.getMethod().equals(RequestMethod.GET)).count();
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount} counts them) meets the fault: throttled
     * before it is carried out, or carried out with its answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        if (fault.applied()) {
            nextCall.afterApplying(GitLabSandbox::mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            nextCall.beforeApplying(GitLabSandbox::mutating, response(new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER)));
        }
    }

    @Override
    public boolean mutatingFaultPending() {
        return nextCall.isArmed();
    }

    private static boolean mutating(Request r) {
        return !r.getMethod().equals(RequestMethod.GET);
    }

    @Override
    public void injectFault(Fault fault) {
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(response(fault)));
    }

    private static ResponseDefinitionBuilder response(Fault fault) {
        return switch (fault.kind()) {
            // https://docs.gitlab.com/security/rate_limits/: 429 with Retry-After and RateLimit-* headers
            case THROTTLED -> AuditEventsSimulation.error(429, "Retry later").withHeader("Retry-After",
                    Long.toString(fault.retryAfter().toSeconds())).withHeader("RateLimit-Remaining", "0");
            case SERVER_ERROR -> AuditEventsSimulation.error(500, "500 Internal Server Error");
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("[]")
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>502 Whoops, GitLab is taking too much time to respond.</body></html>");
            case BAD_CREDENTIALS -> AuditEventsSimulation.error(401, "401 Unauthorized");
            case PERMISSION_DENIED -> AuditEventsSimulation.error(403, "403 Forbidden");
        };
    }

    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> wellFormed = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            seeded++;
            long id = 1000 + seeded;
            Instant at = FIRST_EVENT.plusSeconds(60L * seeded);
            String event = AuditEventsSimulation.tokenEvent(id, at, "acme", 77, "project_12_bot_3f2a", "project_access_token_created");
            if (malformedAt.contains(i)) {
                event = event.replace("\"created_at\":\"" + at + "\"", "\"created_at\":\"not-a-time\"");
            } else {
                wellFormed.add("gitlab-audit-" + id);
            }
            auditEvents.add(id, at, event);
        }
        return wellFormed;
    }

    @Override
    public RawExport exportTelemetry() {
        return new RawExport("gitlab-audit-events.jsonl", "application/x-ndjson",
                (String.join("\n", auditEvents.events()) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}

package io.itdr.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.gitlab.AccountsSimulation;
import io.itdr.fixture.gitlab.AuditEventsSimulation;
import io.itdr.fixture.gitlab.GroupCredentialsSimulation;
import io.itdr.generate.EstateGenerator;
import io.itdr.spi.event.IdentityEvent;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The estate's GitLab group, emulated on one WireMock server for the real GitLab connector to poll and act in: the
 * group's audit events ({@link AuditEventsSimulation}, newest first with {@code X-Next-Page}, as
 * https://docs.gitlab.com/api/audit_events/ gives them) holding the estate's GitLab events, the group's access tokens
 * ({@link GroupCredentialsSimulation}) and the users behind them ({@link AccountsSimulation}: a token's bot user can be
 * blocked and unblocked).
 *
 * <p>Add the events from one thread before {@link #start()}; the server answers on its own threads.
 */
final class GitLabDemoGroup implements AutoCloseable {
    /** The group's numeric id (the connector's scope-id). */
    static final String GROUP_ID = "60";
    /** The demo's token: it opens nothing but this emulation. */
    private static final String TOKEN = "glpat-itdr-demo-emulation-only";

    private final String group;
    private final AuditEventsSimulation auditEvents = new AuditEventsSimulation(GROUP_ID, Set.of(TOKEN));
    private final GroupCredentialsSimulation credentials = new GroupCredentialsSimulation(GROUP_ID, Set.of(TOKEN));
    private final AccountsSimulation accounts = new AccountsSimulation(Set.of(TOKEN));
    private WireMockServer server;
    private long events;
    private int identities;

    GitLabDemoGroup(String group) {
        this.group = group;
    }

    /** Seeds the group with the estate's GitLab identities: each token's bot user, and the token among the group's. */
    void seed(List<EstateGenerator.GeneratedIdentity> estate) {
        for (EstateGenerator.GeneratedIdentity identity : estate) {
            if (identity.platform().equals("gitlab") && identity.ref().kind().endsWith("access_token")) {
                long userId = Long.parseLong(identity.ref().id());
                synchronized (credentials) {
                    credentials.accessTokens.add(GroupCredentialsSimulation.accessToken(Long.parseLong(identity.credentialId()),
                            identity.ref().name(), userId, 40, "2027-06-30", null, "api", "write_repository"));
                }
                synchronized (accounts) {
                    accounts.users.put(userId, new String[] {identity.ref().name(), "active"});
                }
                identities++;
            }
        }
    }

    /** Logs {@code event} (a GitLab event of the estate) among the group's audit events. */
    void add(IdentityEvent event) {
        events++;
        long id = 100_000 + events;
        auditEvents.add(id, event.time(), AuditEventsSimulation.tokenEvent(id, event.time(), group, Long.parseLong(event.identity().id()),
                event.identity().name(), event.action(), event.source().ip()));
    }

    void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(auditEvents, credentials, accounts));
        server.start();
        auditEvents.stub(server);
        credentials.stub(server);
        accounts.stub(server);
        // https://docs.gitlab.com/api/rest/troubleshooting/#status-codes: a route the emulation does not know
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(AuditEventsSimulation.error(404, "404 Not Found")));
    }

    /** The GitLab connector's properties ({@code itdr.connectors.gitlab.*}): the group, the token, the endpoint, a 5 s poll. */
    Map<String, String> properties(String lookback) {
        Map<String, String> p = new LinkedHashMap<>();
        String g = "itdr.connectors.gitlab.";
        p.put(g + "enabled", "true");
        p.put(g + "config.scope", "group");
        p.put(g + "config.scope-id", GROUP_ID);
        p.put(g + "config.token", TOKEN);
        p.put(g + "config.lookback", lookback);
        p.put(g + "endpoints.gitlab", endpoint().toString());
        p.put(g + "poll-interval", "5s");
        return p;
    }

    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    long events() {
        return events;
    }

    int identities() {
        return identities;
    }

    /** The simulated users, for tests that look at what an action changed. */
    AccountsSimulation accounts() {
        return accounts;
    }

    @Override
    public void close() {
        if (server != null && server.isRunning()) {
            server.stop();
        }
    }
}

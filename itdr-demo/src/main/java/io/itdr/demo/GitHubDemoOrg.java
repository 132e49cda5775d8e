package io.itdr.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.github.AuditLogRecords;
import io.itdr.fixture.github.AuditLogSimulation;
import io.itdr.fixture.github.OrgSimulation;
import io.itdr.generate.EstateGenerator;
import io.itdr.spi.event.IdentityEvent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The estate's GitHub organization, emulated on one WireMock server for the real GitHub connector to poll and act in,
 * signed in as a GitHub App the way an operator installs it: the organization audit log ({@link AuditLogSimulation})
 * holding the estate's GitHub events as audit log events ({@link AuditLogRecords#gitEvent}: Git operations with their
 * fine-grained token's {@code token_id} or an installation token's {@code hashed_token}, the caller's IP and country),
 * the organization's apps, repositories, deploy keys and fine-grained token grants ({@link OrgSimulation}), and the two
 * calls that turn the demo app's JWT into an installation token.
 *
 * <p>Add the events from one thread before {@link #start()}; the server answers on its own threads.
 */
final class GitHubDemoOrg implements AutoCloseable {
    /** The demo's own app: it opens nothing but this emulation. */
    static final String APP_ID = "900001";
    static final String INSTALLATION_ID = "900101";
    private static final String INSTALLATION_TOKEN = "ghs_demoInstallationToken00000000000000";
    private static final String JWT = "Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";

    private final String org;
    private final Clock clock;
    private final AuditLogSimulation auditLog;
    private final OrgSimulation inventory;
    private final String privateKey = DemoKeys.rsaPrivateKeyPem();
    private WireMockServer server;
    private long events;
    private int identities;

    GitHubDemoOrg(String org, Clock clock) {
        this.org = org;
        this.clock = clock;
        Set<String> accepted = Set.of("Bearer " + INSTALLATION_TOKEN, "token " + INSTALLATION_TOKEN);
        this.auditLog = new AuditLogSimulation(org, clock::instant, accepted);
        this.inventory = new OrgSimulation(org, accepted);
    }

    /**
     * Seeds the organization with the estate's GitHub identities: the app installations, the fine-grained token grants
     * (with the owner's token id) and the repositories' deploy keys, each repository owned (custom property {@code owner})
     * by the identity's team.
     */
    void seed(List<EstateGenerator.GeneratedIdentity> estate) {
        synchronized (inventory) {
            long next = 1;
            for (EstateGenerator.GeneratedIdentity identity : estate) {
                if (!identity.platform().equals("github")) {
                    continue;
                }
                identities++;
                switch (identity.ref().kind()) {
                    case "github_app" -> {
                        OrgSimulation.Installation i = new OrgSimulation.Installation();
                        i.id = 800_000 + next;
                        i.appId = 700_000 + next;
                        i.appSlug = identity.ref().id().replace("[bot]", "");
                        i.permissions.put("contents", "read");
                        i.permissions.put("deployments", "write");
                        inventory.installations.put(i.id, i);
                    }
                    case "fine_grained_pat" -> {
                        OrgSimulation.PatGrant g = new OrgSimulation.PatGrant();
                        g.id = 600_000 + next;
                        g.owner = identity.ref().id();
                        g.tokenId = Long.parseLong(identity.credentialId());
                        g.tokenName = "release automation";
                        g.repositoryPermissions.put("contents", "write");
                        g.repositoryPermissions.put("metadata", "read");
                        inventory.patGrants.put(g.id, g);
                    }
                    case "deploy_key" -> {
                        String id = identity.ref().id();
                        String repoName = id.substring(id.indexOf('/') + 1, id.indexOf(':'));
                        OrgSimulation.Repo repo = inventory.repos.computeIfAbsent(repoName, n -> new OrgSimulation.Repo());
                        repo.id = 500_000 + next;
                        repo.name = repoName;
                        if (identity.owner() != null) {
                            repo.properties.put("owner", identity.owner());
                        }
                        OrgSimulation.DeployKey key = new OrgSimulation.DeployKey();
                        key.title = identity.ref().name();
                        key.key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + Base64.getEncoder().withoutPadding()
                                .encodeToString(id.getBytes(StandardCharsets.UTF_8)) + " deploy@" + repoName;
                        key.readOnly = false;
                        repo.keys.put(Long.parseLong(identity.credentialId()), key);
                    }
                    default -> identities--;
                }
                next++;
            }
        }
    }

    /** Logs {@code event} (a GitHub event of the estate) in the organization's audit log. */
    void add(IdentityEvent event) {
        boolean app = "github_app".equals(event.identity().kind());
        String credential = event.credential() == null ? null : event.credential().id();
        Long tokenId = !app && credential != null && credential.matches("[0-9]{1,18}") ? Long.valueOf(credential) : null;
        String hashed = credential != null && credential.startsWith("sha256:") ? credential.substring("sha256:".length()) : null;
        String target = event.target() == null ? org + "/" : event.target();
        String repo = target.substring(target.indexOf('/') + 1);
        String json = AuditLogRecords.gitEvent(event.id(), event.time(), event.action(), org, event.identity().id(), app, tokenId, hashed,
                repo, event.source().ip(), event.attributes().getOrDefault("actor_location.country_code", "US"), event.source().userAgent());
        auditLog.add(json, event.time(), event.action().startsWith("git."));
        events++;
    }

    /** Starts the emulation on a free port of 127.0.0.1. */
    void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(auditLog, inventory));
        server.start();
        auditLog.stub(server);
        inventory.stub(server);
        // https://docs.github.com/en/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app
        server.stubFor(get(urlPathEqualTo("/orgs/" + org + "/installation")).atPriority(4).withHeader("Authorization", matching(JWT))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"id\":" + INSTALLATION_ID + ",\"account\":{\"login\":\"" + org + "\",\"type\":\"Organization\"},\"app_id\":"
                                + APP_ID + ",\"app_slug\":\"itdr-demo\",\"target_type\":\"Organization\",\"permissions\":"
                                + "{\"organization_administration\":\"read\",\"organization_personal_access_tokens\":\"write\"},\"events\":[]}")));
        // https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app: an hour-long token
        server.stubFor(post(urlPathEqualTo("/app/installations/" + INSTALLATION_ID + "/access_tokens")).atPriority(4)
                .withHeader("Authorization", matching(JWT))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"token\":\"" + INSTALLATION_TOKEN + "\",\"expires_at\":\"" + clock.instant().plus(Duration.ofDays(3650))
                                + "\",\"permissions\":{\"organization_administration\":\"read\"},\"repository_selection\":\"all\"}")));
        // https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api: a route the emulation does not know
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(AuditLogSimulation.error(404, "Not Found")));
    }

    /** The GitHub connector's properties ({@code itdr.connectors.github.*}): the org, the demo app, the endpoint, a 5 s poll. */
    Map<String, String> properties(String lookback) {
        Map<String, String> p = new LinkedHashMap<>();
        String g = "itdr.connectors.github.";
        p.put(g + "enabled", "true");
        p.put(g + "config.org", org);
        p.put(g + "config.app-id", APP_ID);
        p.put(g + "config.private-key", privateKey);
        p.put(g + "config.installation-id", INSTALLATION_ID);
        p.put(g + "config.lookback", lookback);
        p.put(g + "config.include", "all");
        p.put(g + "endpoints.github", endpoint().toString());
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

    /** The simulated organization, for tests that look at what an action changed. */
    OrgSimulation inventory() {
        return inventory;
    }

    @Override
    public void close() {
        if (server != null && server.isRunning()) {
            server.stop();
        }
    }
}

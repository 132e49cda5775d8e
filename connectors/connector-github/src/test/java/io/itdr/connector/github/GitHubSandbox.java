package io.itdr.connector.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.itdr.fixture.github.AuditLogRecords;
import io.itdr.fixture.github.AppInstallationSimulation;
import io.itdr.fixture.github.AuditLogSimulation;
import io.itdr.fixture.github.OrgSimulation;
import io.itdr.fixture.wiremock.NextCallFault;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.Map;
import io.itdr.fixture.wiremock.StatefulSimulation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * One GitHub organization for the conformance kit, on one WireMock server: its audit log
 * ({@link AuditLogSimulation}) and, for GitHub App sign-in, the installation token endpoints. Every other
 * request is answered 404 {@code {"message":"Not Found"}} as GitHub answers an unknown resource
 * (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api). Faults answer every
 * path in GitHub's error shape. Seeded events are Git clones by the GitHub App {@value #APP}'s installation
 * token, a minute apart; the export is a gzip JSON Lines file as audit log streaming writes to object storage.
 */
final class GitHubSandbox implements Sandbox, AutoCloseable {
    static final String ORG = "itdr-tck";
    static final String APP = "deploy-bot";
    static final String ADMIN_APP = "org-admin-helper";
    static final String REPO = "payments";
    static final long READ_KEY = 8001;
    static final long WRITE_KEY = 8002;
    static final long WORKFLOW = 3001;
    static final String MANAGED_APP_ID = "9001";
    /** Seeded events start here, inside the default lookback (24 h) of the kit's clock. */
    private static final Instant FIRST_EVENT = TestingConnectorContext.NOW.minus(Duration.ofHours(4));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditLogSimulation auditLog;
    private final OrgSimulation orgModel;
    /** The organization's own app {@value #APP} as it reaches its installation with its JWT (managed-app-id {@value #MANAGED_APP_ID}). */
    private final AppInstallationSimulation managedApp = new AppInstallationSimulation(ORG, MANAGED_APP_ID, APP, 101);
    private final boolean appMode;
    private final WireMockServer server;
    /** One fault on the next mutating call, for the kit's checks of faults on actions. */
    private final NextCallFault nextCall = new NextCallFault();
    private final List<Runnable> extraStubs = new ArrayList<>();
    private int seeded;

    /**
     * @param authorization the {@code Authorization} header the organization accepts ({@code Bearer <token>})
     * @param appMode       whether the connector signs in as a GitHub App, so that it also lists fine-grained token grants
     */
    GitHubSandbox(String authorization, boolean appMode) {
        this.appMode = appMode;
        auditLog = new AuditLogSimulation(ORG, () -> TestingConnectorContext.NOW, Set.of(authorization));
        orgModel = new OrgSimulation(ORG, Set.of(authorization));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(auditLog, orgModel, nextCall, managedApp));
        server.start();
        reset();
    }

    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    WireMockServer server() {
        return server;
    }

    AuditLogSimulation auditLog() {
        return auditLog;
    }

    /** Stubs added again after every reset (e.g. the app's token endpoints). */
    void alsoStub(Runnable stubs) {
        extraStubs.add(stubs);
        stubs.run();
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public void reset() {
        server.resetAll();
        nextCall.disarm();
        auditLog.clear();
        seeded = 0;
        auditLog.stub(server);
        orgModel.stub(server);
        managedApp.stub(server);
        synchronized (managedApp) {
            managedApp.suspendedAt = null;
        }
        seedEstate();
        extraStubs.forEach(Runnable::run);
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(AuditLogSimulation.error(404, "Not Found")));
    }

    /**
     * The estate: the apps {@value #APP} (contents write) and {@value #ADMIN_APP} (administration write, suspended);
     * repository {@value #REPO} (topics owner-platform-team, criticality-tier1; custom properties criticality=tier0,
     * data_class=pci) with a read-only deploy key
     * {@value #READ_KEY} and a write key {@value #WRITE_KEY}; and two fine-grained tokens of mona granted on the org.
     */
    private void seedEstate() {
        synchronized (orgModel) {
            orgModel.clear();
            OrgSimulation.Installation deploy = new OrgSimulation.Installation();
            deploy.id = 101;
            deploy.appId = 9001;
            deploy.appSlug = APP;
            deploy.permissions.put("contents", "write");
            deploy.permissions.put("metadata", "read");
            orgModel.installations.put(deploy.id, deploy);
            OrgSimulation.Installation admin = new OrgSimulation.Installation();
            admin.id = 102;
            admin.appId = 9002;
            admin.appSlug = ADMIN_APP;
            admin.permissions.put("administration", "write");
            admin.suspendedAt = Instant.parse("2026-02-01T00:00:00Z");
            orgModel.installations.put(admin.id, admin);
            OrgSimulation.Repo repo = new OrgSimulation.Repo();
            repo.id = 77;
            repo.name = REPO;
            repo.topics.addAll(List.of("owner-platform-team", "criticality-tier1"));
            // a custom property outranks the topic; no 'owner' property, so the owner comes from the topic
            repo.properties.put("criticality", "tier0");
            repo.properties.put("data_class", "pci");
            OrgSimulation.DeployKey read = new OrgSimulation.DeployKey();
            read.title = "ci-readonly";
            read.key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJlYWRvbmx5LWtleS1mb3ItdGNrLXRlc3Q=";
            read.readOnly = true;
            repo.keys.put(READ_KEY, read);
            OrgSimulation.DeployKey write = new OrgSimulation.DeployKey();
            write.title = "release-push";
            write.key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdyaXRlLWtleS1mb3ItdGNrLXRlc3QtMTIz";
            write.readOnly = false;
            write.lastUsed = Instant.parse("2026-02-28T22:00:00Z");
            repo.keys.put(WRITE_KEY, write);
            OrgSimulation.Workflow workflow = new OrgSimulation.Workflow();
            workflow.name = "deploy";
            workflow.path = ".github/workflows/deploy.yml";
            repo.workflows.put(WORKFLOW, workflow);
            orgModel.repos.put(repo.name, repo);
            orgModel.actionsSecrets.put("AWS_DEPLOY_ROLE", Instant.parse("2025-11-02T10:00:00Z"));
            orgModel.actionsSecrets.put("NPM_TOKEN", Instant.parse("2025-12-24T18:30:00Z"));
            orgModel.defaultWorkflowPermissions = "write";
            for (long i = 1; i <= 2; i++) {
                OrgSimulation.PatGrant grant = new OrgSimulation.PatGrant();
                grant.id = 500 + i;
                grant.owner = "mona";
                grant.tokenId = 7000 + i;
                grant.tokenName = "automation-" + i;
                grant.repositoryPermissions.put("contents", i == 1 ? "read" : "write");
                grant.expiresAt = Instant.parse("2026-06-01T00:00:00Z");
                orgModel.patGrants.put(grant.id, grant);
            }
        }
    }

    @Override
    public Set<String> identityIds() {
        Set<String> ids = new java.util.TreeSet<>(Set.of(APP + "[bot]", ADMIN_APP + "[bot]", ORG + "/" + REPO + ":deploy_key:" + READ_KEY,
                ORG + "/" + REPO + ":deploy_key:" + WRITE_KEY, ORG + ":actions"));
        if (appMode) {
            ids.add("mona");
        }
        return ids;
    }

    /** One request per rung the connector offers in this sign-in mode. */
    List<ActionRequest> actionRequests() {
        List<ActionRequest> requests = new ArrayList<>(List.of(
                new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(ORG, new IdentityRef(ORG + "/" + REPO + ":workflow:" + WORKFLOW,
                        "workflow", "deploy"), null), Map.of()),
                new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(ORG, new IdentityRef(ORG + "/" + REPO + ":deploy_key:" + WRITE_KEY,
                        "deploy_key", "release-push"), new CredentialRef(Long.toString(WRITE_KEY), "deploy_key")), Map.of())));
        if (appMode) {
            requests.add(new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(ORG, new IdentityRef(APP + "[bot]", "github_app", APP), null),
                    Map.of()));
            requests.add(new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(ORG, new IdentityRef("mona", "fine_grained_pat", "mona"),
                    new CredentialRef("7002", "fine_grained_pat")), Map.of()));
        }
        return requests;
    }

    /** The model's view of what an action on {@code target} touches: the workflow's state, the repository's keys, the owner's grants. */
    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        Map<String, String> state = new java.util.TreeMap<>();
        synchronized (orgModel) {
            OrgSimulation.Repo repo = orgModel.repos.get(REPO);
            repo.workflows.forEach((id, w) -> state.put("workflow/" + id, w.state));
            repo.keys.forEach((id, k) -> state.put("key/" + k.key, "id=" + id + " read_only=" + k.readOnly + " title=" + k.title));
            orgModel.patGrants.forEach((id, g) -> state.put("grant/" + g.owner + "/" + g.tokenId, "id=" + id + " " + g.repositoryPermissions));
        }
        synchronized (managedApp) {
            state.put("installation/" + managedApp.installationId, String.valueOf(managedApp.suspendedAt));
        }
        return state;
    }

    /** What an owner would do: enable the workflow again, re-add the key, approve the token's new request. */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        synchronized (orgModel) {
            OrgSimulation.Repo repo = orgModel.repos.get(REPO);
            String kind = target.identity().kind();
            if ("github_app".equals(kind)) {
                synchronized (managedApp) {
                    managedApp.suspendedAt = null; // an owner unsuspends it
                }
            } else if ("workflow".equals(kind)) {
                repo.workflows.get(WORKFLOW).state = "active";
            } else if ("deploy_key".equals(kind)) {
                OrgSimulation.DeployKey again = new OrgSimulation.DeployKey();
                again.title = "release-push (re-added by an admin)";
                again.key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHdyaXRlLWtleS1mb3ItdGNrLXRlc3QtMTIz";
                again.readOnly = false;
                repo.keys.put(8999L, again);
            } else {
                OrgSimulation.PatGrant grant = new OrgSimulation.PatGrant();
                grant.id = 599;
                grant.owner = "mona";
                grant.tokenId = Long.parseLong(target.credential().id());
                grant.tokenName = "automation-2";
                grant.repositoryPermissions.put("contents", "write");
                orgModel.patGrants.put(grant.id, grant);
            }
        }
    }

    @Override
    public int mutatingCallCount() {
        return (int) StatefulSimulation.received(server).stream()
                .filter(r -> !r.getMethod().equals(RequestMethod.GET) && !r.getMethod().equals(RequestMethod.HEAD))
                // buying a token changes nothing in the org; suspending an installation does
                .filter(r -> !r.getUrl().startsWith("/app/installations/") || r.getUrl().endsWith("/suspended"))
                .count();
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount} counts them) meets the fault: throttled
     * before it is carried out, or carried out with its answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        if (fault.applied()) {
            nextCall.afterApplying(GitHubSandbox::mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            nextCall.beforeApplying(GitHubSandbox::mutating, response(new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER)));
        }
    }

    @Override
    public boolean mutatingFaultPending() {
        return nextCall.isArmed();
    }

    private static boolean mutating(Request r) {
        return !r.getMethod().equals(RequestMethod.GET) && !r.getMethod().equals(RequestMethod.HEAD)
                && !r.getUrl().startsWith("/app/installations/");
    }

    @Override
    public void injectFault(Fault fault) {
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(response(fault)));
    }

    private static ResponseDefinitionBuilder response(Fault fault) {
        return switch (fault.kind()) {
            // https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits:
            // a secondary rate limit is a 403 (or 429) with retry-after
            case THROTTLED -> AuditLogSimulation.error(403, "You have exceeded a secondary rate limit. Please wait a few minutes before "
                    + "you try again.").withHeader("retry-after", Long.toString(fault.retryAfter().toSeconds()));
            case SERVER_ERROR -> AuditLogSimulation.error(502, "Server Error");
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("[]")
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            // a proxy's maintenance page with a success status
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>Unicorn! We're having a really bad day.</body></html>");
            case BAD_CREDENTIALS -> AuditLogSimulation.error(401, "Bad credentials");
            // https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#resource-not-accessible
            case PERMISSION_DENIED -> AuditLogSimulation.error(403, "Resource not accessible by integration")
                    .withHeader("x-ratelimit-remaining", "4999");
        };
    }

    /** Git clones by the app's installation token, a minute apart; a malformed record's time is not a time. */
    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> wellFormed = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            seeded++;
            String id = String.format("tck-doc-%04d", seeded);
            Instant at = FIRST_EVENT.plusSeconds(60L * seeded).plusMillis(seeded);
            String event = AuditLogRecords.appClone(id, at, ORG, APP, "service-" + (seeded % 3), "c2hhMjU2LXRjaw==", "203.0.113." + seeded);
            if (malformedAt.contains(i)) {
                try {
                    ObjectNode broken = (ObjectNode) JSON.readTree(event);
                    broken.put("@timestamp", "not-a-time");
                    broken.remove("created_at");
                    event = broken.toString();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                wellFormed.add(id);
            }
            auditLog.add(event, at, true);
        }
        return wellFormed;
    }

    @Override
    public RawExport exportTelemetry() {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            for (String event : auditLog.events()) {
                out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RawExport("audit-logs/2026/03/01/08/00/stream-0001.json.gz", "application/gzip", gz.toByteArray());
    }
}

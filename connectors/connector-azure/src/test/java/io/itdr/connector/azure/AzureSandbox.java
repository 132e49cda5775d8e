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
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.azure.ArmAuthorizationSandbox;
import io.itdr.fixture.azure.DirectorySandbox;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.fixture.wiremock.NextCallFault;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    static final String GRAPH_SP = "9a2c4f1e-0000-4000-8000-00000000a001";
    static final String BACKUP_MI = "a8b4c2d0-aaaa-4bbb-8ccc-ddddeeeeffff";
    static final String REPORTS_SP = "7d1e5c3b-1111-4222-8333-444455556666";
    static final String BILLING_APP_OBJECT = "1f0e2d3c-5b4a-4978-8675-a4b3c2d1e0f9";
    static final String REPORTS_APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
    static final String ROLE_MANAGEMENT = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8";
    static final String AUDIT_LOG_READ = "b0afded3-3588-46d8-8b3d-9842eff778da";
    private static final String MICROSOFT_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

    private final GraphLogSandbox logs;
    private final DirectorySandbox directory;
    private final ArmAuthorizationSandbox rbac;
    private final io.itdr.fixture.azure.ConditionalAccessSandbox conditionalAccess;
    private final WireMockServer server;
    /** One fault on the next mutating call, for the kit's checks of faults on actions. */
    private final NextCallFault nextCall = new NextCallFault();
    private int seeded;

    /** @param token the bearer token Graph accepts */
    AzureSandbox(String token) {
        logs = new GraphLogSandbox(Set.of("Bearer " + token));
        directory = new DirectorySandbox(Set.of("Bearer " + token));
        rbac = new ArmAuthorizationSandbox(Set.of("Bearer " + token));
        conditionalAccess = new io.itdr.fixture.azure.ConditionalAccessSandbox(Set.of("Bearer " + token));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(logs, directory, rbac, conditionalAccess, nextCall));
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
        nextCall.disarm();
        logs.clear();
        seeded = 0;
        logs.stub(server);
        directory.stub(server);
        rbac.stub(server);
        synchronized (conditionalAccess) {
            conditionalAccess.clear();
        }
        conditionalAccess.stub(server);
        seedDirectory();
        seedRoleAssignments();
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(GraphLogSandbox.error(404, "Request_ResourceNotFound",
                "Resource does not exist or one of its queried reference-property objects are not present.")));
    }

    DirectorySandbox directory() {
        return directory;
    }

    ArmAuthorizationSandbox rbac() {
        return rbac;
    }

    io.itdr.fixture.azure.ConditionalAccessSandbox conditionalAccess() {
        return conditionalAccess;
    }

    static final String SUBSCRIPTION = "2d6b0d8e-1c3f-4a5b-9c7d-8e9f0a1b2c3d";

    /**
     * Azure RBAC of subscription {@link #SUBSCRIPTION}: billing-exporter is Owner of the subscription and Key Vault Secrets
     * User on a vault, and Reader through a management group (inherited, not removable here); vm-backup is Contributor of a
     * resource group.
     */
    private void seedRoleAssignments() {
        synchronized (rbac) {
            rbac.assignments.clear();
            rbac.pageSize = 100;
            String sub = "/subscriptions/" + SUBSCRIPTION;
            rbac.add(new ArmAuthorizationSandbox.Assignment("0b5a4c3d-1111-4e2f-8a9b-000000000001", sub, ArmAuthorizationSandbox.OWNER,
                    SERVICE_PRINCIPAL, "ServicePrincipal", null, "billing export writes cost reports"));
            rbac.add(new ArmAuthorizationSandbox.Assignment("0b5a4c3d-1111-4e2f-8a9b-000000000002", sub
                    + "/resourceGroups/billing-rg/providers/Microsoft.KeyVault/vaults/billing-kv", ArmAuthorizationSandbox.KEY_VAULT_SECRETS_USER,
                    SERVICE_PRINCIPAL, "ServicePrincipal", null, null));
            rbac.add(new ArmAuthorizationSandbox.Assignment("0b5a4c3d-1111-4e2f-8a9b-000000000003",
                    "/providers/Microsoft.Management/managementGroups/contoso-root", ArmAuthorizationSandbox.READER, SERVICE_PRINCIPAL,
                    "ServicePrincipal", null, null));
            rbac.add(new ArmAuthorizationSandbox.Assignment("0b5a4c3d-1111-4e2f-8a9b-000000000004", sub + "/resourceGroups/backup-rg",
                    ArmAuthorizationSandbox.CONTRIBUTOR, BACKUP_MI, "ServicePrincipal", null, null));
        }
    }

    /**
     * The estate: Microsoft Graph's own service principal (Microsoft's, not listed) offering two app roles;
     * billing-exporter, an app of this tenant with a client secret and a certificate on its registration,
     * granted RoleManagement.ReadWrite.Directory (dangerous) and tagged owner and criticality; vm-backup, a
     * system-assigned managed identity; reports-export, an app with a federated identity credential and its
     * owner in the notes.
     */
    private void seedDirectory() {
        synchronized (directory) {
            directory.clear();
            DirectorySandbox.ServicePrincipal graph = new DirectorySandbox.ServicePrincipal();
            graph.id = GRAPH_SP;
            graph.appId = "00000003-0000-0000-c000-000000000000";
            graph.displayName = "Microsoft Graph";
            graph.appOwnerOrganizationId = MICROSOFT_TENANT;
            graph.appRoles.put(ROLE_MANAGEMENT, "RoleManagement.ReadWrite.Directory");
            graph.appRoles.put(AUDIT_LOG_READ, "AuditLog.Read.All");
            directory.servicePrincipals.put(graph.id, graph);

            DirectorySandbox.ServicePrincipal billing = new DirectorySandbox.ServicePrincipal();
            billing.id = SERVICE_PRINCIPAL;
            billing.appId = APP;
            billing.displayName = "billing-exporter";
            billing.appOwnerOrganizationId = TENANT;
            billing.tags.addAll(List.of("WindowsAzureActiveDirectoryIntegratedApp", "owner:billing-team", "criticality:tier1"));
            billing.owners.put("u-0001", "alice@contoso.example");
            billing.appRoleAssignments.add(new String[] {GRAPH_SP, ROLE_MANAGEMENT});
            billing.appRoleAssignments.add(new String[] {GRAPH_SP, AUDIT_LOG_READ});
            directory.servicePrincipals.put(billing.id, billing);
            DirectorySandbox.Application billingApp = new DirectorySandbox.Application();
            billingApp.id = BILLING_APP_OBJECT;
            billingApp.appId = APP;
            billingApp.displayName = "billing-exporter";
            billingApp.passwordCredentials.add(new DirectorySandbox.Credential(KEY, "ci", "2025-06-01T00:00:00Z",
                    "2027-06-01T00:00:00Z", null));
            billingApp.keyCredentials.add(new DirectorySandbox.Credential("c3d4e5f6-0000-4000-8000-0000000000c1", "CN=billing",
                    "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "AsymmetricX509Cert"));
            directory.applications.put(billingApp.id, billingApp);

            DirectorySandbox.ServicePrincipal backup = new DirectorySandbox.ServicePrincipal();
            backup.id = BACKUP_MI;
            backup.appId = "9d1e3a4f-1111-4222-8333-444455556666";
            backup.displayName = "vm-backup";
            backup.servicePrincipalType = "ManagedIdentity";
            backup.directoryRoles.add("Directory Readers");
            directory.servicePrincipals.put(backup.id, backup);

            DirectorySandbox.ServicePrincipal reports = new DirectorySandbox.ServicePrincipal();
            reports.id = REPORTS_SP;
            reports.appId = REPORTS_APP;
            reports.displayName = "reports-export";
            reports.appOwnerOrganizationId = TENANT;
            directory.servicePrincipals.put(reports.id, reports);
            DirectorySandbox.Application reportsApp = new DirectorySandbox.Application();
            reportsApp.id = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
            reportsApp.appId = REPORTS_APP;
            reportsApp.displayName = "reports-export";
            reportsApp.notes = "nightly reports\nowner: data-team";
            reportsApp.federatedIdentityCredentials.put("fic-0001", new String[] {"github-main",
                    "https://token.actions.githubusercontent.com", "repo:contoso/reports:ref:refs/heads/main"});
            directory.applications.put(reportsApp.id, reportsApp);
        }
    }

    /** The tenant's own apps' service principals and its managed identities. */
    @Override
    public Set<String> identityIds() {
        return Set.of(SERVICE_PRINCIPAL, BACKUP_MI, REPORTS_SP);
    }

    /**
     * disable_identity of the billing-exporter service principal; disable_credential (irreversible) of its app's secret;
     * quarantine_session (compensable) of its Graph application permissions.
     */
    static List<ActionRequest> actionRequests() {
        IdentityRef billing = new IdentityRef(SERVICE_PRINCIPAL, "service_principal", "billing-exporter");
        return List.of(new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(TENANT, billing, null), Map.of()),
                new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(TENANT, billing, null), Map.of()),
                new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(TENANT, billing,
                        new io.itdr.spi.event.CredentialRef(KEY, "client_secret")), Map.of()));
    }

    /** What the Entra admin center shows of the target service principal: whether it is enabled, its credentials. */
    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        synchronized (directory) {
            DirectorySandbox.ServicePrincipal sp = directory.servicePrincipals.get(target.identity().id());
            if (sp == null) {
                throw new IllegalArgumentException("no service principal " + target.identity().id());
            }
            Map<String, String> state = new TreeMap<>();
            state.put("accountEnabled", Boolean.toString(sp.accountEnabled));
            sp.passwordCredentials.forEach(c -> state.put("password/" + c.keyId(), c.end()));
            sp.keyCredentials.forEach(c -> state.put("key/" + c.keyId(), c.end()));
            sp.appRoleAssignments.forEach(a -> state.put("appRole/" + a[0] + "/" + a[1], "assigned"));
            directory.applications.values().stream().filter(a -> a.appId.equals(sp.appId)).forEach(a -> {
                a.passwordCredentials.forEach(c -> state.put("app/password/" + c.keyId(), c.end()));
                a.keyCredentials.forEach(c -> state.put("app/key/" + c.keyId(), c.end()));
            });
            return state;
        }
    }

    /**
     * An administrator re-enables the service principal in the admin center; after a secret's removal (which
     * cannot be undone), an administrator adds a new secret to the app registration (addPassword); after its
     * application permissions were removed, an administrator grants RoleManagement.ReadWrite.Directory again.
     */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        synchronized (directory) {
            DirectorySandbox.ServicePrincipal sp = directory.servicePrincipals.get(target.identity().id());
            if (sp == null) {
                throw new IllegalStateException("no service principal " + target.identity().id());
            }
            if (target.credential() != null) {
                directory.applications.values().stream().filter(a -> a.appId.equals(sp.appId)).findFirst().orElseThrow()
                        .passwordCredentials.add(new DirectorySandbox.Credential("e7f8a9b0-0000-4000-8000-0000000000e1", "re-added",
                                "2026-03-01T12:00:00Z", "2027-03-01T12:00:00Z", null));
            } else if (!sp.accountEnabled) {
                sp.accountEnabled = true;
            } else if (sp.appRoleAssignments.isEmpty()) {
                sp.appRoleAssignments.add(new String[] {GRAPH_SP, ROLE_MANAGEMENT, "ara-granted-by-admin"});
            } else {
                throw new IllegalStateException("nothing contained on " + target + " to undo");
            }
        }
    }

    /** Every request but a GET: the PATCHes of actions (polling, inventory and the health check only read). */
    @Override
    public int mutatingCallCount() {
        return (int) server.findAll(anyRequestedFor(anyUrl())).stream().filter(r -> !r.getMethod().equals(RequestMethod.GET)).count();
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount} counts them) meets the fault: throttled
     * before it is carried out, or carried out with its answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        if (fault.applied()) {
            nextCall.afterApplying(AzureSandbox::mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            nextCall.beforeApplying(AzureSandbox::mutating, response(new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER)));
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

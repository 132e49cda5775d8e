package io.itdr.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.azure.ArmAuthorizationSandbox;
import io.itdr.fixture.azure.DirectorySandbox;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.fixture.azure.TokenEndpointSandbox;
import io.itdr.generate.EstateGenerator;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The estate's Microsoft Entra tenant and Azure subscription, emulated on one WireMock server for the real Azure
 * connector to poll and act in:
 * <ul>
 *   <li>Graph's logs ({@link GraphLogSandbox}): the estate's Azure events as service principal sign-ins in the beta sign-in
 *       log ({@code GET /beta/auditLogs/signIns} with the {@code signInEventTypes} filter, newest first, {@code @odata.nextLink}
 *       paging) and its privilege changes as directory audits ({@code GET /v1.0/auditLogs/directoryAudits});</li>
 *   <li>Graph's directory ({@link DirectorySandbox}): the estate's service principals and their app registrations, each
 *       with its client secret (the key id the sign-ins name), owner in the notes and criticality in the tags, as the
 *       connector's inventory reads them, and {@code accountEnabled} for disable_identity;</li>
 *   <li>Azure RBAC in Resource Manager ({@link ArmAuthorizationSandbox}): each service principal's role assignments in the
 *       demo subscription (Reader and Key Vault Secrets User on its resource group), which quarantine_session removes and
 *       a rollback re-creates;</li>
 *   <li>Entra's token endpoint ({@link TokenEndpointSandbox}) on the server's https port, where the connector's Azure
 *       Identity client secret credential signs in (Azure Identity refuses an http authority). Its certificate is a key
 *       for 127.0.0.1 made by the JDK's keytool once per JVM, which the JVM's default trust store is set to
 *       ({@code javax.net.ssl.trustStore}): the demo's JVM trusts nothing else, and talks only to its emulations.</li>
 * </ul>
 *
 * <p>How an estate event becomes a record. Entra logs a service principal's sign-in when it issues a token; the estate
 * is a stream of calls, so the demo tenant logs each call as a sign-in of the service principal for the resource the
 * call is made to (an {@code Microsoft.Storage/…} call: Azure Storage; {@code Microsoft.KeyVault/…}: Azure Key Vault;
 * Graph calls and token requests: Microsoft Graph), from the call's address, and every call of one session carries
 * that session's token as {@code uniqueTokenIdentifier}, the id Graph activity logs ({@code SignInActivityId}) and
 * Azure Activity log claims ({@code uti}) give each call made with a token. A real tenant's sign-in log is sparser (one
 * record per token, not per call); the replayed token then shows in the resource logs, which this demo does not
 * emulate. Privilege changes become directory audits of the role assignment. Failed calls are failed sign-ins.
 *
 * <p>Add the events from one thread before {@link #start()}; the server answers on its own threads.
 */
final class AzureDemoTenant implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The directory (tenant) id of the estate's tenant, contoso.onmicrosoft.com. */
    static final String TENANT_ID = "8d2f4c1e-5b3a-4e6f-9a0b-1c2d3e4f5a6b";
    /** The estate's Azure subscription, whose role assignments quarantine_session removes. */
    static final String SUBSCRIPTION = "3c1e5a7b-2d4f-4a6b-8c9d-0e1f2a3b4c5d";
    /** The app registration the demo's connector signs in as; its secret opens nothing but this emulation. */
    static final String CONNECTOR_CLIENT_ID = "5e7a9c1b-3d5f-4b7d-9e1f-2a4c6e8a0b2d";
    static final String CONNECTOR_CLIENT_SECRET = "itdr-demo-emulation-only-azure-secret";
    private static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhdWQiOiJpdGRyLWRlbW8ifQ.itdr-demo";
    private static final String TLS_PASSWORD = "itdr-demo-tls";
    /** https://learn.microsoft.com/en-us/troubleshoot/azure/active-directory/verify-first-party-apps-sign-in (their application ids) */
    private static final Map<String, String[]> RESOURCES = Map.of(
            "Microsoft.Storage", new String[]{"Azure Storage", "e406a681-f3d4-42a8-90b6-c2b029497af1"},
            "Microsoft.KeyVault", new String[]{"Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"},
            "Microsoft.Graph", new String[]{"Microsoft Graph", "00000003-0000-0000-c000-000000000000"});
    private static Path trustedKey;

    private final Set<String> bearer = Set.of("Bearer " + ACCESS_TOKEN);
    private final GraphLogSandbox logs = new GraphLogSandbox(bearer);
    private final DirectorySandbox directory = new DirectorySandbox(bearer);
    private final ArmAuthorizationSandbox arm = new ArmAuthorizationSandbox(bearer);
    private final TokenEndpointSandbox entra = new TokenEndpointSandbox(TENANT_ID, ACCESS_TOKEN);
    private final Map<String, String> appIds = new LinkedHashMap<>();
    private WireMockServer server;
    private long signIns;
    private long audits;

    /**
     * Seeds the directory with the estate's Azure service principals, each with its app registration (holding the
     * client secret), owner ({@code owner: <team>} in the notes; none for an orphan) and criticality
     * ({@code criticality:<tier>} tag), and their role assignments in the subscription.
     *
     * @param criticalities identity id → tier0..tier3, as the catalog states them
     */
    void seed(List<EstateGenerator.GeneratedIdentity> identities, Map<String, String> criticalities) {
        synchronized (directory) {
            for (EstateGenerator.GeneratedIdentity identity : identities) {
                if (!identity.platform().equals("azure") || !"service_principal".equals(identity.ref().kind())) {
                    continue;
                }
                String objectId = identity.ref().id();
                String appId = guid("app", objectId);
                appIds.put(objectId, appId);
                // https://learn.microsoft.com/en-us/graph/api/resources/application: notes, tags, passwordCredentials
                DirectorySandbox.Application app = new DirectorySandbox.Application();
                app.id = guid("application", objectId);
                app.appId = appId;
                app.displayName = identity.ref().name();
                app.notes = identity.owner() == null ? null : "owner: " + identity.owner();
                if (identity.credentialId() != null) {
                    app.passwordCredentials.add(new DirectorySandbox.Credential(identity.credentialId(), identity.ref().name() + "-secret",
                            "2026-01-01T00:00:00Z", "2027-12-31T00:00:00Z", null));
                }
                directory.applications.put(app.id, app);
                // https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal
                DirectorySandbox.ServicePrincipal sp = new DirectorySandbox.ServicePrincipal();
                sp.id = objectId;
                sp.appId = appId;
                sp.displayName = identity.ref().name();
                sp.appOwnerOrganizationId = TENANT_ID;
                sp.notes = app.notes;
                String tier = criticalities.get(objectId);
                if (tier != null) {
                    sp.tags.add("criticality:" + tier);
                }
                directory.servicePrincipals.put(sp.id, sp);
                String group = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg-" + identity.ref().name();
                synchronized (arm) {
                    arm.add(new ArmAuthorizationSandbox.Assignment(guid("reader", objectId), group, ArmAuthorizationSandbox.READER,
                            objectId, "ServicePrincipal", null, "the workload reads its resource group"));
                    arm.add(new ArmAuthorizationSandbox.Assignment(guid("secrets", objectId), group,
                            ArmAuthorizationSandbox.KEY_VAULT_SECRETS_USER, objectId, "ServicePrincipal", null, "the workload reads its vault's secrets"));
                }
            }
        }
    }

    /** Logs {@code event} (an Azure event of the estate): a privilege change as a directory audit, anything else as a sign-in. */
    void add(IdentityEvent event) {
        if (event.category() == EventCategory.PRIVILEGE_CHANGE) {
            logs.addAudit(directoryAudit(event), event.time());
            audits++;
        } else {
            logs.addSignIn(signIn(event), event.time(), Set.of("servicePrincipal"));
            signIns++;
        }
    }

    /**
     * A service principal sign-in as the beta {@code signIn} resource describes it
     * (https://learn.microsoft.com/en-us/graph/api/resources/signin?view=graph-rest-beta): the app and its service
     * principal, the key id of the client secret used ({@code servicePrincipalCredentialKeyId},
     * {@code clientCredentialType}), the resource, the address, its ASN and location
     * (https://learn.microsoft.com/en-us/graph/api/resources/signinlocation?view=graph-rest-beta), the token
     * ({@code uniqueTokenIdentifier}), the status (https://learn.microsoft.com/en-us/graph/api/resources/signinstatus?view=graph-rest-beta:
     * errorCode 0 on success; a failure with AADSTS7000215, an invalid client secret,
     * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes).
     */
    private String signIn(IdentityEvent event) {
        String objectId = event.identity().id();
        String name = event.identity().name() == null ? objectId : event.identity().name();
        String[] resource = resource(event.action());
        ObjectNode s = JSON.createObjectNode();
        s.put("id", guid("signIn", event.id()));
        s.put("createdDateTime", event.time().toString());
        s.put("appId", appIds.getOrDefault(objectId, guid("app", objectId)));
        s.put("appDisplayName", name);
        s.put("correlationId", guid("correlation", event.id()));
        Source source = event.source();
        if (source.ip() != null) {
            s.put("ipAddress", source.ip());
        }
        if (source.asn() != null) {
            s.put("autonomousSystemNumber", source.asn());
        }
        if (source.userAgent() != null) {
            s.put("userAgent", source.userAgent());
        }
        s.put("resourceDisplayName", resource[0]);
        s.put("resourceId", resource[1]);
        s.put("resourceTenantId", TENANT_ID);
        s.put("homeTenantId", TENANT_ID);
        s.put("servicePrincipalId", objectId);
        s.put("servicePrincipalName", name);
        if (event.credential() != null) {
            s.put("servicePrincipalCredentialKeyId", event.credential().id());
            s.put("clientCredentialType", "clientSecret");
        }
        if (event.session() != null && event.session().replayKey() != null) {
            s.put("uniqueTokenIdentifier", tokenIdentifier(event.session().replayKey()));
        }
        s.put("isInteractive", false);
        s.putArray("signInEventTypes").add("servicePrincipal");
        s.put("authenticationProtocol", "none");
        s.put("conditionalAccessStatus", "notApplied");
        s.put("riskState", "none");
        s.put("riskLevelDuringSignIn", "none");
        ObjectNode status = s.putObject("status");
        if (event.outcome() == Outcome.FAILURE) {
            status.put("errorCode", 7000215).put("failureReason", "Invalid client secret provided.");
        } else {
            status.put("errorCode", 0).putNull("failureReason");
        }
        Geo geo = source.geo();
        if (geo != null) {
            ObjectNode location = s.putObject("location");
            location.put("city", geo.city()).put("state", geo.region()).put("countryOrRegion", geo.country());
            if (geo.lat() != null) {
                location.putObject("geoCoordinates").put("latitude", geo.lat()).put("longitude", geo.lon());
            }
        }
        return s.toString();
    }

    /**
     * A privilege change as a directory audit (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit):
     * the service principal as initiator ({@code initiatedBy.app}), "Add app role assignment to service principal"
     * in the ApplicationManagement category, the roles granted as the target's modified property.
     */
    private String directoryAudit(IdentityEvent event) {
        String objectId = event.identity().id();
        String name = event.identity().name() == null ? objectId : event.identity().name();
        ObjectNode a = JSON.createObjectNode();
        a.put("id", "Directory_" + guid("audit", event.id()));
        a.put("category", "ApplicationManagement");
        a.put("correlationId", guid("correlation", event.id()));
        a.put("result", event.outcome() == Outcome.FAILURE ? "failure" : "success");
        a.put("resultReason", "");
        a.put("activityDisplayName", "Add app role assignment to service principal");
        a.put("activityDateTime", event.time().toString());
        a.put("loggedByService", "Core Directory");
        a.put("operationType", "Assign");
        ObjectNode app = a.putObject("initiatedBy").putObject("app");
        app.put("appId", appIds.getOrDefault(objectId, guid("app", objectId)));
        app.put("displayName", name);
        app.put("servicePrincipalId", objectId);
        app.put("servicePrincipalName", name);
        ObjectNode target = a.putArray("targetResources").addObject();
        target.put("id", objectId).put("displayName", name).put("type", "ServicePrincipal");
        PrivilegeChange change = event.privilege();
        String granted = change == null ? "" : String.join(",", change.scopes());
        target.putArray("modifiedProperties").addObject().put("displayName", "AppRole.Value").put("oldValue", "\"\"")
                .put("newValue", "\"" + granted + "\"");
        a.putArray("additionalDetails");
        return a.toString();
    }

    private static String[] resource(String action) {
        String provider = action == null || !action.contains("/") ? "Microsoft.Graph" : action.substring(0, action.indexOf('/'));
        return RESOURCES.getOrDefault(provider, RESOURCES.get("Microsoft.Graph"));
    }

    /** A token's id as Entra writes them: 22 characters of base64url. */
    private static String tokenIdentifier(String session) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest("token:" + session)).substring(0, 22);
    }

    /** A GUID derived from {@code kind} and {@code seed}: the same estate always gets the same ids. */
    private static String guid(String kind, String seed) {
        return UUID.nameUUIDFromBytes((kind + ":" + seed).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the emulation on free ports of 127.0.0.1, http for Graph and ARM, https for the token endpoint. */
    void start() {
        Path key = trustedKey();
        entra.clients.put(CONNECTOR_CLIENT_ID, CONNECTOR_CLIENT_SECRET);
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort()
                .keystorePath(key.toString()).keystorePassword(TLS_PASSWORD).keyManagerPassword(TLS_PASSWORD).keystoreType("PKCS12")
                .extensions(logs, directory, arm, entra));
        server.start();
        logs.stub(server);
        directory.stub(server);
        arm.stub(server);
        entra.stub(server);
        // https://learn.microsoft.com/en-us/graph/errors: a resource the emulation does not know
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(GraphLogSandbox.error(404, "Request_ResourceNotFound",
                "Resource not found for the segment.")));
    }

    /**
     * The key for 127.0.0.1 that the token endpoint presents, made once per JVM by the JDK's keytool, and the JVM's
     * default trust store set to it before anything opened a TLS connection to the emulation (Azure Identity's HTTP
     * client builds its TLS context once).
     */
    private static synchronized Path trustedKey() {
        if (trustedKey != null) {
            return trustedKey;
        }
        try {
            Path dir = Files.createTempDirectory("itdr-demo-tls");
            Path keystore = dir.resolve("entra-emulation.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                    "-alias", "entra-emulation", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname", "CN=127.0.0.1",
                    "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", TLS_PASSWORD, "-keypass", TLS_PASSWORD).redirectErrorStream(true).start();
            String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool could not make the Entra emulation's key: " + out);
            }
            keystore.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            System.setProperty("javax.net.ssl.trustStore", keystore.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", TLS_PASSWORD);
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            trustedKey = keystore;
            return keystore;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the Entra emulation's key", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The properties of the Azure connector ({@code itdr.connectors.azure.*}): the tenant, a client secret sign-in at the
     * emulated authority, Graph polled from {@code lookback} ago (service principal sign-ins and directory audits), RBAC
     * in the demo subscription, Graph and ARM at the emulation, a 5 s poll.
     */
    Map<String, String> properties(String lookback) {
        Map<String, String> p = new LinkedHashMap<>();
        String a = "itdr.connectors.azure.";
        p.put(a + "enabled", "true");
        p.put(a + "config.tenant-id", TENANT_ID);
        p.put(a + "config.client-id", CONNECTOR_CLIENT_ID);
        p.put(a + "config.client-secret", CONNECTOR_CLIENT_SECRET);
        p.put(a + "config.authority-host", "https://127.0.0.1:" + server.httpsPort() + "/");
        p.put(a + "config.telemetry", "graph");
        p.put(a + "config.sign-in-event-types", "servicePrincipal");
        p.put(a + "config.start-lookback", "PT" + lookbackHours(lookback) + "H");
        p.put(a + "config.subscriptions", SUBSCRIPTION);
        p.put(a + "endpoints.azure", endpoint().toString());
        p.put(a + "endpoints.azure-arm", endpoint().toString());
        p.put(a + "poll-interval", "5s");
        // MSAL logs every token request at INFO; its cache misses for an authority with a port (AzureAD/microsoft-authentication-
        // library-for-java#529), so against the emulation that is every Graph call
        p.put("logging.level.com.microsoft.aad.msal4j", "WARN");
        return p;
    }

    /** {@code lookback} ("8d") in hours. */
    private static long lookbackHours(String lookback) {
        if (!lookback.endsWith("d")) {
            throw new IllegalArgumentException("lookback in days expected, got " + lookback);
        }
        return Long.parseLong(lookback.substring(0, lookback.length() - 1)) * 24;
    }

    /** Graph and ARM (http; WireMock's {@code baseUrl()} names its https port once it has one). */
    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The token endpoint's authority (https). */
    URI authority() {
        return URI.create("https://127.0.0.1:" + server.httpsPort() + "/");
    }

    long signIns() {
        return signIns;
    }

    long audits() {
        return audits;
    }

    /** Service principals seeded. */
    int servicePrincipals() {
        return appIds.size();
    }

    /** The simulated directory, for tests that look at what an action changed. */
    DirectorySandbox directory() {
        return directory;
    }

    /** The simulated RBAC, for tests that look at what an action changed. */
    ArmAuthorizationSandbox rbac() {
        return arm;
    }

    @Override
    public void close() {
        if (server != null && server.isRunning()) {
            server.stop();
        }
    }

    @Override
    public String toString() {
        return "AzureDemoTenant[" + TENANT_ID.toLowerCase(Locale.ROOT) + "]";
    }
}

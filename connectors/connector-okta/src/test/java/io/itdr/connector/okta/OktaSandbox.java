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
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.fixture.okta.ManagementApiSandbox;
import io.itdr.fixture.okta.SystemLogSandbox;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.wiremock.NextCallFault;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One Okta org for the conformance kit, on one WireMock server: the System Log
 * ({@link SystemLogSandbox}), the Management API ({@link ManagementApiSandbox}: apps with their client
 * secrets, keys and refresh tokens, users, API tokens) and, for service-app sign-in, the org
 * authorization server's token endpoint. Every other request is answered 404 E0000007 as Okta answers
 * an unknown resource (https://developer.okta.com/docs/reference/error-codes/), which also keeps
 * WireMock from printing an unmatched request, headers and all, on the console. Faults answer every
 * path in Okta's error shape.
 *
 * <p>The estate after {@link #reset()}:
 * <ul>
 *   <li>{@value #SERVICE_APP} nightly-export: the service app the connector signs in as in
 *       private-key mode, with its public key ({@value #OWN_JWK});</li>
 *   <li>{@value #BILLING_APP} billing-sync: a service app with client secret {@value #BILLING_SECRET}
 *       and key {@value #BILLING_JWK}, both ACTIVE (disable_credential of each);</li>
 *   <li>{@value #REPORTS_APP} reports-export: a service app (disable_identity of an app);</li>
 *   <li>{@value #PORTAL_APP} portal-and-batch: a web app that also acts as itself (client_credentials
 *       beside authorization_code and refresh_token) whose users hold refresh tokens it was issued
 *       (quarantine_session);</li>
 *   <li>{@value #SERVICE_USER} svc-backup: a service user, marked {@code itdr_service_account = true}
 *       (disable_identity of a user);</li>
 *   <li>{@value #API_TOKEN} ci-deployer: an API token of the admin {@value #ADMIN};</li>
 *   <li>not non-human identities, so never listed: the web app {@value #WEB_APP} and the admin.</li>
 * </ul>
 * Used from the test thread; the Management API model is read and changed under its lock.
 */
final class OktaSandbox implements Sandbox, AutoCloseable {
    static final String ORG = "itdr-tck.okta.com";
    static final String SERVICE_APP = "0oa1tcknightlyexport";
    static final String ACCESS_TOKEN = "eyJraWQiOiJ0Y2sifQ.eyJzdWIiOiIwb2ExdGNrIn0.dGNrLXNpZ25hdHVyZQ";
    static final String OWN_JWK = "pks1tcknightly01";
    static final String BILLING_APP = "0oa1tckbillingsync";
    static final String BILLING_SECRET = "ocs1tckbilling01";
    static final String BILLING_JWK = "pks1tckbilling01";
    static final String REPORTS_APP = "0oa1tckreportsexport";
    static final String PORTAL_APP = "0oa1tckportalbatch";
    static final String WEB_APP = "0oa1tckcustomerportal";
    static final String SERVICE_USER = "00u1tcksvcbackup";
    static final String ADMIN = "00u1tckadmin";
    static final String API_TOKEN = "00T1tckcideploy";
    /** The inventory's default service-user marker. */
    private static final String SERVICE_USER_MARKER = "itdr_service_account";
    /** Seeded events start here, inside the default lookback of the kit's clock. */
    private static final Instant FIRST_EVENT = TestingConnectorContext.NOW.minus(Duration.ofHours(4));
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SystemLogSandbox systemLog;
    private final ManagementApiSandbox management = new ManagementApiSandbox();
    private final WireMockServer server;
    /** One fault on the next mutating call, for the kit's checks of faults on actions. */
    private final NextCallFault nextCall = new NextCallFault();
    private int seeded;
    /** {@code METHOD /path} of every request the connector sent, across resets (see {@link DocumentedPermissions}). */
    final java.util.Set<String> requests;

    /** @param authorization the {@code Authorization} header the org accepts ({@code SSWS <token>} or {@code Bearer <access token>}) */
    OktaSandbox(String authorization) {
        systemLog = new SystemLogSandbox(() -> TestingConnectorContext.NOW, Set.of(authorization));
        management.acceptAuthorizations(Set.of(authorization));
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(systemLog, management, nextCall));
        server.start();
        requests = DocumentedPermissions.record(server);
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
        nextCall.disarm();
        systemLog.clear();
        seeded = 0;
        systemLog.stub(server);
        management.stubOperations(server);
        seedEstate();
        // https://developer.okta.com/docs/reference/api/oidc/#token: a client-credentials grant of the service app
        server.stubFor(post(urlPathEqualTo("/oauth2/v1/token")).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\""
                        + ACCESS_TOKEN + "\",\"scope\":\"" + OktaSettings.DEFAULT_SCOPES.replace(',', ' ') + "\"}")));
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(SystemLogSandbox.error(404, "E0000007", "Not found: Resource not found")));
    }

    /** The estate of the class comment. */
    private void seedEstate() {
        synchronized (management) {
            management.clear();
            ManagementApiSandbox.App own = app("nightly-export");
            own.jwks.put(OWN_JWK, key("nightly-2024"));
            own.grantedScopes.addAll(List.of(OktaSettings.DEFAULT_SCOPES.split(",")));
            management.apps.put(SERVICE_APP, own);

            ManagementApiSandbox.App billing = app("billing-sync");
            billing.secrets.put(BILLING_SECRET, new ManagementApiSandbox.Credential());
            billing.jwks.put(BILLING_JWK, key("billing-2024"));
            billing.grantedScopes.add("okta.users.read");
            billing.profile.put("owner", "billing-team");
            billing.profile.put("criticality", "tier2");
            management.apps.put(BILLING_APP, billing);

            ManagementApiSandbox.App reports = app("reports-export");
            reports.secrets.put("ocs1tckreports01", new ManagementApiSandbox.Credential());
            reports.adminNotes = "owner: data-team";
            management.apps.put(REPORTS_APP, reports);

            ManagementApiSandbox.App portal = app("portal-and-batch");
            portal.applicationType = "web";
            portal.grantTypes.addAll(List.of("authorization_code", "refresh_token"));
            portal.secrets.put("ocs1tckportal01", new ManagementApiSandbox.Credential());
            portal.refreshTokens.addAll(List.of("oar1tckportal01", "oar1tckportal02"));
            management.apps.put(PORTAL_APP, portal);

            ManagementApiSandbox.App web = app("customer-portal");
            web.applicationType = "web";
            web.grantTypes.clear();
            web.grantTypes.addAll(List.of("authorization_code", "refresh_token"));
            management.apps.put(WEB_APP, web);

            ManagementApiSandbox.User backup = new ManagementApiSandbox.User();
            backup.profile.put("login", "svc-backup@itdr-tck.example");
            backup.profile.put(SERVICE_USER_MARKER, true);
            backup.profile.put("owner", "platform-team");
            backup.sessions = 1;
            backup.clientTokens.put(PORTAL_APP, 1);
            management.users.put(SERVICE_USER, backup);

            ManagementApiSandbox.User admin = new ManagementApiSandbox.User();
            admin.profile.put("login", "admin@itdr-tck.example");
            management.users.put(ADMIN, admin);

            ManagementApiSandbox.ApiToken ci = new ManagementApiSandbox.ApiToken();
            ci.name = "ci-deployer";
            ci.userId = ADMIN;
            management.apiTokens.put(API_TOKEN, ci);
        }
    }

    private static ManagementApiSandbox.App app(String label) {
        ManagementApiSandbox.App app = new ManagementApiSandbox.App();
        app.label = label;
        return app;
    }

    private static ManagementApiSandbox.Credential key(String kid) {
        ManagementApiSandbox.Credential key = new ManagementApiSandbox.Credential();
        key.kid = kid;
        return key;
    }

    /**
     * One request per rung and kind the connector acts on in this estate: disable_identity of a service
     * app and of a service user, disable_credential of a client secret and of a key, quarantine_session
     * (irreversible) of an app's refresh tokens.
     */
    static List<ActionRequest> actionRequests() {
        IdentityRef billing = new IdentityRef(BILLING_APP, "service_app", "billing-sync");
        return List.of(
                request(Rung.DISABLE_IDENTITY, new IdentityRef(REPORTS_APP, "service_app", "reports-export"), null),
                request(Rung.DISABLE_IDENTITY, new IdentityRef(SERVICE_USER, "service_user", "svc-backup@itdr-tck.example"), null),
                request(Rung.DISABLE_CREDENTIAL, billing, new CredentialRef(BILLING_SECRET, "client_secret")),
                request(Rung.DISABLE_CREDENTIAL, billing, new CredentialRef(BILLING_JWK, "jwk")),
                request(Rung.QUARANTINE_SESSION, new IdentityRef(PORTAL_APP, "service_app", "portal-and-batch"), null));
    }

    private static ActionRequest request(Rung rung, IdentityRef identity, CredentialRef credential) {
        return new ActionRequest(rung, new ActionTarget(ORG, identity, credential), Map.of());
    }

    /**
     * The lifecycle POSTs and the DELETEs the org received, faulted ones included; GETs are reads. The
     * token request (a POST in private-key mode) is not counted: it issues the connector's own access
     * token and changes nothing in the org.
     */
    @Override
    public int mutatingCallCount() {
        return (int) server.findAll(anyRequestedFor(anyUrl())).stream()
                .filter(r -> !r.getMethod().equals(RequestMethod.GET) && !r.getUrl().startsWith("/oauth2/v1/token"))
                .count();
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount} counts them) meets the fault: throttled
     * before it is carried out, or carried out with its answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        if (fault.applied()) {
            nextCall.afterApplying(OktaSandbox::mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            nextCall.beforeApplying(OktaSandbox::mutating, response(new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER)));
        }
    }

    @Override
    public boolean mutatingFaultPending() {
        return nextCall.isArmed();
    }

    private static boolean mutating(Request r) {
        return !r.getMethod().equals(RequestMethod.GET) && !r.getUrl().startsWith("/oauth2/v1/token");
    }

    /** Every call (System Log, Management API and the token request) answers with the fault in Okta's shape. */
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
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
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

    /**
     * The non-human identities as the inventory reports them: OpenID Connect apps with the
     * client_credentials grant, every API token, and users marked {@code itdr_service_account = true}.
     */
    @Override
    public Set<String> identityIds() {
        synchronized (management) {
            Set<String> ids = new TreeSet<>();
            management.apps.forEach((id, app) -> {
                if (app.signOnMode.equals("OPENID_CONNECT") && app.grantTypes.contains("client_credentials")) {
                    ids.add(id);
                }
            });
            ids.addAll(management.apiTokens.keySet());
            management.users.forEach((id, user) -> {
                if (Boolean.TRUE.equals(user.profile.get(SERVICE_USER_MARKER))) {
                    ids.add(id);
                }
            });
            return ids;
        }
    }

    /** What the admin console shows of the target's app or user: statuses of it and its credentials, its tokens. */
    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        return management.consoleState(target.identity().id());
    }

    /**
     * Undoes the containment on the target the way it happens outside the connector: an admin
     * re-activates the secret or key, re-activates the app or unsuspends the user; or, for an active
     * app whose refresh tokens were revoked, a client of the app signs in again and holds a new one.
     */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        String id = target.identity().id();
        synchronized (management) {
            ManagementApiSandbox.App app = management.apps.get(id);
            ManagementApiSandbox.User user = management.users.get(id);
            if (app != null && target.credential() != null) {
                String credentialId = target.credential().id();
                ManagementApiSandbox.Credential credential = app.secrets.containsKey(credentialId)
                        ? app.secrets.get(credentialId) : app.jwks.get(credentialId);
                if (credential == null) {
                    throw new IllegalArgumentException("app " + id + " holds no secret or key " + credentialId);
                }
                credential.status = "ACTIVE";
            } else if (app != null && app.status.equals("INACTIVE")) {
                app.status = "ACTIVE";
            } else if (app != null && app.refreshTokens.isEmpty()) {
                app.refreshTokens.add("oar1tckreissued01");
            } else if (user != null && user.status.equals("SUSPENDED")) {
                user.status = "ACTIVE";
            } else {
                throw new IllegalStateException("nothing contained on " + target + " to undo: " + management.consoleState(id));
            }
        }
    }
}

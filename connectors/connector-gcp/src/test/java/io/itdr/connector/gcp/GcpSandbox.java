package io.itdr.connector.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.gcp.AuditLogEntries;
import io.itdr.fixture.gcp.GoogleApis;
import io.itdr.fixture.gcp.IamSandbox;
import io.itdr.fixture.wiremock.NextCallFault;
import io.itdr.spi.action.ActionTarget;
import java.util.Map;
import io.itdr.fixture.gcp.LoggingSandbox;
import io.itdr.fixture.gcp.PubSubSandbox;
import io.itdr.fixture.gcp.SignInServices;
import io.itdr.fixture.wiremock.StatefulSimulation;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The Google Cloud the kit runs the connector against, on WireMock: the OAuth token endpoint of a
 * service account key ({@link GoogleApis}) and Cloud Logging's {@code entries.list}
 * ({@link LoggingSandbox}) holding one project's audit log. Faults answer every API path (the token
 * endpoint too for refused credentials, as Google refuses an unknown key there). The kit's malformed
 * records are audit log entries that name no principal.
 */
public final class GcpSandbox implements Sandbox, AutoCloseable {
    public static final String PROJECT = "itdr-tck-project";
    /** The organization and the folder the project sits in. */
    public static final String ORGANIZATION = "organizations/200";
    public static final String FOLDER = "folders/100";
    /** The subscription of the project's log sink ({@link PubSubSandbox}). */
    public static final String SUBSCRIPTION = "projects/" + PROJECT + "/subscriptions/itdr-audit-sink";
    public static final String SERVICE_ACCOUNT = "deployer@" + PROJECT + ".iam.gserviceaccount.com";
    static final String READER = "itdr-reader@" + PROJECT + ".iam.gserviceaccount.com";
    /** The workload's own token (an OIDC ID token from CI) that workload identity federation exchanges. */
    public static final String SUBJECT_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOml0ZHIvY2kifQ.sandbox-signature";
    public static final String BACKUP = "backup@" + PROJECT + ".iam.gserviceaccount.com";
    public static final String REPORTER = "reporter@" + PROJECT + ".iam.gserviceaccount.com";
    public static final String KEY = "5b2c0d1e8f3a4b6c7d8e9f00112233445566aa01";
    public static final String GOOGLE_MANAGED_KEY = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e02";
    public static final String BACKUP_KEY = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234503";
    private static final Instant FIRST_ENTRY = TestingConnectorContext.NOW.minusSeconds(3 * 3600);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoggingSandbox logging = new LoggingSandbox();
    private final IamSandbox iam = new IamSandbox();
    private final PubSubSandbox pubsub = new PubSubSandbox(SUBSCRIPTION, TestingConnectorContext.NOW);
    private final WireMockServer server;
    /** One fault on the next mutating call, for the kit's checks of faults on actions. */
    private final NextCallFault nextCall = new NextCallFault();
    private final String privateKeyPem;
    private int seeded;

    public GcpSandbox() {
        this(null, null);
    }

    /**
     * With {@code keystore} (PKCS12, its key for localhost) the sandbox also answers on HTTPS: Google's auth library
     * accepts only https {@code token_url} and {@code service_account_impersonation_url} in a workload identity
     * federation configuration. Null for plain HTTP only.
     */
    public GcpSandbox(java.nio.file.Path keystore, String password) {
        com.github.tomakehurst.wiremock.core.WireMockConfiguration config = wireMockConfig().dynamicPort().extensions(logging, iam, pubsub, nextCall);
        if (keystore != null) {
            config.dynamicHttpsPort().keystorePath(keystore.toString()).keystoreType("PKCS12").keystorePassword(password)
                    .keyManagerPassword(password);
        }
        server = new WireMockServer(config);
        server.start();
        privateKeyPem = newPrivateKey();
        reset();
    }

    public URI endpoint() {
        return URI.create(server.baseUrl() + "/");
    }

    /**
     * A service account key file (https://cloud.google.com/iam/docs/keys-create-delete#creating) whose
     * {@code token_uri} is the sandbox and whose {@code private_key_id} carries {@code marker}.
     */
    public String keyFile(String marker) {
        ObjectNode key = JSON.createObjectNode();
        key.put("type", "service_account");
        key.put("project_id", PROJECT);
        key.put("private_key_id", marker);
        key.put("private_key", privateKeyPem);
        key.put("client_email", READER);
        key.put("client_id", "104702298523483847563");
        key.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        key.put("token_uri", server.baseUrl() + GoogleApis.TOKEN_PATH);
        return key.toString();
    }

    /**
     * A user's Application Default Credentials file as {@code gcloud auth application-default login} writes it
     * (https://cloud.google.com/docs/authentication/application-default-credentials#personal): client id and secret,
     * a refresh token, and here a {@code token_uri} pointing at the sandbox's token endpoint. {@code secret} is the
     * client secret.
     */
    public String authorizedUserFile(String secret) {
        ObjectNode file = JSON.createObjectNode();
        file.put("type", "authorized_user");
        file.put("client_id", "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com");
        file.put("client_secret", secret);
        file.put("refresh_token", "1//0sandbox-refresh-token");
        file.put("token_uri", server.baseUrl() + GoogleApis.TOKEN_PATH);
        return file.toString();
    }

    /**
     * A workload identity federation credential configuration
     * (https://cloud.google.com/iam/docs/workload-identity-federation-with-deployment-pipelines#create-cred-config):
     * the subject token read from {@code subjectTokenFile}, exchanged at the sandbox's Security Token Service
     * ({@code token_url}), then the reader account impersonated ({@code service_account_impersonation_url}), both on
     * the sandbox's HTTPS port (see the constructor). {@code secret}
     * is the optional {@code client_secret} the exchange authenticates with.
     */
    public String workloadIdentityFile(java.nio.file.Path subjectTokenFile, String secret) {
        ObjectNode file = JSON.createObjectNode();
        file.put("type", "external_account");
        file.put("audience", "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/itdr-pool/providers/ci");
        file.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");
        String https = "https://localhost:" + server.httpsPort();
        file.put("token_url", https + SignInServices.STS_PATH);
        file.put("service_account_impersonation_url", https + "/v1/projects/-/serviceAccounts/" + READER + ":generateAccessToken");
        file.put("client_id", "itdr-sts-client");
        file.put("client_secret", secret);
        file.putObject("credential_source").put("file", subjectTokenFile.toString()).putObject("format").put("type", "text");
        return file.toString();
    }

    @Override
    public synchronized void reset() {
        server.resetAll();
        nextCall.disarm();
        logging.clear();
        GoogleApis.stubTokenEndpoint(server);
        // workload identity federation and impersonation of the reader account
        SignInServices.stubSecurityTokenService(server, SUBJECT_TOKEN);
        SignInServices.stubGenerateAccessToken(server, READER, SignInServices.FEDERATED_TOKEN, GoogleApis.ACCESS_TOKEN);
        SignInServices.stubGenerateAccessToken(server, READER, GoogleApis.ACCESS_TOKEN, GoogleApis.ACCESS_TOKEN);
        logging.stub(server);
        iam.clear();
        estate();
        iam.stub(server);
        pubsub.clear();
        pubsub.stub(server);
        seeded = 0;
    }

    /**
     * One project (labels owner and criticality) in a folder of an organization, with three service accounts: the
     * deployer (a user-managed and a Google-managed key; editor and token creator on the project, owner on the
     * organization), backup (a key) and reporter (viewer roles on the project and viewer on the folder).
     */
    private void estate() {
        iam.addProject(PROJECT, Map.of("owner", "team-payments", "criticality", "tier-2"));
        iam.addOrganization(ORGANIZATION);
        iam.addFolder(FOLDER, ORGANIZATION);
        iam.setParent(PROJECT, FOLDER);
        iam.bindOn(ORGANIZATION, "roles/owner", "serviceAccount:" + SERVICE_ACCOUNT);
        iam.bindOn(ORGANIZATION, "roles/viewer", "group:auditors@example.com");
        iam.bindOn(FOLDER, "roles/viewer", "serviceAccount:" + REPORTER);
        iam.addAccount(PROJECT, SERVICE_ACCOUNT, "104702298523483840001", "Deployer");
        iam.addKey(SERVICE_ACCOUNT, KEY, "USER_MANAGED", false, "2026-01-10T09:00:00Z", "9999-12-31T23:59:59Z");
        iam.addKey(SERVICE_ACCOUNT, GOOGLE_MANAGED_KEY, "SYSTEM_MANAGED", false, "2026-02-20T00:00:00Z", "2026-03-08T00:00:00Z");
        iam.addAccount(PROJECT, BACKUP, "104702298523483840002", "Backup");
        iam.addKey(BACKUP, BACKUP_KEY, "USER_MANAGED", false, "2025-06-01T00:00:00Z", "9999-12-31T23:59:59Z");
        iam.addAccount(PROJECT, REPORTER, "104702298523483840003", "Reporter");
        iam.bind(PROJECT, "roles/editor", "serviceAccount:" + SERVICE_ACCOUNT);
        iam.bind(PROJECT, "roles/iam.serviceAccountTokenCreator", "serviceAccount:" + SERVICE_ACCOUNT);
        iam.bind(PROJECT, "roles/viewer", "serviceAccount:" + REPORTER);
        iam.bind(PROJECT, "roles/bigquery.dataViewer", "serviceAccount:" + REPORTER);
        iam.bind(PROJECT, "roles/viewer", "user:ana@example.com");
    }

    /** Calls that change state: every non-GET but the reads made with POST (entries.list, getIamPolicy, getAncestry) and token grants. */
    @Override
    public int mutatingCallCount() {
        return (int) StatefulSimulation.received(server).stream()
                .filter(GcpSandbox::mutating)
                .count();
    }

    @Override
    public Set<String> identityIds() {
        return Set.of(SERVICE_ACCOUNT, BACKUP, REPORTER);
    }

    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        return iam.state(target.identity().id());
    }

    /** An administrator enables the key or the account again, or grants the reporter viewer again. */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        String email = target.identity().id();
        if (target.credential() != null) {
            iam.setKeyDisabled(email, target.credential().id(), false);
            return;
        }
        if (email.equals(REPORTER)) {
            iam.bind(PROJECT, "roles/viewer", "serviceAccount:" + email);
        } else {
            iam.setAccountDisabled(email, false);
        }
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount} counts them) meets the fault: throttled
     * before it is carried out, or carried out with its answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        if (fault.applied()) {
            nextCall.afterApplying(GcpSandbox::mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            nextCall.beforeApplying(GcpSandbox::mutating, response(new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER)));
        }
    }

    @Override
    public boolean mutatingFaultPending() {
        return nextCall.isArmed();
    }

    private static boolean mutating(Request r) {
        return !r.getUrl().startsWith(LoggingSandbox.PATH) && !r.getUrl().startsWith(GoogleApis.TOKEN_PATH)
                && !r.getUrl().startsWith(SignInServices.STS_PATH) && !r.getUrl().contains(":generateAccessToken")
                && !r.getUrl().contains(":getIamPolicy") && !r.getUrl().contains("%3AgetIamPolicy")
                && !r.getUrl().contains(":getAncestry") && !r.getUrl().contains("%3AgetAncestry")
                && !r.getMethod().getName().equals("GET");
    }

    /**
     * Every API call answers with the fault. The sign-in services (the token endpoint, the Security Token Service,
     * generateAccessToken) refuse the credentials on BAD_CREDENTIALS and otherwise answer: their other faults are
     * {@code SignInFaultsTest}'s.
     */
    @Override
    public void injectFault(Fault fault) {
        server.stubFor(any(urlPathMatching("/v[0-9]/(?!token$)(?!projects/-/serviceAccounts/[^/]+:generateAccessToken$).*")).atPriority(1)
                .willReturn(response(fault)));
        if (fault.kind() == Fault.Kind.BAD_CREDENTIALS) {
            server.stubFor(any(urlPathEqualTo(GoogleApis.TOKEN_PATH)).atPriority(1).willReturn(GoogleApis.invalidGrant()));
            server.stubFor(any(urlPathEqualTo(SignInServices.STS_PATH)).atPriority(1).willReturn(GoogleApis.invalidGrant()));
            server.stubFor(any(urlPathMatching("/v1/projects/-/serviceAccounts/[^/]+:generateAccessToken")).atPriority(1)
                    .willReturn(GoogleApis.unauthenticated()));
        }
    }

    private static ResponseDefinitionBuilder response(Fault fault) {
        return switch (fault.kind()) {
            // https://cloud.google.com/logging/quotas#api-limits and https://cloud.google.com/apis/design/errors#retryinfo
            case THROTTLED -> GoogleApis.throttled(fault.retryAfter());
            // https://cloud.google.com/apis/design/errors#handling_errors: 503 UNAVAILABLE is retried by clients
            case SERVER_ERROR -> GoogleApis.error(503, "UNAVAILABLE", "The service is currently unavailable.");
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{}")
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            // a proxy's maintenance page with a success status
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>Be right back<br></body></html>");
            case BAD_CREDENTIALS -> GoogleApis.unauthenticated();
            case PERMISSION_DENIED -> GoogleApis.error(403, "PERMISSION_DENIED",
                    "Permission 'logging.logEntries.list' denied on resource (or it may not exist).");
        };
    }

    /** Data-access entries of one service account, a minute apart; a malformed one names no principal. */
    @Override
    public synchronized List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            int n = ++seeded;
            String id = "tck-entry-" + n;
            Instant at = FIRST_ENTRY.plusSeconds(60L * n);
            AuditLogEntries.Entry entry = AuditLogEntries.Entry.call(id, at, PROJECT, SERVICE_ACCOUNT,
                    "0123456789abcdef0123456789abcdef01234567", "203.0.113." + (10 + n % 200));
            String line = AuditLogEntries.line(entry);
            if (malformedAt.contains(i)) {
                line = line.replaceFirst("\"authenticationInfo\":\\{[^}]*\\}", "\"authenticationInfo\":{}");
            } else {
                ids.add(id);
            }
            logging.add(PROJECT, at, entry.log().logName(PROJECT), line);
        }
        return ids;
    }

    /** The simulated Cloud Logging, for tests that seed entries of their own. */
    public LoggingSandbox logging() {
        return logging;
    }

    /** The simulated Pub/Sub subscription of a log sink, for the pubsub telemetry path. */
    public PubSubSandbox pubsub() {
        return pubsub;
    }

    /** The WireMock server, for tests that add stubs of their own (reset removes them). */
    public WireMockServer server() {
        return server;
    }

    /** IAM and Resource Manager accept only {@code token} until the next reset. */
    public void acceptToken(String token) {
        iam.acceptTokens(Set.of(token));
    }

    /** The simulated IAM and Resource Manager. */
    public IamSandbox iam() {
        return iam;
    }

    @Override
    public synchronized RawExport exportTelemetry() {
        return new RawExport("audit-sink.jsonl", "application/x-ndjson",
                (String.join("\n", logging.entries()) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop();
    }

    private static String newPrivateKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                    + "\n-----END PRIVATE KEY-----\n";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

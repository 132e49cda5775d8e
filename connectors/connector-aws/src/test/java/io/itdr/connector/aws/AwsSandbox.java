package io.itdr.connector.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.notMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.StringValuePattern;
import io.itdr.fixture.aws.IamConsole;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.fixture.aws.SecretsManagerSandbox;
import io.itdr.fixture.aws.CloudTrailSandbox;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.MutatingFault;
import io.itdr.fixture.wiremock.NextCallFault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.spi.action.ActionTarget;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One AWS account for the conformance kit, on one WireMock server: IAM and STS (Query protocol,
 * {@code POST /} with a form body whose {@code Action=} names the operation, XML answers) through
 * {@link IamSandbox}, CloudTrail event history and Secrets Manager (JSON 1.1, the operation in the
 * {@code X-Amz-Target} header) through {@link CloudTrailSandbox} and {@link SecretsManagerSandbox}.
 * The secret {@link #SECRET_DESTINATION} is where {@link #ROTATED_USER}'s key goes when it is
 * rotated (the catalog's secret_destination for that user). Faults answer in the shape of the
 * protocol asked: a Query error document or a JSON 1.1 {@code __type}. Mutating calls are counted
 * from WireMock's request journal. Used from the test thread.
 */
final class AwsSandbox implements Sandbox, AutoCloseable {
    static final String ACCOUNT = "123456789012";
    static final String USER = "ci-deployer";
    static final String KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String QUARANTINED_ROLE = "app-server";
    static final String DISABLED_ROLE = "build-runner";
    static final String DENY_ALL = "arn:aws:iam::aws:policy/AWSDenyAll";
    static final String REVOKE_OLDER_SESSIONS = "AWSRevokeOlderSessions";
    /** A user with one access key, so that rotation can create a second (AWS allows two). */
    static final String ROTATED_USER = "report-exporter";
    /** Its only key (an example key id of the AWS documentation). */
    static final String ROTATED_KEY = "AKIAI44QH8DHBEXAMPLE";
    static final String SECRET_DESTINATION = "arn:aws:secretsmanager:us-east-1:123456789012:secret:report-exporter/aws-access-key-AbCdEf";
    private static final String SECRET_VERSION = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";
    /** Seeded events start here, within the kit clock's default lookback and well before its settle delay. */
    private static final Instant FIRST_EVENT = TestingConnectorContext.NOW.minus(Duration.ofHours(4));
    private static final StringValuePattern ANY_TARGET = matching(".+");

    private final IamSandbox iam = new IamSandbox();
    private final IamConsole console = new IamConsole(iam);
    private final CloudTrailSandbox cloudTrail = new CloudTrailSandbox();
    private final SecretsManagerSandbox secretsManager = new SecretsManagerSandbox();
    private final NextCallFault nextCall = new NextCallFault();
    private final WireMockServer server;
    private int seeded;
    /** The IAM action of every request the connector sent, across resets (see {@link DocumentedPermissions}). */
    final java.util.Set<String> requestedActions;

    AwsSandbox() {
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(iam, cloudTrail, secretsManager, nextCall));
        server.start();
        requestedActions = DocumentedPermissions.record(server);
        reset();
    }

    /** The endpoint of every service (IAM, STS, CloudTrail and Secrets Manager all answer on {@code POST /}). */
    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    static String userArn(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + name;
    }

    static String roleArn(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public void reset() {
        server.resetAll();
        nextCall.disarm();
        console.clear();
        console.addUser(USER, Map.of(KEY, "Active", "AKIAOTHERKEYEXAMPLE1", "Active"), "arn:aws:iam::aws:policy/ReadOnlyAccess");
        console.addRole(QUARANTINED_ROLE, "arn:aws:iam::123456789012:policy/app-server-data");
        console.addRole(DISABLED_ROLE, "arn:aws:iam::aws:policy/AWSCodeArtifactReadOnlyAccess");
        console.tag("user", USER, "owner", "platform-team");
        console.tag("role", QUARANTINED_ROLE, "owner", "orders-team");
        console.tag("role", QUARANTINED_ROLE, "criticality", "tier1");
        console.addUser(ROTATED_USER, Map.of(ROTATED_KEY, "Active"), "arn:aws:iam::123456789012:policy/reports-read");
        console.tag("user", ROTATED_USER, "owner", "data-team");
        secretsManager.clear();
        secretsManager.addSecret(SECRET_DESTINATION, SECRET_VERSION,
                "{\"AccessKeyId\":\"" + ROTATED_KEY + "\",\"SecretAccessKey\":\"(provisioned before itdr)\"}");
        cloudTrail.clear();
        seeded = 0;

        iam.stubActions(server);
        cloudTrail.stub(server);
        secretsManager.stubActions(server);
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
        server.stubFor(post(urlEqualTo("/")).withRequestBody(matching(IamSandbox.actionPattern("GetCallerIdentity")))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
                        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                                + "<Arn>arn:aws:iam::123456789012:user/itdr-connector</Arn><UserId>AIDAEXAMPLEITDR</UserId>"
                                + "<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>"
                                + "01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>")));
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (response example, expiry moved far ahead)
        server.stubFor(post(urlEqualTo("/")).withRequestBody(matching(IamSandbox.actionPattern("AssumeRole")))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/itdr-responder/itdr</Arn>"
                                + "<AssumedRoleId>ARO123EXAMPLE123:itdr</AssumedRoleId></AssumedRoleUser><Credentials>"
                                + "<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
                                + "</SecretAccessKey><SessionToken>session-token-example</SessionToken><Expiration>2099-11-09T13:34:41Z"
                                + "</Expiration></Credentials><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata>"
                                + "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>")));
        // Anything else: the error each protocol gives for an operation it does not know. Also keeps
        // WireMock from printing an unmatched request (signed headers and all) on the console.
        // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
        server.stubFor(any(anyUrl()).atPriority(10).withHeader("X-Amz-Target", absent())
                .willReturn(queryError(400, "InvalidAction", "The action or operation requested is invalid.")));
        // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html
        server.stubFor(any(anyUrl()).atPriority(10).withHeader("X-Amz-Target", ANY_TARGET)
                .willReturn(CloudTrailSandbox.error(400, "UnknownOperationException", "The operation is not known.")));
    }

    /**
     * Calls whose operation may change the account, from the server's request journal (faulted
     * ones included). The rule is by operation name, the AWS API naming convention: List*, Get*
     * and Describe* read (IAM, STS GetCallerIdentity, Secrets Manager DescribeSecret); CloudTrail
     * LookupEvents reads event history; STS AssumeRole issues the connector's own session and
     * changes nothing in the account. Everything else counts, a request naming no operation too:
     * when in doubt, a call is taken to mutate.
     */
    @Override
    public int mutatingCallCount() {
        return (int) IamSandbox.actions(server).stream().filter(operation -> !reads(operation)).count();
    }

    /** Calls of one operation ("CreateAccessKey", "PutSecretValue") received since the last reset. */
    long callsOf(String operation) {
        return IamSandbox.actions(server).stream().filter(operation::equals).count();
    }

    private static boolean reads(String operation) {
        return operation.startsWith("List") || operation.startsWith("Get") || operation.startsWith("Describe")
                || operation.equals("LookupEvents") || operation.equals("AssumeRole");
    }

    /**
     * Every IAM, STS, CloudTrail and Secrets Manager call answers with the fault, except STS
     * AssumeRole: that is the connector signing in, made once before any other call, and faulting it
     * would shadow the error mapping of every read path behind it (AssumeRole faults are checked in
     * LookupEventsSourceTest).
     */
    @Override
    public void injectFault(Fault fault) {
        server.stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-Amz-Target", absent())
                .withRequestBody(notMatching(IamSandbox.actionPattern("AssumeRole"))).willReturn(queryFault(fault)));
        server.stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-Amz-Target", ANY_TARGET).willReturn(jsonFault(fault)));
    }

    /**
     * The next IAM or Secrets Manager call that is not a read (see {@link #mutatingCallCount}) meets
     * the fault: throttled in its protocol's shape before it is carried out, or carried out with its
     * answer lost.
     */
    @Override
    public void faultNextMutatingCall(MutatingFault fault) {
        java.util.function.Predicate<com.github.tomakehurst.wiremock.http.Request> mutating = r -> !reads(IamSandbox.operation(r));
        if (fault.applied()) {
            nextCall.afterApplying(mutating, com.github.tomakehurst.wiremock.http.Fault.valueOf(fault.name()));
        } else {
            Fault throttled = new Fault(Fault.Kind.THROTTLED, ConnectorTck.RETRY_AFTER);
            nextCall.beforeApplying(mutating, r -> r.getHeader("X-Amz-Target") == null ? queryFault(throttled) : jsonFault(throttled));
        }
    }

    @Override
    public boolean mutatingFaultPending() {
        return nextCall.isArmed();
    }

    /** IAM and STS faults (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html): AWS says 403, not 401, for refused keys. */
    private static ResponseDefinitionBuilder queryFault(Fault fault) {
        return switch (fault.kind()) {
            case THROTTLED -> queryError(400, "Throttling", "Rate exceeded").withHeader("Retry-After", seconds(fault));
            case SERVER_ERROR -> queryError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.");
            case CONNECTION_RESET, TIMEOUT, MALFORMED_BODY -> transportFault(fault);
            case BAD_CREDENTIALS -> queryError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
            case PERMISSION_DENIED -> queryError(403, "AccessDenied", "User is not authorized to perform this operation.");
        };
    }

    /**
     * CloudTrail faults (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html), JSON 1.1,
     * mostly HTTP 400; Secrets Manager answers in the same shape with the same codes
     * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html).
     */
    private static ResponseDefinitionBuilder jsonFault(Fault fault) {
        return switch (fault.kind()) {
            case THROTTLED -> CloudTrailSandbox.error(400, "ThrottlingException", "Rate exceeded").withHeader("Retry-After", seconds(fault));
            case SERVER_ERROR -> CloudTrailSandbox.error(503, "ServiceUnavailableException", "Service is unavailable.");
            case CONNECTION_RESET, TIMEOUT, MALFORMED_BODY -> transportFault(fault);
            case BAD_CREDENTIALS -> CloudTrailSandbox.error(400, "UnrecognizedClientException", "The security token included in the request is invalid.");
            case PERMISSION_DENIED -> CloudTrailSandbox.error(400, "AccessDeniedException", "User is not authorized to perform cloudtrail:LookupEvents.");
        };
    }

    private static ResponseDefinitionBuilder transportFault(Fault fault) {
        return switch (fault.kind()) {
            case CONNECTION_RESET -> aResponse().withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
            case TIMEOUT -> aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("<late/>")
                    .withFixedDelay((int) ConnectorTck.REQUEST_TIMEOUT.multipliedBy(2).toMillis());
            // a proxy's maintenance page with a success status: neither XML nor JSON
            case MALFORMED_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                    .withBody("<html><body>Be right back<br></body></html>");
            default -> throw new IllegalArgumentException("not a transport fault: " + fault);
        };
    }

    private static String seconds(Fault fault) {
        return Long.toString(fault.retryAfter().toSeconds());
    }

    private static ResponseDefinitionBuilder queryError(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody(IamSandbox.errorXml(code, message));
    }

    /**
     * IAM API calls of ci-deployer, two to a second (AWS lists same-second events in no order, so
     * the connector's ordering is exercised); a malformed record has an eventTime that is not a time.
     */
    @Override
    public List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> wellFormed = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            Instant time = FIRST_EVENT.plusSeconds(seeded / 2);
            String name = seeded % 3 == 0 ? "ListAccessKeys" : seeded % 3 == 1 ? "GetUser" : "UpdateAccessKey";
            seeded++;
            if (malformedAt.contains(i)) {
                cloudTrail.add(time, "iam.amazonaws.com", name, id -> CloudTrailSandbox.record(id, "not-a-time", "iam.amazonaws.com", name));
            } else {
                wellFormed.add(cloudTrail.add(time, "iam.amazonaws.com", name));
            }
        }
        return wellFormed;
    }

    /** The seeded events as a trail's log file in S3. */
    @Override
    public RawExport exportTelemetry() {
        return new RawExport("123456789012_CloudTrail_us-east-1_20260301T1200Z_export.json", "application/json",
                cloudTrail.export().getBytes(StandardCharsets.UTF_8));
    }

    /** The ARN of every user and role, as IAM's ListUsers and ListRoles give them (all on path "/"). */
    @Override
    public Set<String> identityIds() {
        Set<String> ids = new TreeSet<>();
        console.names("user").forEach(name -> ids.add(userArn(name)));
        console.names("role").forEach(name -> ids.add(roleArn(name)));
        return ids;
    }

    /**
     * The user's or role's IAM state (keys, attached and inline policies); for {@link #ROTATED_USER}
     * also the labels of its {@link #SECRET_DESTINATION} and the key id each labelled version holds.
     */
    @Override
    public Map<String, String> snapshotOf(ActionTarget target) {
        Arn arn = Arn.parse(target.identity().id()).orElseThrow();
        Map<String, String> state = new TreeMap<>(console.state(arn.resourceType(), arn.resourceName()));
        if (arn.resourceType().equals("user") && arn.resourceName().equals(ROTATED_USER)) {
            state.putAll(secretsManager.state(SECRET_DESTINATION));
        }
        return state;
    }

    /**
     * Someone at the console undoes the containment on the target: re-activates the key (the one
     * deactivated, or the one rotated out), detaches AWSDenyAll, deletes the session revocation policy.
     */
    @Override
    public void applyOutOfBandChange(ActionTarget target) {
        Arn arn = Arn.parse(target.identity().id()).orElseThrow();
        if (target.credential() != null) {
            console.setKeyStatus(arn.resourceName(), target.credential().id(), "Active");
            return;
        }
        console.detach(arn.resourceType(), arn.resourceName(), DENY_ALL);
        console.deleteInlinePolicy(arn.resourceType(), arn.resourceName(), REVOKE_OLDER_SESSIONS);
    }
}

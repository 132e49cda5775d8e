package io.itdr.connector.aws.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * Mapping of documented CloudTrail records. Each fixture names the AWS documentation page its
 * records come from in its {@code _source} field (one per file, or one per line for JSON Lines).
 */
class CloudTrailNormalizerTest {
    private final CloudTrailNormalizer normalizer = new CloudTrailNormalizer();

    static byte[] fixture(String name) {
        try (InputStream in = CloudTrailNormalizerTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event with {@code id} among those {@code sink} kept; fails naming the ids it holds otherwise. */
    static IdentityEvent event(CollectingSink sink, String id) {
        return sink.events().stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no event " + id + " among " + ids(sink)));
    }

    /** The ids of the events {@code sink} kept, in order. */
    static List<String> ids(CollectingSink sink) {
        return sink.events().stream().map(IdentityEvent::id).toList();
    }

    CollectingSink normalize(String name, byte[] bytes) {
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(bytes)), sink);
        return sink;
    }

    CollectingSink normalizeFixture(String name) {
        return normalize(name, fixture(name));
    }

    /** https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html */
    @Test
    void iamUserGuideExamplesMapEveryRecord() {
        CollectingSink sink = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        assertThat(sink.rejections()).isEmpty();
        assertThat(sink.events()).hasSize(10);
        assertThat(sink.events()).allSatisfy(e -> {
            assertThat(e.platform()).isEqualTo("aws");
            assertThat(e.rawRef()).startsWith("iam-user-guide-cloudtrail-examples.json:record ");
            // the examples carry session tokens in responseElements: never copied
            assertThat(e.attributes().values()).noneMatch(v -> v.contains("session token") || v.contains("AgoJb3Jp"));
        });
        assertThat(sink.events().get(0).rawRef()).isEqualTo("iam-user-guide-cloudtrail-examples.json:record 1");
    }

    /** Rules match the platform's own fields, so each event comes with its CloudTrail record, whatever the framing. */
    @Test
    void everyEventCarriesItsCloudTrailRecordAsJson() throws java.io.IOException {
        CollectingSink sink = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        assertThat(sink.records()).hasSameSizeAs(sink.events()).doesNotContainNull();
        int i = ids(sink).indexOf("cEXAMPLE-127e-4632-980d-505a4EXAMPLE");
        String record = sink.records().get(i);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode tree = json.readTree(record);
        assertThat(tree.get("eventID").asText()).isEqualTo("cEXAMPLE-127e-4632-980d-505a4EXAMPLE");
        assertThat(tree.get("eventName").asText()).isEqualTo("GetUserPolicy");
        assertThat(tree.get("userIdentity").isObject()).isTrue();
        // byte for byte as the file holds it (pretty-printed there)
        assertThat(record).startsWith("{").endsWith("}").contains("\n");
        assertThat(new String(fixture("iam-user-guide-cloudtrail-examples.json"), java.nio.charset.StandardCharsets.UTF_8)).contains(record);

        CollectingSink lookup = new CollectingSink();
        normalizer.normalizeLookupEvent(record, "LookupEvents EventId=x", "cloudtrail:LookupEvents/x", lookup);
        assertThat(lookup.records()).containsExactly(record); // the CloudTrailEvent text as AWS gave it

        CollectingSink bridged = normalize("eb.json", ("{\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.iam\",\"detail\":"
                + record + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(bridged.records()).hasSize(1); // the EventBridge envelope is unwrapped: its detail, written back as JSON
        assertThat(json.readTree(bridged.records().get(0))).isEqualTo(tree);
    }

    @Test
    void iamUserWithConsoleSessionCalledThroughAServiceNameSource() {
        IdentityEvent e = event(normalizeFixture("iam-user-guide-cloudtrail-examples.json"), "cEXAMPLE-127e-4632-980d-505a4EXAMPLE");
        assertThat(e.identity()).isEqualTo(new IdentityRef("arn:aws:iam::444455556666:user/JaneDoe", "iam_user", "JaneDoe"));
        assertThat(e.tenant()).isEqualTo("444455556666"); // no recipientAccountId: the caller's account
        assertThat(e.time()).isEqualTo(Instant.parse("2014-07-15T21:40:14Z"));
        assertThat(e.action()).isEqualTo("iam:GetUserPolicy");
        assertThat(e.category()).isEqualTo(EventCategory.API_CALL);
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.credential()).isEqualTo(new CredentialRef("AKIAI44QH8DHBEXAMPLE", "access_key"));
        assertThat(e.source()).isEqualTo(new Source("signin.amazonaws.com", null, null, null, "signin.amazonaws.com", null));
        assertThat(e.session()).isEqualTo(new SessionInfo(null, null, Instant.parse("2014-07-15T21:39:40Z"), false));
        assertThat(e.attributes()).contains(entry("invoked_by", "signin.amazonaws.com"), entry("user_identity_type", "IAMUser"),
                entry("aws_region", "us-east-2"));
    }

    @Test
    void crossAccountAssumeRoleIsAnAuthenticationInTheRolesAccount() {
        CollectingSink sink = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        IdentityEvent caller = event(sink, "dEXAMPLE-ac7f-466c-a608-4ac8dEXAMPLE");
        assertThat(caller.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(caller.action()).isEqualTo("sts:AssumeRole");
        assertThat(caller.tenant()).isEqualTo("111122223333");
        assertThat(caller.identity().id()).isEqualTo("arn:aws:iam::777788889999:user/JohnDoe");
        assertThat(caller.attributes()).contains(entry("caller_account_id", "777788889999"),
                entry("role_arn", "arn:aws:iam::111122223333:role/EC2-dev"), entry("role_session_name", "JohnDoe-EC2-dev"),
                entry("source_identity", "JohnDoe"), entry("issued_key_id", "AKIAQRSTUVWXYZEXAMPLE"));

        IdentityEvent account = event(sink, "dEXAMPLE-ac7f-466c-a608-4ac8dEXAMPLE-assumed-role-account");
        assertThat(account.identity()).isEqualTo(new IdentityRef("aws-account/777788889999/AIDAQRSTUVWXYZEXAMPLE", "aws_account", "777788889999"));
        assertThat(account.tenant()).isEqualTo("777788889999");
        assertThat(account.credential()).isNull();
    }

    @Test
    void roleSessionsAreAttributedToTheRole() {
        CollectingSink sink = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        IdentityEvent chained = event(sink, "1917948f-3042-46ec-98e2-62865EXAMPLE");
        assertThat(chained.identity()).isEqualTo(new IdentityRef("arn:aws:iam::111111111111:role/JohnRole1", "iam_role", "JohnDoe"));
        assertThat(chained.session()).isEqualTo(new SessionInfo("JohnRole1", null, Instant.parse("2019-10-02T21:50:54Z"), false));
        assertThat(chained.attributes()).contains(entry("source_identity", "JohnDoe"), entry("session_name", "JohnRole1"),
                entry("assumed_role_arn", "arn:aws:sts::111111111111:assumed-role/JohnDoe/JohnRole1"),
                entry("issued_key_id", "ASIAWHOJDLGPOEXAMPLE"));

        IdentityEvent serviceRole = event(sink, "dEXAMPLE-265a-41e0-9352-4401bEXAMPLE");
        assertThat(serviceRole.identity().id()).isEqualTo("arn:aws:iam::777788889999:role/AssumeNothing");
        assertThat(serviceRole.action()).isEqualTo("s3:DeleteBucket");
        assertThat(serviceRole.session().sessionId()).isEqualTo("devdsk");
    }

    @Test
    void federatedWebAndSamlCallers() {
        CollectingSink sink = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        IdentityEvent saml = event(sink, "dEXAMPLE-265a-41e0-9352-4401bEXAMPLE-saml");
        assertThat(saml.identity()).isEqualTo(new IdentityRef("SampleUkh1i4+ExamplexL/jEvs=:SamlExample", "saml_user", "SamlExample"));
        assertThat(saml.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(saml.attributes()).containsEntry("identity_provider", "bdGOnTesti4+ExamplexL/jEvs=");

        IdentityEvent web = event(sink, "bEXAMPLE-0b30-4246-b28c-e3da3EXAMPLE");
        assertThat(web.identity().kind()).isEqualTo("web_identity_user");
        assertThat(web.workload()).isEqualTo(new Workload("<id of user>", "oidc_subject", "accounts.google.com"));
        assertThat(web.attributes()).containsEntry("issued_key_id", "ASIACQRSTUVWRAOEXAMPLE");
    }

    @Test
    void consoleSignInsSucceedFailAndHideMistypedNames() {
        CollectingSink sink = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        IdentityEvent success = event(sink, "3fcfb182-98f8-4744-bd45-10a395ab61cb");
        assertThat(success.action()).isEqualTo("signin:ConsoleLogin");
        assertThat(success.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(success.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(success.session().mfa()).isFalse();

        IdentityEvent failure = event(sink, "11ea990b-4678-4bcd-8fbe-62509088b7cf");
        assertThat(failure.outcome()).isEqualTo(Outcome.FAILURE); // no errorCode: responseElements.ConsoleLogin says it
        assertThat(failure.attributes()).containsEntry("error_message", "Failed authentication");

        IdentityEvent hidden = event(sink, "a7654656-0417-45c6-9386-ea8231385051");
        assertThat(hidden.identity()).isEqualTo(new IdentityRef("aws-account/123456789012/unidentified-iam_user", "iam_user", null));
        assertThat(hidden.credential()).isNull(); // accessKeyId ""
        assertThat(hidden.outcome()).isEqualTo(Outcome.FAILURE);
    }

    /** https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html */
    @Test
    void logFileExamplesRejectTheRecordWithoutEventIdAndKeepTheErrorEvent() {
        CollectingSink sink = normalizeFixture("cloudtrail-log-file-examples.json");
        assertThat(sink.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).startsWith("cloudtrail-log-file-examples.json:record 1, line ");
            assertThat(r.reason()).isEqualTo("missing or invalid required field: eventID (missing)");
        });
        IdentityEvent error = sink.events().get(0);
        assertThat(error.rawRef()).isEqualTo("cloudtrail-log-file-examples.json:record 2");
        assertThat(error.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(error.action()).isEqualTo("cloudtrail:UpdateTrail");
        assertThat(error.attributes()).contains(entry("error_code", "TrailNotFoundException"),
                entry("error_message", "Unknown trail: myTrail2 for the user: 123456789012"));
        assertThat(error.credential()).isEqualTo(new CredentialRef("EXAMPLE_KEY_ID", null));
    }

    /** https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html and the pages named per line. */
    @Test
    void everyUserIdentityTypeFromJsonLines() {
        CollectingSink sink = normalizeFixture("user-identity-types.jsonl");
        assertThat(sink.rejections()).isEmpty();
        assertThat(sink.events()).hasSize(10);
        assertThat(sink.events().get(2).rawRef()).isEqualTo("user-identity-types.jsonl:record 3");

        IdentityEvent alice = event(sink, "ui-iamuser-1");
        assertThat(alice.identity()).isEqualTo(new IdentityRef("arn:aws:iam::123456789012:user/Alice", "iam_user", "Alice"));
        assertThat(alice.credential()).isNull(); // "accessKeyId": "" on the page
        assertThat(alice.session()).isNull();

        IdentityEvent role = event(sink, "ui-assumedrole-1");
        assertThat(role.identity()).isEqualTo(new IdentityRef("arn:aws:iam::123456789012:role/RoleToBeAssumed", "iam_role", "RoleToBeAssumed"));
        assertThat(role.session()).isEqualTo(new SessionInfo("MySessionName", null, Instant.parse("2013-11-02T01:06:28Z"), false));

        IdentityEvent center = event(sink, "ui-idc-1");
        assertThat(center.identity()).isEqualTo(new IdentityRef(
                "arn:aws:identitystore::123456789012:identitystore/d-9067642ac7/user/544894e8-80c1-707f-60e3-3ba6510dfac1",
                "identity_center_user", "544894e8-80c1-707f-60e3-3ba6510dfac1"));
        assertThat(center.session().tokenId()).isEqualTo("EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE");

        IdentityEvent dev = event(sink, "ui-sourceidentity-1");
        assertThat(dev.credential()).isEqualTo(new CredentialRef("ASIAIOSFODNN7EXAMPLE", "session_key"));
        assertThat(dev.session()).isEqualTo(new SessionInfo("Dev1", "ASIAIOSFODNN7EXAMPLE", Instant.parse("2021-02-21T23:46:28Z"), false));
        assertThat(dev.tokenAge()).isEqualTo(java.time.Duration.ofMinutes(28).plusSeconds(32));
        assertThat(dev.attributes()).containsEntry("source_identity", "source-identity-value-set");

        assertThat(event(sink, "ui-delegate-1").identity().id()).isEqualTo("arn:aws:iam::123456789012:role/Alice");

        IdentityEvent federated = event(sink, "codebuild-federated-1");
        assertThat(federated.identity()).isEqualTo(new IdentityRef("arn:aws:sts::123456789012:federated-user/build-bot", "federated_user", "build-bot"));
        assertThat(federated.session()).isEqualTo(new SessionInfo("build-bot", "ASIAIOSFODNN7FEDEXAMPLE", Instant.parse("2016-09-06T17:59:10Z"), false));
        assertThat(federated.attributes()).containsEntry("session_issuer_arn", "arn:aws:iam::123456789012:user/build-bot");

        IdentityEvent root = event(sink, "e7d2382e-70a0-3fb7-9d41-a7a913422240");
        assertThat(root.identity()).isEqualTo(new IdentityRef("arn:aws:iam::123456789012:root", "root", "test-username"));
        assertThat(root.source()).isEqualTo(Source.UNKNOWN); // no sourceIPAddress, no userAgent

        IdentityEvent service = event(sink, "ff000af-00eb-00ce-0e00-ea000fb0fba0SAMPLE");
        assertThat(service.identity()).isEqualTo(new IdentityRef("ebs.amazonaws.com", "aws_service", "ebs.amazonaws.com"));
        assertThat(service.tenant()).isEqualTo("111122223333");
        assertThat(service.source().ip()).isEqualTo("ebs.amazonaws.com");
        assertThat(service.source().fingerprint()).isEqualTo("ebs.amazonaws.com|ebs.amazonaws.com");
        assertThat(service.action()).isEqualTo("kms:Decrypt");

        IdentityEvent ec2 = event(sink, "ui-ec2-1");
        assertThat(ec2.workload()).isEqualTo(new Workload("i-0abcd1234ef567890", "ec2", null));
        assertThat(ec2.attributes()).containsEntry("ec2_role_delivery", "2.0");
        assertThat(ec2.session().tokenId()).isEqualTo("ASIAEXAMPLEEC2ROLE01");

        IdentityEvent lambda = event(sink, "ui-lambda-1");
        assertThat(lambda.workload()).isEqualTo(new Workload("arn:aws:lambda:us-east-1:123456789012:function:orders-fn", "lambda", null));
        // a session named like a function is not proof of a workload; only inScopeOf is
        assertThat(role.workload()).isNull();
    }

    @Test
    void privilegeCredentialAndIdentityChanges() {
        CollectingSink sink = normalizeFixture("iam-changes.jsonl");
        assertThat(sink.rejections()).isEmpty();

        IdentityEvent attach = event(sink, "bdcc7610-7f82-4cde-9f6e-1c3cb1927353");
        assertThat(attach.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(attach.identity().kind()).isEqualTo("root");
        assertThat(attach.privilege()).isEqualTo(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryFullAccess"), true));
        assertThat(attach.target()).isEqualTo("arn:aws:iam::555555555555:user/sampleuser");

        IdentityEvent revoke = event(sink, "priv-putrolepolicy-deny");
        assertThat(revoke.privilege()).isEqualTo(new PrivilegeChange(List.of("AWSRevokeOlderSessions"), false));
        assertThat(revoke.target()).isEqualTo("arn:aws:iam::123456789012:role/app-server");
        assertThat(revoke.attributes().values()).noneMatch(v -> v.contains("TokenIssueTime")); // policy bodies stay out

        // an inline policy grants the actions of its Allow statements: detection judges "*" and iam:* administrative
        assertThat(event(sink, "priv-putrolepolicy-allow").privilege()).isEqualTo(new PrivilegeChange(List.of("s3-admin-inline", "s3:*"), true));
        IdentityEvent group = event(sink, "priv-addusertogroup");
        assertThat(group.privilege()).isEqualTo(new PrivilegeChange(List.of("arn:aws:iam::123456789012:group/admin"), true));
        assertThat(group.target()).isEqualTo("arn:aws:iam::123456789012:user/Bob");
        IdentityEvent version = event(sink, "priv-createpolicyversion");
        assertThat(version.privilege()).isEqualTo(new PrivilegeChange(List.of("arn:aws:iam::123456789012:policy/deploy", "iam:*"), true));
        assertThat(version.target()).isEqualTo("arn:aws:iam::123456789012:policy/deploy");
        IdentityEvent trust = event(sink, "priv-updateassumerolepolicy");
        assertThat(trust.privilege()).isEqualTo(new PrivilegeChange(List.of("sts:AssumeRole"), true));
        assertThat(trust.target()).isEqualTo("arn:aws:iam::123456789012:role/deployer");
        assertThat(trust.attributes()).containsEntry("trust_accounts", "210987654321"); // the accounts, never the document
        assertThat(event(sink, "priv-attachrolepolicy-denyall").privilege().granted()).isFalse();
        assertThat(event(sink, "priv-detachuserpolicy").privilege()).isEqualTo(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AdministratorAccess"), false));

        IdentityEvent denied = event(sink, "priv-putuserpolicy-error");
        assertThat(denied.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(denied.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(denied.attributes()).containsEntry("error_code", "AccessDenied");

        IdentityEvent created = event(sink, "cred-createaccesskey");
        assertThat(created.category()).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(created.target()).isEqualTo("AKIAI44QH8DHBNEWKEY1");
        assertThat(created.attributes()).containsEntry("target_user", "arn:aws:iam::123456789012:user/Bob");
        assertThat(event(sink, "cred-updateaccesskey").attributes()).containsEntry("new_status", "Inactive");
        IdentityEvent own = event(sink, "cred-deleteaccesskey-self");
        assertThat(own.target()).isEqualTo("AKIAIOSFODNN7OLDKEY1");
        assertThat(own.attributes()).containsEntry("target_user", "arn:aws:iam::123456789012:user/ci-admin");

        IdentityEvent user = event(sink, "ident-createuser");
        assertThat(user.category()).isEqualTo(EventCategory.IDENTITY_CHANGE);
        assertThat(user.target()).isEqualTo("arn:aws:iam::123456789012:user/Bob");
    }

    @Test
    void detectionFactsTrustedAccountsVpcEndpointAndResource() {
        CollectingSink sink = normalizeFixture("detection-facts.jsonl");
        assertThat(sink.rejections()).isEmpty();

        IdentityEvent role = event(sink, "detect-createrole-foreign");
        assertThat(role.category()).isEqualTo(EventCategory.IDENTITY_CHANGE);
        assertThat(role.identity().id()).as("the IAM path stays in the ARN").isEqualTo("arn:aws:iam::123456789012:role/ci/deployer");
        assertThat(role.attributes()).containsEntry("trust_accounts", "123456789012,444455556666")
                .containsEntry("resource", "audit-reader");
        assertThat(role.attributes().values()).noneMatch(v -> v.contains("Statement"));

        IdentityEvent secret = event(sink, "detect-getsecretvalue-vpce");
        assertThat(secret.attributes()).containsEntry("vpc_endpoint_id", "vpce-0a1b2c3d4e5f67890")
                .containsEntry("resource", "prod/orders/db").containsEntry("ec2_role_delivery", "2.0");
        assertThat(secret.workload()).isEqualTo(new Workload("i-0abcd1234ef567890", "ec2", null));
    }

    @Test
    void sameRecordsGiveSameEventsWhateverTheFraming() {
        CollectingSink container = normalizeFixture("iam-user-guide-cloudtrail-examples.json");
        StringBuilder lines = new StringBuilder();
        StringBuilder lookup = new StringBuilder("{\"Events\":[");
        StringBuilder bridge = new StringBuilder();
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            var records = mapper.readTree(fixture("iam-user-guide-cloudtrail-examples.json")).get("Records");
            for (int i = 0; i < records.size(); i++) {
                String json = mapper.writeValueAsString(records.get(i));
                lines.append(json).append('\n');
                lookup.append(i == 0 ? "" : ",").append("{\"EventId\":\"x\",\"CloudTrailEvent\":").append(mapper.writeValueAsString(json)).append('}');
                bridge.append("{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"source\":\"aws.sts\",\"detail\":")
                        .append(json).append("}\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lookup.append("],\"NextToken\":\"abc\"}");
        for (String text : List.of(lines.toString(), lookup.toString(), bridge.toString())) {
            CollectingSink other = normalize("same.json", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(other.rejections()).isEmpty();
            assertThat(other.events()).hasSameSizeAs(container.events());
            for (int i = 0; i < other.events().size(); i++) {
                IdentityEvent a = container.events().get(i);
                IdentityEvent b = other.events().get(i);
                assertThat(b).usingRecursiveComparison().ignoringFields("rawRef").isEqualTo(a);
                assertThat(b.rawRef()).isEqualTo("same.json:record " + (i + 1));
            }
        }
    }
}

package io.itdr.connector.aws.act;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/** The IAM actions against a stateful WireMock sandbox of the IAM Query API ({@link IamSandbox}). */
class IamActionExecutorTest {
    static final Set<String> READS = Set.of("ListAccessKeys", "GetAccessKeyLastUsed", "GetRole", "GetRolePolicy", "GetUser",
            "GetUserPolicy", "ListAttachedUserPolicies", "ListAttachedRolePolicies");
    static final Instant NOW = Instant.parse("2024-06-01T12:00:00.250Z");
    static final String USER = "arn:aws:iam::123456789012:user/ci-deployer";
    static final String ROLE = "arn:aws:iam::123456789012:role/app-server";
    static final String KEY = "AKIAIOSFODNN7EXAMPLE";
    /** These tests never rotate (AccessKeyRotationTest does): a Secrets Manager call would be a bug. */
    static final SecretsManagerClients NO_SECRETS = region -> {
        throw new AssertionError("no Secrets Manager call expected");
    };

    private final IamSandbox sandbox = new IamSandbox();
    private WireMockServer server;
    private IamClient iam;
    private SettableClock clock;
    private IamActionExecutor executor;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(sandbox));
        server.start();
        sandbox.stubActions(server);
        IamSandbox.User user = new IamSandbox.User();
        user.keys.put("AKIAOTHERKEYEXAMPLE1", "Active");
        user.keys.put(KEY, "Active");
        user.lastUsedService.put(KEY, "s3");
        user.attached.add("arn:aws:iam::aws:policy/ReadOnlyAccess");
        sandbox.users.put("ci-deployer", user);
        IamSandbox.Role role = new IamSandbox.Role();
        role.attached.add("arn:aws:iam::123456789012:policy/app-a");
        role.attached.add("arn:aws:iam::123456789012:policy/app-b");
        role.attached.add("arn:aws:iam::123456789012:policy/app-c");
        sandbox.roles.put("app-server", role);
        iam = client(Duration.ofSeconds(5));
        clock = new SettableClock(NOW);
        executor = new IamActionExecutor("aws", iam, NO_SECRETS, clock);
    }

    IamClient client(Duration timeout) {
        return IamClient.builder()
                .endpointOverride(URI.create(server.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTEXAMPLE", "test-secret")))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)).apiCallTimeout(timeout))
                .build();
    }

    @AfterEach
    void stop() {
        iam.close();
        server.stop();
    }

    static ActionRequest request(Rung rung, String identity, String kind, CredentialRef credential) {
        return new ActionRequest(rung, new ActionTarget("123456789012", new IdentityRef(identity, kind, null), credential), Map.of());
    }

    static ActionRequest disableKey() {
        return request(Rung.DISABLE_CREDENTIAL, USER, "iam_user", new CredentialRef(KEY, "access_key"));
    }

    List<String> actions() {
        return IamSandbox.actions(server);
    }

    List<String> mutatingActions() {
        return actions().stream().filter(a -> !READS.contains(a)).toList();
    }

    @Test
    void declaresItsRungsAndRefusesTheOthersWithTheStandardError() {
        assertThat(executor.rungs()).containsExactlyInAnyOrderEntriesOf(Map.of(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE,
                Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE, Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE,
                Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE));
        for (Rung rung : List.of(Rung.STEP_UP)) {
            assertThatThrownBy(() -> executor.plan(request(rung, USER, "iam_user", new CredentialRef(KEY, "access_key"))))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                        assertThat(e.getMessage()).isEqualTo("Connector 'aws' does not support rung " + rung.policyName());
                    });
        }
        assertThat(actions()).isEmpty();
    }

    // ---- disable_credential ----

    @Test
    void planReadsOnlyAndDescribesTheChange() {
        ActionPlan plan = executor.plan(disableKey());
        assertThat(mutatingActions()).isEmpty();
        assertThat(actions()).contains("ListAccessKeys", "GetAccessKeyLastUsed");
        assertThat(plan.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
        assertThat(plan.preState().state()).isEqualTo(Map.of("accessKey/" + KEY + "/status", "Active"));
        assertThat(plan.postState().state()).isEqualTo(Map.of("accessKey/" + KEY + "/status", "Inactive"));
        assertThat(plan.preState().capturedAt()).isEqualTo(NOW);
        assertThat(plan.calls()).containsExactly(new PlatformCall("iam:UpdateAccessKey", KEY, true));
        assertThat(plan.summary()).isEqualTo("Deactivate access key " + KEY + " of IAM user ci-deployer (last used 2024-05-30T10:45:00Z with s3)");
        assertThat(plan.details()).containsEntry("lastUsedService", "s3").containsEntry("userName", "ci-deployer");
    }

    @Test
    void executingTwiceWithOneKeyHasOneEffect() {
        ActionPlan plan = executor.plan(disableKey());
        ExecutionResult first = executor.execute(plan, "action-1");
        ExecutionResult second = executor.execute(plan, "action-1");
        assertThat(first.alreadyApplied()).isFalse();
        assertThat(first.performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", KEY, true));
        assertThat(first.postState().sameStateAs(plan.postState())).isTrue();
        assertThat(second.alreadyApplied()).isTrue();
        assertThat(second.performed()).isEmpty();
        assertThat(mutatingActions()).containsExactly("UpdateAccessKey");
        assertThat(sandbox.users.get("ci-deployer").keys).containsEntry(KEY, "Inactive").containsEntry("AKIAOTHERKEYEXAMPLE1", "Active");

        // even when someone reactivated it meanwhile: the key is spent, verify tells the engine
        sandbox.users.get("ci-deployer").keys.put(KEY, "Active");
        assertThat(executor.execute(plan, "action-1").alreadyApplied()).isTrue();
        assertThat(mutatingActions()).containsExactly("UpdateAccessKey");
    }

    @Test
    void aTargetAlreadyInThePostStateIsAnsweredWithoutAMutatingCall() {
        sandbox.users.get("ci-deployer").keys.put(KEY, "Inactive");
        ActionPlan plan = executor.plan(disableKey());
        assertThat(plan.isNoOp()).isTrue();
        assertThat(plan.calls()).isEmpty();
        ExecutionResult result = executor.execute(plan, "action-2");
        assertThat(result.alreadyApplied()).isTrue();
        assertThat(mutatingActions()).isEmpty();
    }

    @Test
    void verifyReadsBackAndRevertRestoresExactly() {
        ActionPlan plan = executor.plan(disableKey());
        executor.execute(plan, "action-3");
        Verification verified = executor.verify(plan);
        assertThat(verified.inPostState()).isTrue();
        assertThat(verified.detail()).isEmpty();

        RevertResult reverted = executor.revert(plan, false);
        assertThat(reverted.restored().sameStateAs(plan.preState())).isTrue();
        assertThat(reverted.performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", KEY, true));
        assertThat(sandbox.users.get("ci-deployer").keys).containsEntry(KEY, "Active");
        assertThat(executor.verify(plan).inPostState()).isFalse();
        // reverting again finds the pre-state, which is not the post-state: drift, nothing called
        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIFT));
        assertThat(executor.revert(plan, true).performed()).isEmpty();
        assertThat(mutatingActions()).containsExactly("UpdateAccessKey", "UpdateAccessKey");
    }

    @Test
    void outOfBandChangeMakesRevertRefuseWithDriftUnlessForced() {
        sandbox.users.get("ci-deployer").keys.put(KEY, "Active");
        ActionPlan plan = executor.plan(disableKey());
        executor.execute(plan, "action-4");
        // the key's state changes out of band after the action (here: it expires)
        sandbox.users.get("ci-deployer").keys.put(KEY, "Expired");
        Verification verified = executor.verify(plan);
        assertThat(verified.inPostState()).isFalse();
        assertThat(verified.detail()).isEqualTo("accessKey/" + KEY + "/status: expected Inactive, found Expired");
        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DRIFT);
            assertThat(e.getMessage()).contains("expected Inactive, found Expired").contains("an approver may force it");
        });
        assertThat(mutatingActions()).containsExactly("UpdateAccessKey");
        RevertResult forced = executor.revert(plan, true);
        assertThat(forced.restored().state()).containsEntry("accessKey/" + KEY + "/status", "Active");
    }

    @Test
    void refusesSessionKeysNonUsersAndForeignKeys() {
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, ROLE, "iam_role", new CredentialRef("ASIAEXAMPLESESSION1", "session_key"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                    assertThat(e.getMessage()).contains("temporary session key ASIAEXAMPLESESSION1").contains("quarantine_session");
                });
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, ROLE, "iam_role", new CredentialRef(KEY, "access_key"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, USER, "iam_user", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, USER, "iam_user", new CredentialRef("AKIANOTTHISUSERS01", "access_key"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("access key AKIANOTTHISUSERS01 is not a key of IAM user ci-deployer");
                });
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, "arn:aws:iam::123456789012:user/gone", "iam_user",
                new CredentialRef(KEY, "access_key")))).isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).startsWith("iam:ListAccessKeys on gone: NoSuchEntity (HTTP 404)");
                });
        assertThat(mutatingActions()).isEmpty();
    }

    // ---- quarantine_session ----

    @Test
    void roleSessionsAreRevokedByATokenIssueTimeDenyFixedAtExecutionAndRevertDeletesIt() {
        ActionPlan plan = executor.plan(request(Rung.QUARANTINE_SESSION, ROLE, "iam_role", null));
        assertThat(mutatingActions()).isEmpty();
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.preState().state()).containsEntry("role/app-server/inlinePolicy/AWSRevokeOlderSessions", "(absent)");
        assertThat(plan.details().get("policyDocument")).isEqualTo("{\"Statement\":[{\"Action\":[\"*\"],\"Condition\":{\"DateLessThan\":"
                + "{\"aws:TokenIssueTime\":\"(time of execution)\"}},\"Effect\":\"Deny\",\"Resource\":[\"*\"]}],\"Version\":\"2012-10-17\"}");
        assertThat(plan.summary()).isEqualTo("Revoke sessions of IAM role app-server issued before the time of execution (inline policy AWSRevokeOlderSessions)");

        // held for approval a while: re-planning the unchanged role gives the same plan
        clock.advance(Duration.ofMinutes(10));
        ActionPlan again = executor.plan(request(Rung.QUARANTINE_SESSION, ROLE, "iam_role", null));
        assertThat(again.calls()).isEqualTo(plan.calls());
        assertThat(again.preState().state()).isEqualTo(plan.preState().state());
        assertThat(again.postState().state()).isEqualTo(plan.postState().state());
        assertThat(again.details()).isEqualTo(plan.details());

        ExecutionResult result = executor.execute(plan, "q-1");
        assertThat(result.alreadyApplied()).isFalse();
        // the cut-off is the time of execution, to the second
        String document = SessionRevocation.revokeDocument(Instant.parse("2024-06-01T12:10:00Z"));
        assertThat(sandbox.roles.get("app-server").inline).containsEntry("AWSRevokeOlderSessions", document);
        assertThat(result.postState().sameStateAs(plan.postState())).isTrue();
        assertThat(executor.verify(plan).inPostState()).isTrue(); // read back URL-encoded, compared canonically
        assertThat(executor.execute(plan, "q-2").alreadyApplied()).isTrue();

        RevertResult reverted = executor.revert(plan, false);
        assertThat(reverted.performed()).containsExactly(new PlatformCall("iam:DeleteRolePolicy", "app-server/AWSRevokeOlderSessions", true));
        assertThat(sandbox.roles.get("app-server").inline).isEmpty();
        assertThat(mutatingActions()).containsExactly("PutRolePolicy", "DeleteRolePolicy");
    }

    @Test
    void anEarlierRevocationIsReplacedAndPutBackOnRevert() {
        String earlier = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\","
                + " \"Condition\": {\"DateLessThan\": {\"aws:TokenIssueTime\": \"2024-01-01T00:00:00Z\"}}}}";
        sandbox.roles.get("app-server").inline.put("AWSRevokeOlderSessions", earlier);
        ActionPlan plan = executor.plan(request(Rung.QUARANTINE_SESSION, ROLE, "iam_role", null));
        assertThat(plan.preState().state().values()).singleElement().asString().contains("2024-01-01T00:00:00Z").doesNotContain(" ");
        executor.execute(plan, "q-3");
        assertThat(sandbox.roles.get("app-server").inline.get("AWSRevokeOlderSessions")).contains("2024-06-01T12:00:00Z");
        executor.revert(plan, false);
        assertThat(sandbox.roles.get("app-server").inline.get("AWSRevokeOlderSessions")).contains("2024-01-01T00:00:00Z");
        assertThat(mutatingActions()).containsExactly("PutRolePolicy", "PutRolePolicy");
    }

    @Test
    void sessionQuarantineNeedsAnIamUserOrRoleThatExists() {
        String session = "arn:aws:sts::123456789012:assumed-role/app-server/i-0abc";
        assertThatThrownBy(() -> executor.plan(request(Rung.QUARANTINE_SESSION, session, "assumed_role", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                    assertThat(e.getMessage()).isEqualTo("Connector 'aws' does not support quarantine_session for assumed_role " + session
                            + ": it acts on IAM role or user ARNs (arn:aws:iam::<account>:role/<name>)");
                });
        assertThatThrownBy(() -> executor.plan(request(Rung.QUARANTINE_SESSION, "arn:aws:iam::123456789012:role/missing", "iam_role", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> executor.plan(request(Rung.QUARANTINE_SESSION, "arn:aws:iam::123456789012:user/gone", "iam_user", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).startsWith("iam:GetUser on gone: NoSuchEntity (HTTP 404)");
                });
        assertThat(actions()).containsExactly("GetRole", "GetUser");
    }

    // ---- quarantine_session on an IAM user: its GetSessionToken / GetFederationToken credentials ----

    static ActionRequest quarantineUser() {
        return request(Rung.QUARANTINE_SESSION, USER, "iam_user", null);
    }

    @Test
    void userTemporaryCredentialsAreRevokedByATokenIssueTimeDenyAndRevertDeletesIt() {
        ActionPlan plan = executor.plan(quarantineUser());
        assertThat(actions()).containsExactly("GetUser", "GetUserPolicy");
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.preState().state()).isEqualTo(Map.of("user/ci-deployer/inlinePolicy/AWSRevokeOlderSessions", "(absent)"));
        String planned = plan.details().get("policyDocument");
        // the same document as for a role (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html)
        assertThat(planned).isEqualTo("{\"Statement\":[{\"Action\":[\"*\"],\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":"
                + "\"(time of execution)\"}},\"Effect\":\"Deny\",\"Resource\":[\"*\"]}],\"Version\":\"2012-10-17\"}");
        assertThat(plan.postState().state()).isEqualTo(Map.of("user/ci-deployer/inlinePolicy/AWSRevokeOlderSessions", planned));
        assertThat(plan.details()).containsEntry("userName", "ci-deployer").doesNotContainKey("roleName")
                .containsEntry("tokenIssueTimeCutoff", "(time of execution)");
        assertThat(plan.calls()).containsExactly(new PlatformCall("iam:PutUserPolicy", "ci-deployer/AWSRevokeOlderSessions", true));
        assertThat(plan.summary()).isEqualTo("Revoke temporary credentials of IAM user ci-deployer issued before the time of execution"
                + " (inline policy AWSRevokeOlderSessions; its long-lived access keys stay active)");
        String document = SessionRevocation.revokeDocument(Instant.parse("2024-06-01T12:00:00Z"));

        ExecutionResult result = executor.execute(plan, "u-1");
        assertThat(result.alreadyApplied()).isFalse();
        assertThat(result.performed()).isEqualTo(plan.calls());
        assertThat(result.postState().sameStateAs(plan.postState())).isTrue();
        IamSandbox.User user = sandbox.users.get("ci-deployer");
        assertThat(user.inline).containsExactly(Map.entry("AWSRevokeOlderSessions", document));
        // the long-lived keys are disable_credential's business
        assertThat(user.keys).containsEntry(KEY, "Active").containsEntry("AKIAOTHERKEYEXAMPLE1", "Active");
        Verification verified = executor.verify(plan); // read back URL-encoded, compared canonically
        assertThat(verified.inPostState()).isTrue();
        assertThat(verified.detail()).isEmpty();

        assertThat(executor.execute(plan, "u-1").alreadyApplied()).isTrue();
        ActionPlan again = executor.plan(quarantineUser());
        assertThat(again.isNoOp()).isTrue();
        assertThat(executor.execute(again, "u-2").alreadyApplied()).isTrue();

        RevertResult reverted = executor.revert(plan, false);
        assertThat(reverted.performed()).containsExactly(new PlatformCall("iam:DeleteUserPolicy", "ci-deployer/AWSRevokeOlderSessions", true));
        assertThat(reverted.restored().sameStateAs(plan.preState())).isTrue();
        assertThat(user.inline).isEmpty();
        assertThat(executor.verify(plan).inPostState()).isFalse();
        assertThat(mutatingActions()).containsExactly("PutUserPolicy", "DeleteUserPolicy");
    }

    @Test
    void anEarlierUserRevocationIsReplacedAndPutBackOnRevert() {
        String earlier = "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Deny\", \"Action\": \"*\", \"Resource\": \"*\","
                + " \"Condition\": {\"DateLessThan\": {\"aws:TokenIssueTime\": \"2024-01-01T00:00:00Z\"}}}}";
        IamSandbox.User user = sandbox.users.get("ci-deployer");
        user.inline.put("AWSRevokeOlderSessions", earlier);
        user.inline.put("deploy-artifacts", "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        ActionPlan plan = executor.plan(quarantineUser());
        assertThat(plan.preState().state().values()).singleElement().asString().contains("2024-01-01T00:00:00Z").doesNotContain(" ");
        executor.execute(plan, "u-3");
        assertThat(user.inline.get("AWSRevokeOlderSessions")).contains("2024-06-01T12:00:00Z");
        RevertResult reverted = executor.revert(plan, false);
        assertThat(reverted.performed()).containsExactly(new PlatformCall("iam:PutUserPolicy", "ci-deployer/AWSRevokeOlderSessions", true));
        assertThat(reverted.restored().sameStateAs(plan.preState())).isTrue();
        assertThat(user.inline.get("AWSRevokeOlderSessions")).contains("2024-01-01T00:00:00Z");
        assertThat(user.inline).containsKey("deploy-artifacts"); // other inline policies are never touched
        assertThat(mutatingActions()).containsExactly("PutUserPolicy", "PutUserPolicy");
    }

    @Test
    void aUserRevocationChangedOutOfBandIsDriftUntilAnApproverForcesTheRevert() {
        ActionPlan plan = executor.plan(quarantineUser());
        executor.execute(plan, "u-4");
        // someone moves the cut-off back at the console: newer stolen sessions would work again
        String weakened = SessionRevocation.revokeDocument(Instant.parse("2024-05-01T00:00:00Z"));
        sandbox.users.get("ci-deployer").inline.put("AWSRevokeOlderSessions", weakened);

        Verification verified = executor.verify(plan);
        assertThat(verified.inPostState()).isFalse();
        assertThat(verified.detail()).startsWith("user/ci-deployer/inlinePolicy/AWSRevokeOlderSessions: expected {")
                .contains("found {");
        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DRIFT);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).contains("user/ci-deployer/inlinePolicy/AWSRevokeOlderSessions").contains("an approver may force it");
        });
        assertThat(sandbox.users.get("ci-deployer").inline).containsEntry("AWSRevokeOlderSessions", weakened);
        assertThat(mutatingActions()).containsExactly("PutUserPolicy");

        RevertResult forced = executor.revert(plan, true);
        assertThat(forced.performed()).containsExactly(new PlatformCall("iam:DeleteUserPolicy", "ci-deployer/AWSRevokeOlderSessions", true));
        assertThat(sandbox.users.get("ci-deployer").inline).isEmpty();
        // deleted out of band after that: already the pre-state, so a forced revert calls nothing
        assertThat(executor.revert(plan, true).performed()).isEmpty();
        assertThat(mutatingActions()).containsExactly("PutUserPolicy", "DeleteUserPolicy");
    }

    // ---- disable_identity ----

    @Test
    void denyAllIsAttachedToAUserAndDetachedOnRevert() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, USER, "iam_user", new CredentialRef(KEY, "access_key")));
        assertThat(plan.preState().state()).isEqualTo(Map.of("user/ci-deployer/managedPolicy/AWSDenyAll", "detached"));
        assertThat(plan.calls()).containsExactly(new PlatformCall("iam:AttachUserPolicy", "ci-deployer/AWSDenyAll", true));
        executor.execute(plan, "d-1");
        assertThat(sandbox.users.get("ci-deployer").attached).containsExactly("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AWSDenyAll");
        assertThat(executor.verify(plan).inPostState()).isTrue();
        executor.revert(plan, false);
        assertThat(sandbox.users.get("ci-deployer").attached).containsExactly("arn:aws:iam::aws:policy/ReadOnlyAccess");
        assertThat(mutatingActions()).containsExactly("AttachUserPolicy", "DetachUserPolicy");
    }

    @Test
    void denyAllOnARoleReadsEveryPageAndDetectsDrift() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, ROLE, "iam_role", null));
        assertThat(actions()).containsExactly("ListAttachedRolePolicies", "ListAttachedRolePolicies", "ListAttachedRolePolicies");
        executor.execute(plan, "d-2");
        assertThat(sandbox.roles.get("app-server").attached).hasSize(4).contains("arn:aws:iam::aws:policy/AWSDenyAll");
        sandbox.roles.get("app-server").attached.remove("arn:aws:iam::aws:policy/AWSDenyAll"); // detached by hand
        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.getMessage()).contains("role/app-server/managedPolicy/AWSDenyAll: expected attached, found detached"));
        assertThat(executor.revert(plan, true).performed()).isEmpty(); // already in the pre-state
        assertThat(mutatingActions()).containsExactly("AttachRolePolicy");
    }

    @Test
    void plansOfAnotherConnectorAreRefused() {
        ActionPlan plan = executor.plan(disableKey());
        ActionPlan foreign = new ActionPlan("okta", plan.request(), plan.calls(), plan.reversibility(), plan.preState(),
                plan.postState(), plan.summary(), plan.details());
        assertThatThrownBy(() -> executor.execute(foreign, "x")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
    }

    // ---- faults ----

    private void fault(String action, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        server.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(matching(IamSandbox.actionPattern(action))).willReturn(response));
    }

    @Test
    void throttlingIsRetriable() {
        // Query API throttling: HTTP 400 with <Code>Throttling</Code> (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html)
        fault("UpdateAccessKey", aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                .withBody(IamSandbox.errorXml("Throttling", "Rate exceeded")));
        ActionPlan plan = executor.plan(disableKey());
        assertThatThrownBy(() -> executor.execute(plan, "t-1")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).startsWith("iam:UpdateAccessKey on " + KEY + ": Throttling (HTTP 400): Rate exceeded [request ");
            assertThat(e.getMessage()).doesNotContain("test-secret");
        });
        assertThat(mutatingActions()).containsExactly("UpdateAccessKey"); // one attempt: retries are the host's decision
    }

    @Test
    void serviceUnavailableIsRetriable() {
        // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: ServiceUnavailable, HTTP 503
        fault("ListAccessKeys", aResponse().withStatus(503).withHeader("Content-Type", "text/xml")
                .withBody(IamSandbox.errorXml("ServiceUnavailable", "The request has failed due to a temporary failure of the server.")));
        assertThatThrownBy(() -> executor.plan(disableKey())).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
    }

    @Test
    void noAnswerInTimeIsATimeout() {
        ActionPlan plan = executor.plan(disableKey());
        fault("UpdateAccessKey", aResponse().withFixedDelay(3_000).withStatus(200).withBody(""));
        try (IamClient impatient = client(Duration.ofMillis(300))) {
            IamActionExecutor hurried = new IamActionExecutor("aws", impatient, NO_SECRETS, Clock.fixed(NOW, ZoneOffset.UTC));
            assertThatThrownBy(() -> hurried.execute(plan, "slow-1")).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                assertThat(e.getMessage()).contains("the effect of a change is unknown");
            });
        }
    }

    @Test
    void accessDeniedAndUnreadableAnswers() {
        // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: AccessDenied, HTTP 403
        fault("AttachUserPolicy", aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
                .withBody(IamSandbox.errorXml("AccessDenied", "User is not authorized to perform iam:AttachUserPolicy")));
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, USER, "iam_user", null));
        assertThatThrownBy(() -> executor.execute(plan, "denied")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        fault("ListAccessKeys", aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("<ListAccessKeysResponse><unclosed"));
        assertThatThrownBy(() -> executor.plan(disableKey())).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }

    @Test
    void userRevocationFaultsAreRetriableAndLeaveTheStateAsItWas() {
        // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: Throttling (HTTP 400) and ServiceUnavailable (HTTP 503)
        fault("GetUserPolicy", aResponse().withStatus(503).withHeader("Content-Type", "text/xml")
                .withBody(IamSandbox.errorXml("ServiceUnavailable", "The request has failed due to a temporary failure of the server.")));
        assertThatThrownBy(() -> executor.plan(quarantineUser())).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).startsWith("iam:GetUserPolicy on ci-deployer: ServiceUnavailable (HTTP 503)");
        });
        server.resetMappings();
        sandbox.stubActions(server);

        ActionPlan plan = executor.plan(quarantineUser());
        fault("PutUserPolicy", aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                .withBody(IamSandbox.errorXml("Throttling", "Rate exceeded")));
        assertThatThrownBy(() -> executor.execute(plan, "u-5")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).startsWith("iam:PutUserPolicy on ci-deployer: Throttling (HTTP 400): Rate exceeded");
        });
        assertThat(sandbox.users.get("ci-deployer").inline).isEmpty();
        server.resetMappings();
        sandbox.stubActions(server);
        // the host retries under the same key: a failed attempt was not remembered as applied
        assertThat(executor.execute(plan, "u-5").alreadyApplied()).isFalse();
        assertThat(executor.verify(plan).inPostState()).isTrue();

        fault("DeleteUserPolicy", aResponse().withStatus(500).withHeader("Content-Type", "text/xml")
                .withBody(IamSandbox.errorXml("ServiceFailure", "The request processing has failed because of an unknown error.")));
        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.retriable()).isTrue());
        assertThat(executor.verify(plan).inPostState()).isTrue();
        server.resetMappings();
        sandbox.stubActions(server);
        assertThat(executor.revert(plan, false).performed())
                .containsExactly(new PlatformCall("iam:DeleteUserPolicy", "ci-deployer/AWSRevokeOlderSessions", true));
        assertThat(mutatingActions()).containsExactly("PutUserPolicy", "PutUserPolicy", "DeleteUserPolicy", "DeleteUserPolicy");
    }
}

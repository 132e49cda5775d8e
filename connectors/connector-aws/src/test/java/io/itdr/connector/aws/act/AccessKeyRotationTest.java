package io.itdr.connector.aws.act;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.fixture.aws.SecretsManagerSandbox;
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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * rotate_credential against the stateful IAM sandbox ({@link IamSandbox}, which issues a fresh
 * secret per CreateAccessKey: the canary) and the Secrets Manager sandbox ({@link SecretsManagerSandbox}).
 */
class AccessKeyRotationTest {
    static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    static final String USER = "arn:aws:iam::123456789012:user/ci-deployer";
    static final String OLD = "AKIAIOSFODNN7EXAMPLE";
    static final String DESTINATION = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:ci-deployer/aws-key-AbCdEf";
    static final String OLD_VERSION = "11111111-2222-3333-4444-555555555555";
    static final String OLD_KEY_STATE = "accessKey/" + OLD + "/status";
    static final String NEW_KEY_STATE = "user/ci-deployer/newAccessKey/status";
    static final String SECRET_STATE = "secret/" + DESTINATION + "/AWSCURRENT";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IamSandbox iamSandbox = new IamSandbox();
    private final SecretsManagerSandbox secretsSandbox = new SecretsManagerSandbox();
    private final List<String> regions = Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> clients = new ArrayList<>();
    private WireMockServer server;
    private IamActionExecutor executor;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(iamSandbox, secretsSandbox));
        server.start();
        iamSandbox.stubActions(server);
        secretsSandbox.stubActions(server);
        IamSandbox.User user = new IamSandbox.User();
        user.keys.put(OLD, "Active");
        iamSandbox.users.put("ci-deployer", user);
        secretsSandbox.addSecret(DESTINATION, OLD_VERSION, "{\"AccessKeyId\":\"" + OLD + "\",\"SecretAccessKey\":\"(old)\"}");
        executor = executor(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** An executor whose IAM and Secrets Manager calls each give up after the given time. */
    IamActionExecutor executor(Duration iamTimeout, Duration secretsTimeout) {
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTEXAMPLE", "test-secret"));
        IamClient iam = IamClient.builder().endpointOverride(URI.create(server.baseUrl())).region(Region.US_EAST_1)
                .credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)).apiCallTimeout(iamTimeout)).build();
        SecretsManagerClient secrets = SecretsManagerClient.builder().endpointOverride(URI.create(server.baseUrl()))
                .region(Region.EU_WEST_1).credentialsProvider(credentials)
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)).apiCallTimeout(secretsTimeout)).build();
        clients.add(iam);
        clients.add(secrets);
        return new IamActionExecutor("aws", iam, region -> {
            regions.add(region);
            return secrets;
        }, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        server.stop();
    }

    static ActionRequest rotation(Map<String, String> parameters) {
        return new ActionRequest(Rung.ROTATE_CREDENTIAL, new ActionTarget("123456789012", new IdentityRef(USER, "iam_user", "ci-deployer"),
                new CredentialRef(OLD, "access_key")), parameters);
    }

    static ActionRequest rotation() {
        return rotation(Map.of("secret-destination", DESTINATION));
    }

    List<String> actions() {
        return IamSandbox.actions(server);
    }

    long count(String action) {
        return actions().stream().filter(action::equals).count();
    }

    Map<String, String> keys() {
        return iamSandbox.users.get("ci-deployer").keys;
    }

    String newKey() {
        return keys().keySet().stream().filter(k -> !k.equals(OLD)).findFirst().orElseThrow();
    }

    SecretsManagerSandbox.Secret secret() {
        return secretsSandbox.secrets.get(DESTINATION);
    }

    /** Fails when any secret the sandbox issued shows in the text of {@code things} (exceptions with their whole chain). */
    void assertNoSecretIn(Object... things) {
        assertThat(iamSandbox.issuedSecrets).as("secrets issued, else this check checks nothing").isNotEmpty();
        for (Object thing : things) {
            String text = String.valueOf(thing);
            if (thing instanceof Throwable t) {
                StringWriter trace = new StringWriter();
                t.printStackTrace(new PrintWriter(trace));
                text = trace.toString();
            }
            for (String secret : iamSandbox.issuedSecrets.values()) {
                assertThat(text).as("text of %s", thing == null ? null : thing.getClass().getSimpleName()).doesNotContain(secret);
            }
        }
    }

    static ConnectorException failure(Runnable call) {
        try {
            call.run();
        } catch (ConnectorException e) {
            return e;
        }
        throw new AssertionError("expected a ConnectorException");
    }

    @Test
    void planReadsOnlyAndSaysWhatWillHappen() {
        ActionPlan plan = executor.plan(rotation());
        assertThat(actions()).containsOnly("ListAccessKeys", "DescribeSecret");
        assertThat(regions).containsOnly("eu-west-1");
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.preState().state()).isEqualTo(Map.of(OLD_KEY_STATE, "Active", NEW_KEY_STATE, "(absent)", SECRET_STATE, OLD_VERSION));
        assertThat(plan.postState().state()).isEqualTo(Map.of(OLD_KEY_STATE, "Inactive", NEW_KEY_STATE, "Active",
                SECRET_STATE, "(version holding the new access key)"));
        assertThat(plan.calls()).containsExactly(new PlatformCall("iam:CreateAccessKey", "ci-deployer", true),
                new PlatformCall("secretsmanager:PutSecretValue", DESTINATION, true), new PlatformCall("iam:UpdateAccessKey", OLD, true));
        assertThat(plan.summary()).isEqualTo("Rotate access key " + OLD + " of IAM user ci-deployer: create a new key, store it in Secrets"
                + " Manager secret " + DESTINATION + ", deactivate " + OLD + " (kept, never deleted)");
        assertThat(plan.details()).containsEntry("keysAtPlan", OLD).containsEntry("secretDestination", DESTINATION);
    }

    @Test
    void rotatesStoresTheNewKeyAndDeactivatesTheOld() throws Exception {
        ActionPlan plan = executor.plan(rotation());
        ExecutionResult result = executor.execute(plan, "rotate-1");
        String newKey = newKey();
        assertThat(result.alreadyApplied()).isFalse();
        assertThat(result.performed()).containsExactly(new PlatformCall("iam:CreateAccessKey", "ci-deployer/" + newKey, true),
                new PlatformCall("secretsmanager:PutSecretValue", DESTINATION, true), new PlatformCall("iam:UpdateAccessKey", OLD, true));
        assertThat(result.postState().sameStateAs(plan.postState())).isTrue();
        assertThat(keys()).containsEntry(OLD, "Inactive").containsEntry(newKey, "Active").hasSize(2);

        // the destination holds the new key with the secret IAM issued for it, as its current version
        assertThat(secretsSandbox.puts).singleElement().satisfies(put -> {
            assertThat(put.secretId()).isEqualTo(DESTINATION);
            assertThat(put.clientRequestToken()).isEqualTo(AccessKeyRotation.versionId(newKey));
        });
        JsonNode stored = JSON.readTree(secret().versions.get(secret().current()));
        assertThat(stored.path("AccessKeyId").asText()).isEqualTo(newKey);
        assertThat(stored.path("SecretAccessKey").asText()).isEqualTo(iamSandbox.issuedSecrets.get(newKey));
        assertThat(secret().stages).containsEntry("AWSPREVIOUS", OLD_VERSION);

        Verification verified = executor.verify(plan);
        assertThat(verified.inPostState()).isTrue();
        assertThat(verified.detail()).isEmpty();

        // again, under the same key or another: nothing more happens
        ExecutionResult same = executor.execute(plan, "rotate-1");
        ExecutionResult other = executor.execute(plan, "rotate-2");
        assertThat(same.alreadyApplied()).isTrue();
        assertThat(other.alreadyApplied()).isTrue();
        assertThat(other.performed()).isEmpty();
        assertThat(count("CreateAccessKey")).isEqualTo(1);
        assertThat(count("PutSecretValue")).isEqualTo(1);
        assertNoSecretIn(plan, result, same, other, verified, plan.preState(), result.postState());
    }

    @Test
    void withoutASecretDestinationRotationIsRefusedAtPlan() {
        for (Map<String, String> parameters : List.<Map<String, String>>of(Map.of(), Map.of("secret-destination", " "))) {
            assertThatThrownBy(() -> executor.plan(rotation(parameters))).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                assertThat(e.getMessage()).startsWith("rotation needs a secret destination: rotating access key " + OLD
                        + " of IAM user ci-deployer creates a new secret").contains("'secret-destination'");
            });
        }
        assertThatThrownBy(() -> executor.plan(rotation(Map.of("secret-destination", "arn:aws:s3:::bucket/key"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).contains("not a Secrets Manager secret ARN");
                });
        assertThat(actions()).isEmpty();
    }

    @Test
    void aUserWithTwoKeysIsRefusedAtPlan() {
        keys().put("AKIASECONDKEY000001", "Inactive");
        assertThatThrownBy(() -> executor.plan(rotation())).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).isEqualTo("will not rotate access key " + OLD + " of IAM user ci-deployer: AWS allows 2 access keys"
                    + " per user, active or not, and it has [" + OLD + ", AKIASECONDKEY000001]; delete one first (itdr never deletes keys)");
        });
        // the secret is read too: a second key that is the current version of the destination would be a rotation done before
        assertThat(actions()).containsOnly("ListAccessKeys", "DescribeSecret");
    }

    @Test
    void planningARotationCarriedOutBeforeFindsItsNewKeyAndNeverAsksForAThird() {
        executor.execute(executor.plan(rotation()), "rotate-9");
        String newKey = newKey();

        ActionPlan again = executor.plan(rotation());
        assertThat(again.isNoOp()).isTrue();
        assertThat(again.calls()).isEmpty();
        assertThat(again.details()).containsEntry("keysAtPlan", OLD);
        assertThat(again.summary()).isEqualTo("Access key " + OLD + " of IAM user ci-deployer was rotated before: its new key " + newKey
                + " is the current version of Secrets Manager secret " + DESTINATION + "; nothing left to do");
        assertThat(executor.execute(again, "rotate-10").alreadyApplied()).isTrue();

        // someone reactivated the old key: planning again completes the rotation with what is left
        keys().put(OLD, "Active");
        ActionPlan rest = executor.plan(rotation());
        assertThat(rest.preState().state()).isEqualTo(Map.of(OLD_KEY_STATE, "Active", NEW_KEY_STATE, "Active",
                SECRET_STATE, "(version holding the new access key)"));
        assertThat(rest.calls()).containsExactly(new PlatformCall("iam:UpdateAccessKey", OLD, true));
        assertThat(rest.summary()).endsWith(DESTINATION + "; deactivate " + OLD);
        assertThat(executor.execute(rest, "rotate-11").performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", OLD, true));
        assertThat(keys()).containsEntry(OLD, "Inactive").containsEntry(newKey, "Active").hasSize(2);

        // its revert gives back what that plan found: both keys active, the new one still current
        RevertResult reverted = executor.revert(rest, false);
        assertThat(reverted.performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", OLD, true));
        assertThat(reverted.restored().sameStateAs(rest.preState())).isTrue();
        assertThat(keys()).containsEntry(OLD, "Active").containsEntry(newKey, "Active");
        assertThat(count("CreateAccessKey")).isEqualTo(1);
        assertThat(count("PutSecretValue")).isEqualTo(1);
    }

    @Test
    void aKeyThatIsNotTheUsersOrAMissingSecretIsRefusedAtPlan() {
        ActionRequest foreign = new ActionRequest(Rung.ROTATE_CREDENTIAL, new ActionTarget(null, IdentityRef.of(USER),
                new CredentialRef("AKIANOTTHISUSERS01", "access_key")), Map.of("secret-destination", DESTINATION));
        assertThat(failure(() -> executor.plan(foreign)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        secretsSandbox.secrets.clear();
        ConnectorException missing = failure(() -> executor.plan(rotation()));
        assertThat(missing.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(missing.getMessage()).startsWith("secretsmanager:DescribeSecret on " + DESTINATION + ": ResourceNotFoundException");
        assertThat(count("CreateAccessKey")).isZero();
    }

    @Test
    void createAccessKeyWithoutAnswerIsATimeoutAndNoSecondKeyIsEverCreated() {
        ActionPlan plan = executor.plan(rotation());
        // IAM creates the key, but its answer (with the only copy of the secret) never arrives in time
        iamSandbox.hooks.delayNext("CreateAccessKey", 1_500);
        ConnectorException timeout = failure(() -> executor(Duration.ofMillis(300), Duration.ofSeconds(5)).execute(plan, "rotate-3"));
        assertThat(timeout.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(timeout.getMessage()).startsWith("iam:CreateAccessKey on ci-deployer: no answer in time");
        String orphan = newKey();
        assertThat(keys()).containsEntry(orphan, "Active").containsEntry(OLD, "Active");

        Verification reconciled = executor.verify(plan);
        assertThat(reconciled.inPostState()).isFalse();
        assertThat(reconciled.observed().state()).containsEntry(NEW_KEY_STATE, "Active").containsEntry(SECRET_STATE, OLD_VERSION);

        // executed again, under the same idempotency key and under a new one: the orphan is found, never a second key made
        ConnectorException lost = failure(() -> executor.execute(plan, "rotate-3"));
        assertThat(lost.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(lost.getMessage()).isEqualTo("access key " + orphan + " of IAM user ci-deployer was created by an earlier attempt of"
                + " this rotation, but its secret never reached " + DESTINATION + " and is gone (itdr keeps no copy), so the key was"
                + " deactivated; delete it (itdr never deletes keys) and plan the rotation again");
        assertThat(keys()).containsEntry(orphan, "Inactive").containsEntry(OLD, "Active");
        ConnectorException again = failure(() -> executor.execute(plan, "rotate-4"));
        assertThat(again.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(again.getMessage()).contains("so the key is inactive");
        assertThat(count("CreateAccessKey")).isEqualTo(1);
        assertThat(count("PutSecretValue")).isZero();
        assertThat(count("UpdateAccessKey")).isEqualTo(1);
        assertNoSecretIn(timeout, lost, again, reconciled);
    }

    /**
     * Rotation lists the user's keys before it creates one: when that list does not answer in time,
     * execution ends in TIMEOUT having created nothing, and executing again creates exactly one key.
     */
    @Test
    void aListWithoutAnswerBeforeCreatingIsATimeoutThatCreatedNothingAndTheRetryCreatesOneKey() {
        ActionPlan plan = executor.plan(rotation());
        iamSandbox.hooks.delayNext("ListAccessKeys", 1_500);
        ConnectorException timeout = failure(() -> executor(Duration.ofMillis(300), Duration.ofSeconds(5)).execute(plan, "rotate-7"));
        assertThat(timeout.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(timeout.getMessage()).startsWith("iam:ListAccessKeys on ci-deployer: no answer in time");
        assertThat(count("CreateAccessKey")).isZero();
        assertThat(keys()).containsOnlyKeys(OLD).containsEntry(OLD, "Active");
        assertThat(executor.verify(plan).inPostState()).isFalse();

        ExecutionResult done = executor.execute(plan, "rotate-7");
        assertThat(done.alreadyApplied()).isFalse();
        assertThat(count("CreateAccessKey")).isEqualTo(1);
        assertThat(keys()).hasSize(2).containsEntry(newKey(), "Active").containsEntry(OLD, "Inactive");
        assertThat(executor.verify(plan).inPostState()).isTrue();
        assertNoSecretIn(timeout, done);
    }

    @Test
    void aSecretStoredWithoutAnswerIsAdoptedWhenExecutedAgain() {
        ActionPlan plan = executor.plan(rotation());
        // Secrets Manager stores the value, but its answer is late: the effect is unknown to the connector
        secretsSandbox.hooks.delayNext("PutSecretValue", 1_500);
        ConnectorException timeout = failure(() -> executor(Duration.ofSeconds(5), Duration.ofMillis(300)).execute(plan, "rotate-5"));
        String newKey = newKey();
        assertThat(timeout.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(timeout.getMessage()).startsWith("secretsmanager:PutSecretValue on " + DESTINATION + ": no answer in time")
                .endsWith("; new access key " + newKey + " of IAM user ci-deployer was deactivated, so no active key is left whose"
                        + " secret may not have reached the destination");
        assertThat(keys()).containsEntry(newKey, "Inactive").containsEntry(OLD, "Active");
        assertThat(secret().current()).isEqualTo(AccessKeyRotation.versionId(newKey));

        ExecutionResult adopted = executor.execute(plan, "rotate-5");
        assertThat(adopted.alreadyApplied()).isFalse();
        assertThat(adopted.performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", newKey, true),
                new PlatformCall("iam:UpdateAccessKey", OLD, true));
        assertThat(keys()).containsEntry(newKey, "Active").containsEntry(OLD, "Inactive");
        assertThat(executor.verify(plan).inPostState()).isTrue();
        assertThat(count("CreateAccessKey")).isEqualTo(1);
        assertThat(count("PutSecretValue")).isEqualTo(1);
        assertNoSecretIn(timeout, adopted);
    }

    @Test
    void aFailedPutSecretValueLeavesTheNewKeyInactiveAndTheOldOneWorking() {
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html: AccessDeniedException, HTTP 400
        server.stubFor(post(urlEqualTo("/")).atPriority(1).withHeader("X-Amz-Target", equalTo("secretsmanager.PutSecretValue"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(SecretsManagerSandbox.errorJson("AccessDeniedException",
                                "User is not authorized to perform: secretsmanager:PutSecretValue"))));
        ActionPlan plan = executor.plan(rotation());
        ConnectorException denied = failure(() -> executor.execute(plan, "rotate-6"));
        String newKey = newKey();
        assertThat(denied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(denied.getMessage()).startsWith("secretsmanager:PutSecretValue on " + DESTINATION + ": AccessDeniedException (HTTP 400)")
                .contains("new access key " + newKey + " of IAM user ci-deployer was deactivated");
        assertThat(keys()).containsEntry(newKey, "Inactive").containsEntry(OLD, "Active");
        assertThat(secret().current()).isEqualTo(OLD_VERSION);
        assertThat(executor.verify(plan).inPostState()).isFalse();
        ConnectorException again = failure(() -> executor.execute(plan, "rotate-6"));
        assertThat(again.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(again.getMessage()).contains("its secret never reached " + DESTINATION);
        assertThat(count("CreateAccessKey")).isEqualTo(1);
        assertNoSecretIn(denied, again);
    }

    @Test
    void revertReactivatesTheOldKeyRestoresTheSecretAndDeactivatesTheNewKey() {
        ActionPlan plan = executor.plan(rotation());
        executor.execute(plan, "rotate-7");
        String newKey = newKey();

        RevertResult reverted = executor.revert(plan, false);
        assertThat(reverted.performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", OLD, true),
                new PlatformCall("secretsmanager:UpdateSecretVersionStage", DESTINATION + "/AWSCURRENT", true),
                new PlatformCall("iam:UpdateAccessKey", newKey, true));
        assertThat(keys()).containsEntry(OLD, "Active").containsEntry(newKey, "Inactive").hasSize(2);
        assertThat(secret().current()).isEqualTo(OLD_VERSION);
        assertThat(secret().stages).containsEntry("AWSPREVIOUS", AccessKeyRotation.versionId(newKey));
        // compensated, not restored bit for bit: the new key remains, inactive
        assertThat(reverted.restored().state()).isEqualTo(Map.of(OLD_KEY_STATE, "Active", NEW_KEY_STATE, "Inactive", SECRET_STATE, OLD_VERSION));

        assertThat(failure(() -> executor.revert(plan, false)).code()).isEqualTo(ErrorCode.DRIFT);
        assertThat(executor.revert(plan, true).performed()).isEmpty();
        assertNoSecretIn(reverted);
    }

    @Test
    void aChangeSinceTheRotationMakesRevertRefuseWithDriftUnlessForced() {
        ActionPlan plan = executor.plan(rotation());
        executor.execute(plan, "rotate-8");
        String newKey = newKey();
        keys().put(newKey, "Inactive"); // someone deactivated the new key by hand

        Verification verified = executor.verify(plan);
        assertThat(verified.inPostState()).isFalse();
        assertThat(verified.detail()).isEqualTo(NEW_KEY_STATE + ": expected Active, found Inactive");
        ConnectorException drift = failure(() -> executor.revert(plan, false));
        assertThat(drift.code()).isEqualTo(ErrorCode.DRIFT);
        assertThat(drift.getMessage()).contains(NEW_KEY_STATE + ": expected Active, found Inactive").contains("an approver may force it");
        assertThat(keys()).containsEntry(OLD, "Inactive");

        RevertResult forced = executor.revert(plan, true);
        assertThat(forced.performed()).containsExactly(new PlatformCall("iam:UpdateAccessKey", OLD, true),
                new PlatformCall("secretsmanager:UpdateSecretVersionStage", DESTINATION + "/AWSCURRENT", true));
        assertThat(keys()).containsEntry(OLD, "Active").containsEntry(newKey, "Inactive");
    }

    @Test
    void theNewSecretReachesTheDestinationAndNothingElse() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<Object> seen = new ArrayList<>();
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            System.setErr(capture);
            ActionPlan plan = executor.plan(rotation());
            ExecutionResult result = executor.execute(plan, "canary-1");
            seen.addAll(List.of(plan, result, executor.verify(plan), executor.revert(plan, false), failure(() -> executor.revert(plan, false))));

            // a second user whose secret cannot be stored: the failure path
            IamSandbox.User other = new IamSandbox.User();
            other.keys.put("AKIAOTHERUSERKEY001", "Active");
            iamSandbox.users.put("other", other);
            String missing = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-AbCdEf";
            secretsSandbox.addSecret(missing, null, null);
            ActionPlan otherPlan = executor.plan(new ActionRequest(Rung.ROTATE_CREDENTIAL, new ActionTarget(null,
                    IdentityRef.of("arn:aws:iam::123456789012:user/other"), new CredentialRef("AKIAOTHERUSERKEY001", "access_key")),
                    Map.of("secret-destination", missing)));
            // the secret is deleted while the key is being created: PutSecretValue fails
            iamSandbox.hooks.afterNext("CreateAccessKey", () -> secretsSandbox.secrets.remove(missing));
            ConnectorException notStored = failure(() -> executor.execute(otherPlan, "canary-2"));
            assertThat(notStored.getMessage()).startsWith("secretsmanager:PutSecretValue on " + missing).contains("was deactivated");
            seen.addAll(List.of(otherPlan, notStored, failure(() -> executor.verify(otherPlan))));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(iamSandbox.issuedSecrets).hasSize(2);
        seen.add(printed.toString(StandardCharsets.UTF_8));
        assertNoSecretIn(seen.toArray());
        // the canary is real: the first secret is where it belongs
        String first = iamSandbox.issuedSecrets.values().iterator().next();
        assertThat(secretsSandbox.puts).anySatisfy(put -> assertThat(put.secretString()).contains(first));
    }
}

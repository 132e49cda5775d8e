package io.itdr.connector.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.Sandbox;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connector test kit against the AWS connector and one simulated account ({@link AwsSandbox}). */
class AwsConnectorTckTest extends ConnectorTck {
    private static AwsSandbox sandbox;

    @BeforeAll
    static void startAccount() {
        sandbox = new AwsSandbox();
    }

    @AfterAll
    static void stopAccount() {
        try {
            // every call the kit made the connector send is one the README's policies allow
            DocumentedPermissions.assertAllowed(sandbox.requestedActions);
        } finally {
            sandbox.close();
        }
    }

    @Override
    protected ConnectorFactory factory() {
        return new AwsConnectorFactory();
    }

    /**
     * Static keys and a role assumed with an external id (all three declared secret, so all carry the
     * canary); SDK retries off, as the host retries.
     */
    @Override
    protected Map<String, String> validConfig() {
        return Map.of("access-key-id", "AKIA" + CANARY_SECRET, "secret-access-key", CANARY_SECRET,
                "assume-role-arn", AwsSandbox.roleArn("itdr-responder"), "external-id", "ext-" + CANARY_SECRET, "max-attempts", "1");
    }

    /** The kit's clock and timeout, with IAM, STS, CloudTrail and Secrets Manager pointed at the sandbox. */
    @Override
    protected ConnectorContext context() {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null,
                        Map.of("iam", sandbox.endpoint(), "sts", sandbox.endpoint(), "cloudtrail", sandbox.endpoint(),
                                "secretsmanager", sandbox.endpoint())),
                Map.of(), new RecordingMetrics());
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE, Behavior.EXPORT_NORMALIZER, Behavior.INVENTORY,
                Behavior.ACTIONS, Behavior.HEALTH_CHECK);
    }

    /**
     * The kit sees one effect as "no further mutating call"; for rotation that must mean exactly one
     * new key, stored once, through the connector as the factory builds it (Secrets Manager endpoint
     * included): executed twice under one key, then planned and executed again under another.
     */
    @Test
    void rotationCreatesOneKeyAndStoresItInTheDestinationOnce() {
        ActionExecutor executor = connect().actions();
        ActionRequest rotation = actionRequests().stream().filter(r -> r.rung() == Rung.ROTATE_CREDENTIAL).findFirst().orElseThrow();
        ActionPlan plan = executor.plan(rotation);
        executor.execute(plan, "rotate-1");
        executor.execute(plan, "rotate-1");
        executor.execute(executor.plan(rotation), "rotate-2");

        assertThat(sandbox.callsOf("CreateAccessKey")).isEqualTo(1);
        assertThat(sandbox.callsOf("PutSecretValue")).isEqualTo(1);
        Map<String, String> state = sandbox.snapshotOf(rotation.target());
        String secret = "secret/" + AwsSandbox.SECRET_DESTINATION;
        assertThat(state).containsEntry("user/" + AwsSandbox.ROTATED_USER + "/accessKey/" + AwsSandbox.ROTATED_KEY + "/status", "Inactive")
                .containsEntry(secret + "/AWSPREVIOUS/AccessKeyId", AwsSandbox.ROTATED_KEY);
        String newKey = state.get(secret + "/AWSCURRENT/AccessKeyId");
        assertThat(newKey).isNotEqualTo(AwsSandbox.ROTATED_KEY);
        assertThat(state).containsEntry("user/" + AwsSandbox.ROTATED_USER + "/accessKey/" + newKey + "/status", "Active");
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        IdentityRef user = new IdentityRef(AwsSandbox.userArn(AwsSandbox.USER), "iam_user", AwsSandbox.USER);
        return List.of(
                new ActionRequest(Rung.DISABLE_CREDENTIAL,
                        new ActionTarget(AwsSandbox.ACCOUNT, user, new CredentialRef(AwsSandbox.KEY, "access_key")), Map.of()),
                new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(AwsSandbox.ACCOUNT,
                        new IdentityRef(AwsSandbox.roleArn(AwsSandbox.QUARANTINED_ROLE), "iam_role", AwsSandbox.QUARANTINED_ROLE), null),
                        Map.of()),
                // the user's GetSessionToken credentials (ASIA…): an inline user policy, not its access keys
                new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(AwsSandbox.ACCOUNT, user, null), Map.of()),
                new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(AwsSandbox.ACCOUNT,
                        new IdentityRef(AwsSandbox.roleArn(AwsSandbox.DISABLED_ROLE), "iam_role", AwsSandbox.DISABLED_ROLE), null),
                        Map.of()),
                new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(AwsSandbox.ACCOUNT, user, null), Map.of()),
                new ActionRequest(Rung.ROTATE_CREDENTIAL, new ActionTarget(AwsSandbox.ACCOUNT,
                        new IdentityRef(AwsSandbox.userArn(AwsSandbox.ROTATED_USER), "iam_user", AwsSandbox.ROTATED_USER),
                        new CredentialRef(AwsSandbox.ROTATED_KEY, "access_key")),
                        Map.of("secret-destination", AwsSandbox.SECRET_DESTINATION)));
    }
}

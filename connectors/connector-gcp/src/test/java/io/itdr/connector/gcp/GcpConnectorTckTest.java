package io.itdr.connector.gcp;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.HttpSettings;
import java.time.Duration;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The connector test kit against the Google Cloud connector and one simulated project ({@link GcpSandbox}). */
class GcpConnectorTckTest extends ConnectorTck {
    static GcpSandbox sandbox;

    @BeforeAll
    static void startProject() {
        sandbox = new GcpSandbox();
    }

    @AfterAll
    static void stopProject() {
        sandbox.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new GcpConnectorFactory();
    }

    /**
     * A service account key file (its key id carries the canary) whose token endpoint is the sandbox; one
     * verification read, as the simulation shows a change at once and the kit verifies unexecuted plans
     * (the back-off is GcpActionExecutorTest's).
     */
    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile(CANARY_SECRET),
                "verify-attempts", "1");
    }

    /** The kit's clock and timeout, with Cloud Logging, IAM, Resource Manager and IAM Credentials pointed at the sandbox. */
    @Override
    protected ConnectorContext context() {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null,
                        Map.of("logging", sandbox.endpoint(), "iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint(),
                                "iamcredentials", sandbox.endpoint())),
                Map.of(), new RecordingMetrics());
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return List.of(
                new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(GcpSandbox.PROJECT,
                        new IdentityRef(GcpSandbox.SERVICE_ACCOUNT, "service_account", "Deployer"),
                        new CredentialRef(GcpSandbox.KEY, "service_account_key")), Map.of()),
                new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(GcpSandbox.PROJECT,
                        new IdentityRef(GcpSandbox.BACKUP, "service_account", "Backup"), null), Map.of()),
                new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(GcpSandbox.PROJECT,
                        new IdentityRef(GcpSandbox.REPORTER, "service_account", "Reporter"), null), Map.of()));
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE, Behavior.EXPORT_NORMALIZER, Behavior.HEALTH_CHECK,
                Behavior.INVENTORY, Behavior.ACTIONS);
    }
}

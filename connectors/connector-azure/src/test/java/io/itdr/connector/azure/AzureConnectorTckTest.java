package io.itdr.connector.azure;

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
import java.util.Collections;
import java.util.EnumSet;
import io.itdr.spi.action.ActionRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit against the Azure connector signing in with a client secret to one simulated
 * tenant ({@link AzureSandbox}); {@link AzureConnectorCertificateTckTest} and
 * {@link AzureConnectorDefaultCredentialTckTest} run it in the other sign-in modes.
 */
class AzureConnectorTckTest extends ConnectorTck {
    static final Set<Behavior> BEHAVIORS = Collections.unmodifiableSet(EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE,
            Behavior.EXPORT_NORMALIZER, Behavior.INVENTORY, Behavior.ACTIONS, Behavior.HEALTH_CHECK));
    static AzureSandbox sandbox;

    @BeforeAll
    static void startTenant() {
        sandbox = new AzureSandbox(TckCredentials.TOKEN);
    }

    @AfterAll
    static void stopTenant() {
        sandbox.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new AzureConnectorFactory(new TckCredentials());
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("tenant-id", AzureSandbox.TENANT, "client-id", AzureSandbox.CLIENT, "client-secret", CANARY_SECRET);
    }

    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("client-certificate");
    }

    @Override
    protected ConnectorContext context() {
        return context(sandbox);
    }

    /** The kit's clock and timeout, with Graph pointed at the sandbox. */
    static ConnectorContext context(AzureSandbox sandbox) {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null, Map.of("azure", sandbox.endpoint(), "azure-arm", sandbox.endpoint())), Map.of(),
                new RecordingMetrics());
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return AzureSandbox.actionRequests();
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return BEHAVIORS;
    }
}

package io.itdr.connector.okta;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.Sandbox;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit against the Okta connector signing in with an API token ({@code SSWS}) to
 * one simulated org ({@link OktaSandbox}). {@link OktaConnectorPrivateKeyTckTest} runs it again with a
 * service app's private key.
 */
class OktaConnectorTckTest extends ConnectorTck {
    /** Everything the connector does, in either sign-in mode. */
    static final Set<Behavior> BEHAVIORS = Collections.unmodifiableSet(EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE,
            Behavior.EXPORT_NORMALIZER, Behavior.INVENTORY, Behavior.ACTIONS, Behavior.HEALTH_CHECK));
    private static final String DISABLE_HTTPS_CHECK = "okta.testing.disableHttpsCheck";
    private static OktaSandbox sandbox;
    private static String previousHttpsCheck;

    @BeforeAll
    static void startOrg() {
        // the sandbox is plain http: the SDK accepts that only when told it is a test
        previousHttpsCheck = System.setProperty(DISABLE_HTTPS_CHECK, "true");
        sandbox = new OktaSandbox("SSWS " + CANARY_SECRET);
    }

    @AfterAll
    static void stopOrg() {
        try {
            // every request the kit made the connector send is documented with its scope
            DocumentedPermissions.assertAllowed(sandbox.requests);
        } finally {
            sandbox.close();
            restore(previousHttpsCheck);
        }
    }

    static void restore(String previous) {
        if (previous == null) {
            System.clearProperty(DISABLE_HTTPS_CHECK);
        } else {
            System.setProperty(DISABLE_HTTPS_CHECK, previous);
        }
    }

    @Override
    protected ConnectorFactory factory() {
        return new OktaConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("org-url", "https://" + OktaSandbox.ORG, "api-token", CANARY_SECRET);
    }

    /** The private key belongs to the other way of signing in; {@link OktaConnectorPrivateKeyTckTest} gives it the canary. */
    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("private-key");
    }

    /** The kit's clock and timeout, with the org's endpoint pointed at the sandbox. */
    @Override
    protected ConnectorContext context() {
        return context(sandbox);
    }

    static ConnectorContext context(OktaSandbox sandbox) {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null, Map.of("okta", sandbox.endpoint())), Map.of(),
                new RecordingMetrics());
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return BEHAVIORS;
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return OktaSandbox.actionRequests();
    }
}

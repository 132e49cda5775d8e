package io.itdr.connector.github;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.action.ActionRequest;
import java.util.List;
import io.itdr.spi.HttpSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit against the GitHub connector signing in with a token to one simulated
 * organization ({@link GitHubSandbox}). {@link GitHubAppTckTest} runs it again as a GitHub App installation.
 */
class GitHubConnectorTckTest extends ConnectorTck {
    /** Everything the connector does, in either sign-in mode. */
    static final Set<Behavior> BEHAVIORS = Collections.unmodifiableSet(EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE,
            Behavior.EXPORT_NORMALIZER, Behavior.INVENTORY, Behavior.ACTIONS, Behavior.HEALTH_CHECK));
    private static GitHubSandbox sandbox;

    @BeforeAll
    static void startOrg() {
        sandbox = new GitHubSandbox("Bearer " + CANARY_SECRET, false);
    }

    @AfterAll
    static void stopOrg() {
        sandbox.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new GitHubConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("org", GitHubSandbox.ORG, "token", CANARY_SECRET);
    }

    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("private-key", "managed-app-private-key"); // the managed app is tried in GitHubAppTckTest
    }

    @Override
    protected ConnectorContext context() {
        return context(sandbox);
    }

    static ConnectorContext context(GitHubSandbox sandbox) {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null, Map.of("github", sandbox.endpoint())), Map.of(),
                new RecordingMetrics());
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return sandbox.actionRequests();
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

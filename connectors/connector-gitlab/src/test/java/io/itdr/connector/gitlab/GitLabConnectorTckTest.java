package io.itdr.connector.gitlab;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.Sandbox;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionRequest;
import java.util.List;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The connector test kit against the GitLab connector reading one simulated group's audit events ({@link GitLabSandbox}). */
class GitLabConnectorTckTest extends ConnectorTck {
    private static GitLabSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new GitLabSandbox(CANARY_SECRET);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new GitLabConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("scope", "group", "scope-id", GitLabSandbox.GROUP, "token", CANARY_SECRET);
    }

    @Override
    protected ConnectorContext context() {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null, Map.of("gitlab", sandbox.endpoint())), Map.of(),
                new RecordingMetrics());
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return GitLabSandbox.actionRequests();
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE, Behavior.EXPORT_NORMALIZER, Behavior.INVENTORY, Behavior.ACTIONS, Behavior.HEALTH_CHECK);
    }
}

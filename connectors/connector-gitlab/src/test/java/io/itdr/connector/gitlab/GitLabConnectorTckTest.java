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
import io.itdr.spi.action.Rung;
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

    /**
     * Rotation is left out of the kit's execute fault checks: GitLab's rotate answer carries the only copy of the new
     * token, so when that answer is lost (the platform rotated, the old value is revoked) no retry can make the state of
     * one clean execution again, which is what the check compares with; and a throttled first call leaves a new token id
     * in the simulation's sequence. {@code GitLabActionsTest} covers rotation's faults instead: 429 with Retry-After and
     * a malformed answer on rotate, and a failed variable write (the new token revoked at once).
     */
    @Override
    protected boolean faultChecksExecuteOf(ActionRequest request) {
        return request.rung() != Rung.ROTATE_CREDENTIAL;
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

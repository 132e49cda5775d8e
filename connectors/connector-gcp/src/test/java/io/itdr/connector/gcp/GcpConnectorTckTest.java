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
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The connector test kit against the Google Cloud connector and one simulated project ({@link GcpSandbox}). */
class GcpConnectorTckTest extends ConnectorTck {
    private static GcpSandbox sandbox;

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

    /** A service account key file (its key id carries the canary) whose token endpoint is the sandbox. */
    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile(CANARY_SECRET));
    }

    /** The kit's clock and timeout, with Cloud Logging, IAM and Resource Manager pointed at the sandbox. */
    @Override
    protected ConnectorContext context() {
        return new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                new HttpSettings(Duration.ofSeconds(2), REQUEST_TIMEOUT, null,
                        Map.of("logging", sandbox.endpoint(), "iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint())),
                Map.of(), new RecordingMetrics());
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE, Behavior.EXPORT_NORMALIZER, Behavior.HEALTH_CHECK);
    }
}

package io.itdr.connector.gcp;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorFactory;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;

/** The connector test kit against the Google Cloud connector and one simulated project ({@link GcpSandbox}). */
class GcpConnectorTckTest extends ConnectorTck {
    private static GcpSandbox sandbox;

    @BeforeAll
    static void startProject() {
        sandbox = new GcpSandbox();
    }

    @Override
    protected ConnectorFactory factory() {
        return new GcpConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT);
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_NORMALIZE, Behavior.EXPORT_NORMALIZER);
    }
}

package io.itdr.connector.example;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorFactory;
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

/** The connector test kit against the example connector and its WireMock-simulated platform. */
class ExampleConnectorTckTest extends ConnectorTck {
    private static ExampleSandbox sandbox;

    @BeforeAll
    static void startPlatform() {
        sandbox = new ExampleSandbox(CANARY_SECRET);
    }

    @AfterAll
    static void stopPlatform() {
        sandbox.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new ExampleConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("base-url", sandbox.baseUrl(), "api-token", CANARY_SECRET);
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return EnumSet.of(Behavior.TELEMETRY_POLL, Behavior.TELEMETRY_NORMALIZE, Behavior.EXPORT_NORMALIZER,
                Behavior.INVENTORY, Behavior.ACTIONS, Behavior.HEALTH_CHECK);
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return List.of(
                new ActionRequest(Rung.DISABLE_CREDENTIAL,
                        new ActionTarget(null, new IdentityRef("app-1", "service_app", "ci-deployer"), new CredentialRef("key-1", "api_key")),
                        Map.of()),
                new ActionRequest(Rung.DISABLE_IDENTITY,
                        new ActionTarget(null, new IdentityRef("app-2", "service_app", "report-exporter"), null), Map.of()));
    }
}

package io.itdr.connector.azure;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.KitScope;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The connector test kit signing in with DefaultAzureCredential (a managed or workload identity): no secret in the configuration. */
class AzureConnectorDefaultCredentialTckTest extends ConnectorTck {
    private static AzureSandbox sandbox;

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
        return Map.of("tenant-id", AzureSandbox.TENANT, "default-credential", "true");
    }

    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("client-secret", "client-certificate");
    }

    @Override
    protected ConnectorContext context() {
        return AzureConnectorTckTest.context(sandbox);
    }

    @Override
    protected java.util.List<io.itdr.spi.action.ActionRequest> actionRequests() {
        return AzureSandbox.actionRequests();
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return AzureConnectorTckTest.BEHAVIORS;
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}

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

/** The connector test kit with the app signing in with a client certificate (PEM with its key). */
class AzureConnectorCertificateTckTest extends ConnectorTck {
    /** The kit's canary where the key material would be: the leak watch sees any of it escape. */
    static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB" + CANARY_SECRET + "\n-----END CERTIFICATE-----\n"
            + "-----BEGIN PRIVATE KEY-----\nMIIE" + CANARY_SECRET + "\n-----END PRIVATE KEY-----\n";
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
        return Map.of("tenant-id", AzureSandbox.TENANT, "client-id", AzureSandbox.CLIENT, "client-certificate", PEM);
    }

    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("client-secret");
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

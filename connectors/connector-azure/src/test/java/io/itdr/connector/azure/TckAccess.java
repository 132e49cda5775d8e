package io.itdr.connector.azure;

import com.azure.core.credential.TokenCredential;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigSchema;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/** The kit's sandbox and credentials for tests in other packages. */
public final class TckAccess {
    public static final String TENANT = AzureSandbox.TENANT;

    private TckAccess() {
    }

    public static Function<AzureSettings, TokenCredential> credentials() {
        return new TckCredentials();
    }

    public static Tenant tenant() {
        return new Tenant(new AzureSandbox(TckCredentials.TOKEN));
    }

    /** A simulated tenant and a way to connect to it with a client secret. */
    public static final class Tenant implements AutoCloseable {
        private final AzureSandbox sandbox;

        Tenant(AzureSandbox sandbox) {
            this.sandbox = sandbox;
        }

        public GraphLogSandbox logs() {
            return sandbox.logs();
        }

        public io.itdr.fixture.azure.ArmAuthorizationSandbox rbac() {
            return sandbox.rbac();
        }

        public io.itdr.fixture.azure.ConditionalAccessSandbox conditionalAccess() {
            return sandbox.conditionalAccess();
        }

        public static final String SUBSCRIPTION = AzureSandbox.SUBSCRIPTION;

        public io.itdr.fixture.azure.DirectorySandbox directory() {
            return sandbox.directory();
        }

        public WireMockServer server() {
            return sandbox.server();
        }

        public Connector connect(ConnectorFactory factory, Map<String, String> extra) {
            Map<String, String> config = new HashMap<>(Map.of("tenant-id", TENANT, "client-id", AzureSandbox.CLIENT,
                    "client-secret", ConnectorTck.CANARY_SECRET));
            config.putAll(extra);
            return factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(config),
                    AzureConnectorTckTest.context(sandbox));
        }

        @Override
        public void close() {
            sandbox.close();
        }
    }
}

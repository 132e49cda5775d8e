package io.itdr.connector.azure;

import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.Connector;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Run by {@link EntraSignInTest} in a JVM of its own, whose environment names the simulated managed identity endpoint:
 * the connector with {@code default-credential=true} asks for a token and reads Graph once. Prints {@link #SIGNED_IN}
 * on success; arguments: tenant, authority host, Graph's base URL.
 */
public final class ManagedIdentitySignIn {
    static final String SIGNED_IN = "signed in through the managed identity endpoint";

    private ManagedIdentitySignIn() {
    }

    public static void main(String[] args) {
        AzureConnectorFactory factory = new AzureConnectorFactory(new AzureCredentials(null, null));
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(Map.of(
                        "tenant-id", args[0], "authority-host", args[1], "default-credential", "true")),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW), new HttpSettings(Duration.ofSeconds(5),
                        Duration.ofSeconds(10), null, Map.of("azure", URI.create(args[2]))), Map.of(), new RecordingMetrics()));
        connector.checkHealth();
        System.out.println(SIGNED_IN);
        System.exit(0);
    }
}

package io.itdr.connector.azure;

import com.azure.core.credential.TokenCredential;
import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.connector.azure.telemetry.EventHubSettings;
import io.itdr.connector.azure.telemetry.GraphLogSettings;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The Azure and Microsoft Entra connector plugin ({@code azure}), found with ServiceLoader. Its export
 * normalizer reads Entra sign-in, audit and risk logs and the Azure Activity log offline
 * ({@code itdr replay --source azure}), as Graph returns them or diagnostic settings deliver them; each
 * record names its tenant. Stateless and thread-safe.
 */
public final class AzureConnectorFactory implements ConnectorFactory {
    public static final String ID = AzureLogNormalizer.PLATFORM;
    private static final List<ConfigProperty> PROPERTIES = Stream.of(AzureSettings.PROPERTIES, GraphLogSettings.PROPERTIES,
            EventHubSettings.PROPERTIES, ArmSettings.PROPERTIES)
            .flatMap(List::stream).toList();

    private final Function<AzureSettings, TokenCredential> credentials;

    /** The plugin: credentials from Azure Identity ({@link AzureCredentials}). */
    public AzureConnectorFactory() {
        this(new AzureCredentials());
    }

    /** With another way to make the credential from the settings (a test's, or an embedding host's). */
    public AzureConnectorFactory(Function<AzureSettings, TokenCredential> credentials) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "Azure and Microsoft Entra";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new AzureLogNormalizer());
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new AzureConnector(AzureSettings.from(config), GraphLogSettings.from(config), EventHubSettings.from(config),
                ArmSettings.from(config), credentials, context);
    }
}

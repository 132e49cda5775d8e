package io.itdr.connector.tck.memory;

import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Factory of the in-memory connector the kit tests itself with. Stateless. */
public class MemoryConnectorFactory implements ConnectorFactory {

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                ConfigProperty.required("platform", ConfigType.STRING, "Name of the in-memory platform to connect to."),
                ConfigProperty.secret("api-key", "API key the platform expects on every call.", true),
                ConfigProperty.oneOf("defect", "A deliberate bug to build in, to prove the kit catches it.", "none",
                        Arrays.stream(Defect.values()).map(Defect::configValue).toArray(String[]::new)));
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new MemoryNormalizer());
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Defect defect = Defect.valueOf(config.choice("defect").orElseThrow().toUpperCase(Locale.ROOT).replace('-', '_'));
        String apiKey = config.secret("api-key").orElseThrow().reveal();
        return new MemoryConnector(MemoryPlatform.named(config.string("platform").orElseThrow(), apiKey),
                config.secret("api-key").orElseThrow(), defect, context.clock());
    }
}

package io.itdr.core.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader, tested with deliberately broken plugins, each on a class path of its own. */
class ConnectorRegistryTest {

    public static class GoodFactory implements ConnectorFactory {
        @Override
        public String id() {
            return "good";
        }

        @Override
        public List<ConfigProperty> configProperties() {
            return List.of(ConfigProperty.required("endpoint", ConfigType.URI, "Where the platform API lives"),
                    ConfigProperty.secret("token", "API token", true));
        }

        @Override
        public Connector create(ConnectorConfig config, ConnectorContext context) {
            return new Connector() {
                @Override
                public String id() {
                    return "good";
                }

                @Override
                public Set<Capability> capabilities() {
                    return Set.of();
                }
            };
        }
    }

    public static class FutureSpiFactory extends GoodFactory {
        @Override
        public String id() {
            return "future";
        }

        @Override
        public String spiVersion() {
            return "2.0";
        }
    }

    public static class ExplodingFactory extends GoodFactory {
        public ExplodingFactory() {
            throw new IllegalStateException("static init of the SDK failed");
        }
    }

    public static class DuplicateOne extends GoodFactory {
        @Override
        public String id() {
            return "twin";
        }
    }

    public static class DuplicateTwo extends GoodFactory {
        @Override
        public String id() {
            return "twin";
        }
    }

    public static class BadIdFactory extends GoodFactory {
        @Override
        public String id() {
            return "Bad Id";
        }
    }

    @TempDir
    Path dir;

    private ConnectorRegistry discover(String... classNames) throws IOException {
        Path services = dir.resolve("META-INF/services/" + ConnectorFactory.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, String.join("\n", classNames) + "\n# a comment\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.toUri().toURL()}, getClass().getClassLoader())) {
            return ConnectorRegistry.discover(loader);
        }
    }

    @Test
    void brokenPluginsAreReportedAndTheGoodOneStillLoads() throws IOException {
        ConnectorRegistry registry = discover(GoodFactory.class.getName(), FutureSpiFactory.class.getName(),
                ExplodingFactory.class.getName(), DuplicateOne.class.getName(), DuplicateTwo.class.getName(),
                BadIdFactory.class.getName(), "com.example.Missing");

        assertThat(registry.factories()).containsOnlyKeys("good");
        assertThat(registry.problems()).hasSize(5)
                .anySatisfy(p -> assertThat(p).contains("'future'").contains("built for SPI 2.0"))
                .anySatisfy(p -> assertThat(p).contains("ExplodingFactory").contains("static init of the SDK failed"))
                .anySatisfy(p -> assertThat(p).contains("connector id 'twin' is claimed by 2 plugins"))
                .anySatisfy(p -> assertThat(p).contains("id 'Bad Id' must be lower-case"))
                .anySatisfy(p -> assertThat(p).contains("com.example.Missing"));
    }

    @Test
    void configurationIsValidatedBeforeTheConnectorIsCreated() throws IOException {
        ConnectorRegistry registry = discover(GoodFactory.class.getName());
        HostContext context = HostContext.of(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), Map.of());

        assertThatThrownBy(() -> registry.create("good", Map.of("endpoint", "relative/path"), context))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("endpoint: expected an absolute URI").contains("token: is required");
                });
        assertThatThrownBy(() -> registry.create("okta", Map.of(), context))
                .hasMessageContaining("no connector 'okta'; available: [good]");
        assertThat(registry.create("good", Map.of("endpoint", "https://api.example", "token", "t"), context).id())
                .isEqualTo("good");
    }

    @Test
    void secretReferencesResolveFromEnvironmentAndFiles() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        HostContext context = HostContext.of(Clock.systemUTC(), Map.of("OKTA_TOKEN", "from-env"));
        assertThat(context.resolveSecret("env:OKTA_TOKEN")).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("from-env"));
        assertThat(context.resolveSecret("env:NOPE")).isEmpty();
        assertThat(context.resolveSecret("file:" + file)).hasValueSatisfying(s -> assertThat(s.reveal()).isEqualTo("from-file"));
        assertThatThrownBy(() -> context.resolveSecret("plain-secret-value"))
                .hasMessageNotContaining("plain-secret-value").hasMessageContaining("env: or file:");
    }
}

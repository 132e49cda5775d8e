package io.itdr.core.connect;

import static io.itdr.core.connect.TestPlugins.factory;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin folder, read with deliberately broken plugins beside a good one (Kafka Connect's
 * {@code TestPlugins} style): each problem names the directory, the jar, the class and the reason,
 * and the good plugin still loads.
 */
class PluginFolderTest {
    @TempDir
    Path tmp;

    private Path plugins() {
        return tmp.resolve("plugins");
    }

    private TestPlugins jar() {
        return TestPlugins.jar(tmp.resolve("work"));
    }

    private Path good(String dir, String id) {
        return jar().source("test.good.GoodFactory", factory("test.good.GoodFactory", id, ""))
                .service("test.good.GoodFactory").writeTo(plugins().resolve(dir).resolve("connector-" + id + ".jar"));
    }

    @Test
    void aGoodPluginLoadsFromItsDirectoryInItsOwnClassLoader() {
        good("good", "good");

        ConnectorRegistry registry = ConnectorRegistry.discover(plugins(), getClass().getClassLoader());

        assertThat(registry.problems()).isEmpty();
        assertThat(registry.factories()).containsOnlyKeys("good");
        assertThat(registry.origin("good")).hasValueSatisfying(o -> assertThat(o)
                .contains(plugins().resolve("good").toString()).contains("connector-good.jar").contains("class test.good.GoodFactory"));
        Object factory = ClassLoaderSafe.unwrap(registry.factory("good").orElseThrow());
        assertThat(factory.getClass().getClassLoader()).isInstanceOf(PluginClassLoader.class)
                .hasToString("PluginClassLoader[good]");
        Connector connector = registry.create("good", Map.of(), HostContext.system(Clock.systemUTC()));
        connector.checkHealth(); // throws unless the plugin's loader is the context class loader during the call
    }

    @Test
    void everyBrokenPluginIsNamedWithItsDirectoryJarClassAndReason() throws IOException {
        good("good", "good");
        Files.createDirectories(plugins().resolve("empty"));
        jar().source("test.nosvc.Factory", factory("test.nosvc.Factory", "nosvc", ""))
                .writeTo(plugins().resolve("nosvc").resolve("nosvc.jar"));
        jar().source("test.future.Factory", factory("test.future.Factory", "future", "public String spiVersion() { return \"2.0\"; }"))
                .service("test.future.Factory").writeTo(plugins().resolve("future").resolve("future.jar"));
        jar().service("test.gone.Factory").writeTo(plugins().resolve("gone").resolve("gone.jar"));
        // compiled against Guava, installed without it: the factory cannot be instantiated
        jar().compiledAgainst(TestPlugins.library("guava-25.1-jre.jar"))
                .source("test.nodep.Factory", factory("test.nodep.Factory", "nodep",
                        "private final String helper = com.google.common.base.Strings.nullToEmpty(null);"))
                .service("test.nodep.Factory").writeTo(plugins().resolve("nodep").resolve("nodep.jar"));
        jar().source("test.misnamed.Factory", factory("test.misnamed.Factory", "okta", ""))
                .service("test.misnamed.Factory").writeTo(plugins().resolve("okta2").resolve("okta.jar"));
        jar().source("test.two.A", factory("test.two.A", "two", "")).source("test.two.B", factory("test.two.B", "two", ""))
                .service("test.two.A", "test.two.B").writeTo(plugins().resolve("two").resolve("two.jar"));
        good("notes", "notes");
        Files.writeString(plugins().resolve("notes").resolve("README.txt"), "read me");
        good("nested", "nested");
        Files.createDirectories(plugins().resolve("nested").resolve("lib"));
        Files.writeString(plugins().resolve("stray.jar"), "not a directory");
        Files.writeString(plugins().resolve(".DS_Store"), "ignored");
        Files.createDirectories(plugins().resolve("corrupt"));
        Files.writeString(plugins().resolve("corrupt").resolve("broken.jar"), "not a zip");

        ConnectorRegistry registry = ConnectorRegistry.discover(plugins(), getClass().getClassLoader());

        assertThat(registry.factories()).containsOnlyKeys("good");
        Path p = plugins();
        assertThat(registry.problems()).containsExactlyInAnyOrder(
                p.resolve("corrupt") + ": broken.jar: not a readable jar: zip END header not found",
                p.resolve("empty") + ": empty plugin directory: no jar in it; put the connector's jar and its dependencies there",
                p.resolve("future") + ": future.jar: class test.future.Factory: connector 'future' not loaded: built for SPI 2.0,"
                        + " this host runs SPI " + io.itdr.spi.SpiVersion.CURRENT + " (same major, minor ≤ " + io.itdr.spi.SpiVersion.MINOR + ")",
                p.resolve("gone") + ": gone.jar: class test.gone.Factory: not loadable: ServiceConfigurationError:"
                        + " io.itdr.spi.ConnectorFactory: Provider test.gone.Factory not found",
                p.resolve("nested").resolve("lib") + ": nested directory in plugin nested: jars are read from "
                        + p.resolve("nested") + " itself, never from sub-directories; move its jars up or remove it",
                p.resolve("nodep") + ": nodep.jar: class test.nodep.Factory: not loadable: ServiceConfigurationError:"
                        + " io.itdr.spi.ConnectorFactory: Provider test.nodep.Factory could not be instantiated"
                        + " ← NoClassDefFoundError: com/google/common/base/Strings ← ClassNotFoundException: com.google.common.base.Strings"
                        + " (a jar missing from the plugin directory, or a class the host does not share:"
                        + " only the JDK, io.itdr.spi and org.slf4j come from the host)",
                p.resolve("nosvc") + ": no connector in [nosvc.jar]: none of these jars lists a factory in"
                        + " META-INF/services/io.itdr.spi.ConnectorFactory",
                p.resolve("notes").resolve("README.txt") + ": stray file in plugin notes: a plugin directory holds jars only",
                p.resolve("okta2") + ": okta.jar: class test.misnamed.Factory: connector 'okta' not loaded: its directory must be"
                        + " named after its id; rename okta2 to okta",
                p.resolve("stray.jar") + ": stray file in the plugin folder: it holds one directory per connector ("
                        + p.resolve("<id>") + "/ with the connector's jars); move or remove the file",
                p.resolve("two") + ": 2 connector factories [test.two.A in two.jar, test.two.B in two.jar]: a plugin directory"
                        + " holds exactly one connector; give each its own directory");
    }

    public static class HostTwin extends ConnectorRegistryTest.GoodFactory {
        @Override
        public String id() {
            return "twin";
        }
    }

    @Test
    void anIdClaimedByAPluginAndTheClassPathLoadsFromNeither() throws IOException {
        good("twin", "twin");
        Path services = tmp.resolve("host/META-INF/services/" + ConnectorFactory.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, HostTwin.class.getName() + "\n");
        try (URLClassLoader host = new URLClassLoader(new URL[]{tmp.resolve("host").toUri().toURL()}, getClass().getClassLoader())) {
            ConnectorRegistry registry = ConnectorRegistry.discover(plugins(), host);

            assertThat(registry.factories()).isEmpty();
            assertThat(registry.problems()).containsExactly("connector id 'twin' is claimed by 2 plugins ["
                    + plugins().resolve("twin") + ": connector-twin.jar: class test.good.GoodFactory, class path: class "
                    + HostTwin.class.getName() + "]; none of them is loaded: remove all but one");
        }
    }

    @Test
    void aMissingFolderIsAProblem() {
        ConnectorRegistry registry = ConnectorRegistry.discover(tmp.resolve("nowhere"), getClass().getClassLoader());

        assertThat(registry.problems()).containsExactly(tmp.resolve("nowhere") + ": plugin folder not found (no such directory)");
    }
}

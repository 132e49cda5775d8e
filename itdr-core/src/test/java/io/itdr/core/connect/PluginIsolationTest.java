package io.itdr.core.connect;

import static io.itdr.core.connect.TestPlugins.factory;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.ConnectorFactory;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two plugins that need incompatible versions of one library run side by side, each on its own
 * copy, and neither sees the host's. The library is Guava, which the host has too (33.x, through
 * CEL): {@code legacy} calls {@code Objects.toStringHelper}, removed in Guava 21, and carries Guava
 * 16; {@code modern} calls {@code Strings.lenientFormat}, added in 25.1, and carries Guava 25.1.
 * On one flat class path one of them would fail with {@code NoSuchMethodError}.
 */
class PluginIsolationTest {
    @TempDir
    Path tmp;

    @Test
    void twoPluginsOnIncompatibleVersionsOfOneLibraryBothWork() throws Exception {
        Path plugins = tmp.resolve("plugins");
        Path guava16 = TestPlugins.library("guava-16.0.1.jar");
        Path guava25 = TestPlugins.library("guava-25.1-jre.jar");
        TestPlugins.jar(tmp.resolve("work")).compiledAgainst(guava16)
                .source("test.legacy.LegacyFactory", factory("test.legacy.LegacyFactory", "legacy", """
                          public String displayName() {
                            return com.google.common.base.Objects.toStringHelper("Legacy")
                                .add("guava", com.google.common.base.Objects.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                                .toString();
                          }
                        """))
                .service("test.legacy.LegacyFactory").writeTo(plugins.resolve("legacy/connector-legacy.jar"));
        copy(guava16, plugins.resolve("legacy"));
        TestPlugins.jar(tmp.resolve("work")).compiledAgainst(guava25)
                .source("test.modern.ModernFactory", factory("test.modern.ModernFactory", "modern", """
                          public String displayName() {
                            return com.google.common.base.Strings.lenientFormat("Modern{guava=%s}",
                                com.google.common.base.Strings.class.getProtectionDomain().getCodeSource().getLocation().getPath());
                          }
                        """))
                .service("test.modern.ModernFactory").writeTo(plugins.resolve("modern/connector-modern.jar"));
        copy(guava25, plugins.resolve("modern"));

        ConnectorRegistry registry = ConnectorRegistry.discover(plugins, getClass().getClassLoader());

        assertThat(registry.problems()).isEmpty();
        ConnectorFactory legacy = registry.factory("legacy").orElseThrow();
        ConnectorFactory modern = registry.factory("modern").orElseThrow();
        assertThat(legacy.displayName()).isEqualTo("Legacy{guava=" + plugins.resolve("legacy/guava-16.0.1.jar").toUri().getPath() + "}");
        assertThat(modern.displayName()).isEqualTo("Modern{guava=" + plugins.resolve("modern/guava-25.1-jre.jar").toUri().getPath() + "}");

        // the host's own Guava could have served neither: it lacks the old method, and it is not the plugins' copy
        Class<?> hostObjects = Class.forName("com.google.common.base.Objects");
        assertThat(Arrays.stream(hostObjects.getMethods()).map(m -> m.getName())).doesNotContain("toStringHelper");
        assertThat(TestPlugins.location(hostObjects).getFileName().toString()).startsWith("guava-33");
        ClassLoader legacyLoader = ClassLoaderSafe.unwrap(legacy).getClass().getClassLoader();
        ClassLoader modernLoader = ClassLoaderSafe.unwrap(modern).getClass().getClassLoader();
        assertThat(legacyLoader.loadClass("com.google.common.base.Objects")).isNotSameAs(hostObjects)
                .isNotSameAs(modernLoader.loadClass("com.google.common.base.Objects"));
        // while both share the host's SPI
        assertThat(legacyLoader.loadClass(ConnectorFactory.class.getName())).isSameAs(ConnectorFactory.class);
        assertThat(modernLoader.loadClass(ConnectorFactory.class.getName())).isSameAs(ConnectorFactory.class);
    }

    private static void copy(Path jar, Path dir) throws java.io.IOException {
        java.nio.file.Files.copy(jar, dir.resolve(jar.getFileName()));
    }
}

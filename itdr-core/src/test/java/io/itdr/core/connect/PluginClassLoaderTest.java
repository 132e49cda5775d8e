package io.itdr.core.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorFactory;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plugin's class loader takes from the host: the JDK, the SPI and the SLF4J API, nothing else. */
class PluginClassLoaderTest {
    @TempDir
    Path tmp;

    private final ClassLoader host = getClass().getClassLoader();

    @Test
    void theSpiAndTheSlf4jApiComeFromTheHost() throws Exception {
        try (PluginClassLoader loader = new PluginClassLoader("empty", List.of(), host)) {
            assertThat(loader.loadClass(ConnectorFactory.class.getName())).isSameAs(ConnectorFactory.class);
            assertThat(loader.loadClass("org.slf4j.LoggerFactory")).isSameAs(Class.forName("org.slf4j.LoggerFactory"));
        }
    }

    @Test
    void theJdkComesFromThePlatformAndNothingElseFromTheHost() throws Exception {
        try (PluginClassLoader loader = new PluginClassLoader("empty", List.of(), host)) {
            assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
            assertThat(loader.loadClass("java.sql.Connection")).isSameAs(java.sql.Connection.class);
            // on the host's class path, but not shared
            assertThatThrownBy(() -> loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("com.google.common.base.Strings")).isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass(PluginClassLoaderTest.class.getName())).isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void thePluginsOwnJarsAreSearchedButTheHostsServiceFilesAreNot() throws Exception {
        Path jar = TestPlugins.jar(tmp.resolve("work"))
                .source("test.own.Thing", "package test.own; public class Thing {}")
                .service("test.own.Thing")
                .writeTo(tmp.resolve("plugin/own.jar"));
        try (PluginClassLoader loader = new PluginClassLoader("own", List.of(jar), host)) {
            assertThat(loader.loadClass("test.own.Thing").getClassLoader()).isSameAs(loader);
            assertThat(Collections.list(loader.getResources(PluginFolder.SERVICE_FILE)))
                    .singleElement().satisfies(url -> assertThat(url.toString()).contains("own.jar"));
            assertThat(host.getResource("io/itdr/core/decide/default-policy.yaml")).isNotNull();
            assertThat(loader.getResource("io/itdr/core/decide/default-policy.yaml")).isNull();
        }
    }
}

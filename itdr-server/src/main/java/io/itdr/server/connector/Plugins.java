package io.itdr.server.connector;

import io.itdr.core.connect.ConnectorRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.boot.system.ApplicationHome;

/**
 * Where the server and the command line load connectors from, decided in one place so that
 * {@code serve} and {@code replay --source} load the same way: the plugin folder given
 * ({@code itdr.plugins.dir} or {@code --plugins DIR}), else {@code plugins/} beside the
 * distribution's jar when it exists, else none (connectors on the class path only: embedded use
 * and tests). Each plugin in the folder gets its own class loader, served by this one for the SPI
 * and the SLF4J API.
 *
 * @param folder the plugin folder, when there is one
 */
public record Plugins(Optional<Path> folder) {

    /** @param configured the folder the operator set; null for the default */
    public static Plugins locate(Path configured) {
        if (configured != null) {
            return new Plugins(Optional.of(configured.toAbsolutePath().normalize()));
        }
        return new Plugins(besideTheJar().filter(Files::isDirectory));
    }

    /**
     * For the command line, which has no Spring environment: {@code option} ({@code --plugins}),
     * else the system property {@code itdr.plugins.dir}, else the environment variable
     * {@code ITDR_PLUGINS_DIR} (the names {@code serve} reads too), else the default.
     */
    public static Plugins locateForCommandLine(Path option) {
        if (option != null) {
            return locate(option);
        }
        String configured = System.getProperty("itdr.plugins.dir");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("ITDR_PLUGINS_DIR");
        }
        return locate(configured == null || configured.isBlank() ? null : Path.of(configured));
    }

    /** {@code plugins/} beside the jar the host runs from; empty when it does not run from a jar (IDE, tests). */
    static Optional<Path> besideTheJar() {
        File source = new ApplicationHome(Plugins.class).getSource();
        if (source == null || !source.isFile() || !source.getName().endsWith(".jar")) {
            return Optional.empty();
        }
        return Optional.of(source.toPath().toAbsolutePath().getParent().resolve("plugins"));
    }

    /** Discovers the connectors: the folder's plugins and whatever the host's class path holds. */
    public ConnectorRegistry discover() {
        ClassLoader host = Plugins.class.getClassLoader();
        return folder.map(dir -> ConnectorRegistry.discover(dir, host)).orElseGet(() -> ConnectorRegistry.discover(host));
    }

    /** For messages: where connectors were looked for. */
    public String describe() {
        return folder.map(dir -> "plugin folder " + dir)
                .orElse("the class path only (no plugin folder: itdr.plugins.dir is not set and there is no plugins/ beside the jar)");
    }
}

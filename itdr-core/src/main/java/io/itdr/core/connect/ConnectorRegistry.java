package io.itdr.core.connect;

import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.SpiVersion;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.ConnectorConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The connector plugins found on a class path with {@link ServiceLoader}. A plugin that cannot be
 * loaded (class missing, constructor throws), that was built against an incompatible SPI
 * version, or whose id another plugin also claims is not offered; the reason is kept in
 * {@link #problems()} so the host can print it, and the other plugins still load.
 *
 * <p>Immutable after discovery and thread-safe.
 */
public final class ConnectorRegistry {
    private final Map<String, ConnectorFactory> factories;
    private final List<String> problems;

    private ConnectorRegistry(Map<String, ConnectorFactory> factories, List<String> problems) {
        this.factories = Collections.unmodifiableMap(new TreeMap<>(factories));
        this.problems = List.copyOf(problems);
    }

    /** Discovers plugins visible to {@code loader}. */
    public static ConnectorRegistry discover(ClassLoader loader) {
        Map<String, ConnectorFactory> found = new LinkedHashMap<>();
        Map<String, List<String>> claimants = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Iterator<ConnectorFactory> it = ServiceLoader.load(ConnectorFactory.class, loader).iterator();
        while (true) {
            ConnectorFactory factory;
            try {
                if (!it.hasNext()) {
                    break;
                }
                factory = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add("plugin not loaded: " + rootMessage(e));
                continue;
            }
            String className = factory.getClass().getName();
            String id;
            String version;
            try {
                id = factory.id();
                version = factory.spiVersion();
                factory.configProperties();
            } catch (RuntimeException | LinkageError e) {
                problems.add("plugin " + className + " not loaded: describing itself failed: " + rootMessage(e));
                continue;
            }
            if (id == null || !id.matches("[a-z][a-z0-9-]*")) {
                problems.add("plugin " + className + " not loaded: id '" + id + "' must be lower-case letters, digits and '-'");
                continue;
            }
            if (!SpiVersion.isCompatible(version)) {
                problems.add("plugin '" + id + "' (" + className + ") not loaded: built for SPI " + version
                        + ", this host runs SPI " + SpiVersion.CURRENT + " (same major, minor ≤ " + SpiVersion.MINOR + ")");
                continue;
            }
            claimants.computeIfAbsent(id, k -> new ArrayList<>()).add(className);
            found.putIfAbsent(id, factory);
        }
        claimants.forEach((id, classes) -> {
            if (classes.size() > 1) {
                found.remove(id);
                problems.add("connector id '" + id + "' is claimed by " + classes.size() + " plugins " + classes
                        + "; none of them is loaded: remove all but one from the class path");
            }
        });
        return new ConnectorRegistry(found, problems);
    }

    /** Discovers plugins visible to this class's loader. */
    public static ConnectorRegistry discover() {
        return discover(ConnectorRegistry.class.getClassLoader());
    }

    /** Loaded factories by id, sorted. */
    public Map<String, ConnectorFactory> factories() {
        return factories;
    }

    public Optional<ConnectorFactory> factory(String id) {
        return Optional.ofNullable(factories.get(id));
    }

    /** Why some plugins were not loaded; empty when all were. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Validates {@code rawConfig} against the plugin's declared properties, then creates it.
     *
     * @throws IllegalArgumentException naming the known ids when {@code id} is not loaded
     * @throws io.itdr.spi.ConnectorException {@code CONFIG_INVALID} naming every bad property
     */
    public Connector create(String id, Map<String, String> rawConfig, ConnectorContext context) {
        ConnectorFactory factory = factory(id).orElseThrow(() -> new IllegalArgumentException(
                "no connector '" + id + "'; available: " + factories.keySet()));
        ConnectorConfig config = new ConfigSchema(id, factory.configProperties()).validate(Objects.requireNonNull(rawConfig));
        Connector connector = factory.create(config, context);
        if (connector == null || !id.equals(connector.id())) {
            throw new IllegalStateException("plugin '" + id + "' created a connector that reports id '"
                    + (connector == null ? null : connector.id()) + "'");
        }
        return connector;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            b.append(" ← ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return b.toString();
    }
}

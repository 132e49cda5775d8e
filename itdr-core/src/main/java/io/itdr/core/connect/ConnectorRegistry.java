package io.itdr.core.connect;

import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.SpiVersion;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.ConnectorConfig;
import java.nio.file.Path;
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
 * The connector plugins the host offers, found in two places: a plugin folder
 * ({@link PluginFolder}: one directory per connector, each in a class loader of its own; the
 * distribution's way) and the host's own class path (ServiceLoader over one loader; for embedded
 * use and tests). A plugin that cannot be loaded (class missing, constructor throws), that was
 * built against an incompatible SPI version, whose directory is not named after its id, or whose id
 * another plugin also claims is not offered; the reason, naming where the plugin came from
 * (directory, jar, class), is kept in {@link #problems()} so that the host can print it or refuse
 * to start, and the other plugins still load.
 *
 * <p>Immutable after discovery and thread-safe.
 */
public final class ConnectorRegistry {
    private static final String CLASS_PATH = "class path";

    private final Map<String, ConnectorFactory> factories;
    private final Map<String, String> origins;
    private final List<String> problems;

    private ConnectorRegistry(Map<String, ConnectorFactory> factories, Map<String, String> origins, List<String> problems) {
        this.factories = Collections.unmodifiableMap(new TreeMap<>(factories));
        this.origins = Map.copyOf(origins);
        this.problems = List.copyOf(problems);
    }

    /** A factory found somewhere, before the checks every plugin passes. */
    private record Candidate(ConnectorFactory factory, String className, String origin, String directoryName) {
    }

    /** Discovers plugins visible to {@code loader} (its class path; no plugin folder). */
    public static ConnectorRegistry discover(ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        return check(classPath(loader, problems), problems);
    }

    /** Discovers plugins visible to this class's loader. */
    public static ConnectorRegistry discover() {
        return discover(ConnectorRegistry.class.getClassLoader());
    }

    /**
     * Discovers the plugins in {@code pluginFolder}, each in its own class loader served by
     * {@code host}, and those on {@code host}'s class path. In the distribution the class path
     * holds no connector; an id found in both places is claimed twice and neither copy loads.
     *
     * @param pluginFolder the folder; a missing folder is a problem
     */
    public static ConnectorRegistry discover(Path pluginFolder, ClassLoader host) {
        List<String> problems = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        PluginFolder folder = PluginFolder.scan(pluginFolder, host);
        problems.addAll(folder.problems());
        for (PluginFolder.Plugin plugin : folder.plugins()) {
            candidates.add(new Candidate(plugin.factory(), plugin.factoryClass(), plugin.origin(), plugin.name()));
        }
        candidates.addAll(classPath(host, problems));
        return check(candidates, problems);
    }

    private static List<Candidate> classPath(ClassLoader loader, List<String> problems) {
        List<Candidate> candidates = new ArrayList<>();
        Iterator<ConnectorFactory> it = ServiceLoader.load(ConnectorFactory.class, loader).iterator();
        while (true) {
            ConnectorFactory factory;
            try {
                if (!it.hasNext()) {
                    break;
                }
                factory = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add(CLASS_PATH + ": plugin not loaded: " + rootMessage(e));
                continue;
            }
            String className = factory.getClass().getName();
            candidates.add(new Candidate(factory, className, CLASS_PATH + ": class " + className, null));
        }
        return candidates;
    }

    private static ConnectorRegistry check(List<Candidate> candidates, List<String> problems) {
        Map<String, ConnectorFactory> found = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, List<String>> claimants = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            ConnectorFactory factory = candidate.factory();
            String where = candidate.origin();
            String id;
            String version;
            try {
                id = factory.id();
                version = factory.spiVersion();
                factory.configProperties();
            } catch (RuntimeException | LinkageError e) {
                problems.add(where + ": not loaded: describing itself failed: " + PluginFolder.reason(e));
                continue;
            }
            if (id == null || !id.matches("[a-z][a-z0-9-]*")) {
                problems.add(where + ": not loaded: id '" + id + "' must be lower-case letters, digits and '-'");
                continue;
            }
            if (!SpiVersion.isCompatible(version)) {
                problems.add(where + ": connector '" + id + "' not loaded: built for SPI " + version
                        + ", this host runs SPI " + SpiVersion.CURRENT + " (same major, minor ≤ " + SpiVersion.MINOR + ")");
                continue;
            }
            if (candidate.directoryName() != null && !candidate.directoryName().equals(id)) {
                problems.add(where + ": connector '" + id + "' not loaded: its directory must be named after its id; rename "
                        + candidate.directoryName() + " to " + id);
                continue;
            }
            claimants.computeIfAbsent(id, k -> new ArrayList<>()).add(where);
            found.putIfAbsent(id, factory);
            origins.putIfAbsent(id, where);
        }
        claimants.forEach((id, where) -> {
            if (where.size() > 1) {
                found.remove(id);
                origins.remove(id);
                problems.add("connector id '" + id + "' is claimed by " + where.size() + " plugins " + where
                        + "; none of them is loaded: remove all but one");
            }
        });
        return new ConnectorRegistry(found, origins, problems);
    }

    /** Loaded factories by id, sorted. */
    public Map<String, ConnectorFactory> factories() {
        return factories;
    }

    /** Where the plugin {@code id} was loaded from: {@code plugins/aws: connector-aws.jar: class ...} or {@code class path: class ...}. */
    public Optional<String> origin(String id) {
        return Optional.ofNullable(origins.get(id));
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

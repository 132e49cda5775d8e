package io.itdr.core.connect;

import io.itdr.spi.ConnectorFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;

/**
 * Reads a plugin folder: every sub-directory is one connector plugin, named after the connector's
 * id ({@code plugins/aws/}), holding the connector's jar and the jars it depends on (not the SPI,
 * which the host provides). Each plugin gets a {@link PluginClassLoader} of its own and its
 * factory is found with {@link ServiceLoader} inside that loader; the factory comes back wrapped by
 * {@link ClassLoaderSafe}, so every call into the plugin runs with the plugin's loader as the
 * thread's context class loader.
 *
 * <p>Nothing is guessed: a file directly in the folder, a file other than a jar or a directory
 * inside a plugin, an empty plugin, a jar that cannot be read, a plugin without a
 * {@code ConnectorFactory} service or with more than one, and a factory class that cannot be
 * loaded or instantiated are each a problem naming the directory, the jar, the class and the
 * reason. A plugin with a problem is not offered; the others are. Names starting with a dot
 * (.DS_Store, editors' files) are ignored. The checks that apply to every plugin wherever it comes
 * from (id, SPI version, one id per plugin, directory named after the id) are the
 * {@link ConnectorRegistry}'s.
 *
 * <p>Immutable after the scan and thread-safe. The class loaders stay open for the life of the process.
 */
public final class PluginFolder {
    static final String SERVICE_FILE = "META-INF/services/" + ConnectorFactory.class.getName();

    /**
     * One connector found in the folder.
     *
     * @param directory    the plugin's directory; its file name is the connector id it must declare
     * @param jar          the jar whose service file lists the factory
     * @param factoryClass the factory's class name
     * @param factory      the factory, wrapped by {@link ClassLoaderSafe}
     * @param loader       the plugin's class loader
     */
    public record Plugin(Path directory, Path jar, String factoryClass, ConnectorFactory factory, PluginClassLoader loader) {
        public Plugin {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(factoryClass, "factoryClass");
            Objects.requireNonNull(factory, "factory");
            Objects.requireNonNull(loader, "loader");
        }

        /** The name the directory gives the plugin. */
        public String name() {
            return directory.getFileName().toString();
        }

        /** Where the factory came from, for messages: {@code plugins/aws: connector-aws.jar: class a.b.C}. */
        public String origin() {
            return directory + ": " + jar.getFileName() + ": class " + factoryClass;
        }
    }

    private final Path folder;
    private final List<Plugin> plugins;
    private final List<String> problems;

    private PluginFolder(Path folder, List<Plugin> plugins, List<String> problems) {
        this.folder = folder;
        this.plugins = List.copyOf(plugins);
        this.problems = List.copyOf(problems);
    }

    /**
     * Scans {@code folder}. A folder that does not exist is a problem: the caller decides whether a
     * folder is expected at all.
     *
     * @param host the loader that serves the SPI and the SLF4J API to the plugins
     */
    public static PluginFolder scan(Path folder, ClassLoader host) {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(host, "host");
        List<Plugin> plugins = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            problems.add(folder + ": plugin folder not found (no such directory)");
            return new PluginFolder(folder, plugins, problems);
        }
        for (Path entry : sorted(folder, problems)) {
            if (!Files.isDirectory(entry)) {
                problems.add(entry + ": stray file in the plugin folder: it holds one directory per connector "
                        + "(" + folder.resolve("<id>") + "/ with the connector's jars); move or remove the file");
                continue;
            }
            scanPlugin(entry, host, plugins, problems);
        }
        return new PluginFolder(folder, plugins, problems);
    }

    private static void scanPlugin(Path directory, ClassLoader host, List<Plugin> plugins, List<String> problems) {
        List<Path> jars = new ArrayList<>();
        boolean broken = false;
        for (Path entry : sorted(directory, problems)) {
            if (Files.isDirectory(entry)) {
                problems.add(entry + ": nested directory in plugin " + directory.getFileName() + ": jars are read from "
                        + directory + " itself, never from sub-directories; move its jars up or remove it");
                broken = true;
            } else if (!entry.getFileName().toString().endsWith(".jar")) {
                problems.add(entry + ": stray file in plugin " + directory.getFileName() + ": a plugin directory holds jars only");
                broken = true;
            } else {
                jars.add(entry);
            }
        }
        if (jars.isEmpty()) {
            if (!broken) {
                problems.add(directory + ": empty plugin directory: no jar in it; put the connector's jar and its dependencies there");
            }
            return;
        }
        // jar → factory classes its service file lists, in jar order
        Map<String, Path> declared = new LinkedHashMap<>();
        for (Path jar : jars) {
            try {
                for (String className : declaredFactories(jar)) {
                    declared.putIfAbsent(className, jar);
                }
            } catch (IOException e) {
                problems.add(directory + ": " + jar.getFileName() + ": not a readable jar: " + e.getMessage());
                broken = true;
            }
        }
        if (broken) {
            return;
        }
        if (declared.isEmpty()) {
            problems.add(directory + ": no connector in " + names(jars) + ": none of these jars lists a factory in "
                    + SERVICE_FILE);
            return;
        }
        if (declared.size() > 1) {
            List<String> where = new ArrayList<>();
            declared.forEach((className, jar) -> where.add(className + " in " + jar.getFileName()));
            problems.add(directory + ": " + declared.size() + " connector factories " + where
                    + ": a plugin directory holds exactly one connector; give each its own directory");
            return;
        }
        String className = declared.keySet().iterator().next();
        Path jar = declared.get(className);
        PluginClassLoader loader = new PluginClassLoader(directory.getFileName().toString(), jars, host);
        Iterator<ConnectorFactory> found = ServiceLoader.load(ConnectorFactory.class, loader).iterator();
        ConnectorFactory factory;
        try {
            factory = ClassLoaderSafe.call(loader, () -> found.hasNext() ? found.next() : null);
        } catch (ServiceConfigurationError | LinkageError e) {
            problems.add(directory + ": " + jar.getFileName() + ": class " + className + ": not loadable: " + reason(e));
            close(loader);
            return;
        }
        if (factory == null) {
            problems.add(directory + ": " + jar.getFileName() + ": class " + className + ": not loadable: ServiceLoader found no provider");
            close(loader);
            return;
        }
        if (factory.getClass().getClassLoader() != loader) {
            problems.add(directory + ": " + jar.getFileName() + ": class " + className + ": loaded from the host ("
                    + factory.getClass().getClassLoader() + "), not from the plugin: a connector's classes must not be in "
                    + "the packages the host shares (" + PluginClassLoader.HOST_PACKAGES + ")");
            close(loader);
            return;
        }
        plugins.add(new Plugin(directory, jar, className, ClassLoaderSafe.factory(factory, loader), loader));
    }

    /** The factory classes a jar's service file lists (comments and blank lines skipped). */
    static List<String> declaredFactories(Path jar) throws IOException {
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(SERVICE_FILE);
            if (entry == null) {
                return classes;
            }
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(file.getInputStream(entry), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    int comment = line.indexOf('#');
                    String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
                    if (!name.isEmpty()) {
                        classes.add(name);
                    }
                }
            }
        }
        return classes;
    }

    private static List<Path> sorted(Path directory, List<String> problems) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            problems.add(directory + ": cannot be listed: " + e);
            return List.of();
        }
    }

    private static List<String> names(List<Path> jars) {
        return jars.stream().map(j -> j.getFileName().toString()).toList();
    }

    static String reason(Throwable e) {
        StringBuilder b = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            b.append(" ← ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        if (t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) {
            b.append(" (a jar missing from the plugin directory, or a class the host does not share:"
                    + " only the JDK, io.itdr.spi and org.slf4j come from the host)");
        }
        return b.toString();
    }

    private static void close(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException ignored) {
            // nothing was loaded from it that anyone holds
        }
    }

    public Path folder() {
        return folder;
    }

    /** The plugins that loaded, sorted by directory. */
    public List<Plugin> plugins() {
        return plugins;
    }

    /** What is wrong in the folder; empty when nothing is. */
    public List<String> problems() {
        return problems;
    }
}

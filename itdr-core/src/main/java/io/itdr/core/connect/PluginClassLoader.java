package io.itdr.core.connect;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The class loader of one plugin: its own jars first, the host only for what the host must share.
 *
 * <p>Delegated to the host, and nothing else:
 * <ul>
 *   <li>the JDK: the platform class loader (its parent), asked first, so {@code java.*},
 *       {@code javax.*} and {@code jdk.*} classes of the running JDK can never be replaced by a
 *       plugin's jar;</li>
 *   <li>{@code io.itdr.spi.*}: the contract both sides are compiled against; a plugin's own copy
 *       of the SPI is never used, otherwise its {@code ConnectorFactory} would be a different
 *       type than the host's;</li>
 *   <li>{@code org.slf4j.*}, the SLF4J API only: as in Kafka Connect, a plugin's log lines must reach
 *       the host's logging backend and configuration, which means using the host's
 *       {@code LoggerFactory}. The API has been call-compatible since 1.x, so this constrains no
 *       plugin; a plugin's own SLF4J binding is ignored with the API.</li>
 * </ul>
 * Everything else (Jackson, Netty, Guava, gRPC, the platform SDKs, {@code connector-support})
 * comes from the plugin's jars, or is not found at all: the host's copies are invisible, so one
 * plugin's library versions never constrain the host's or another plugin's. Resources follow the
 * same rule: {@code META-INF/services} files of the host's class path are not seen by the
 * plugin's {@link java.util.ServiceLoader}.
 *
 * <p>Thread-safe (registered as parallel capable).
 */
public final class PluginClassLoader extends URLClassLoader {
    /** Package prefixes loaded from the host's class loader (besides the JDK, which the parent serves). */
    public static final List<String> HOST_PACKAGES = List.of("io.itdr.spi.", "org.slf4j.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final String pluginName;
    private final ClassLoader host;

    /**
     * @param pluginName names the plugin in errors and in {@link #toString()}; never null
     * @param jars       the plugin's jars; never null
     * @param host       the loader that serves the SPI and the SLF4J API; never null
     */
    public PluginClassLoader(String pluginName, List<Path> jars, ClassLoader host) {
        super("plugin-" + Objects.requireNonNull(pluginName, "pluginName"), urls(jars), ClassLoader.getPlatformClassLoader());
        this.pluginName = pluginName;
        this.host = Objects.requireNonNull(host, "host");
    }

    private static URL[] urls(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException("not a jar path: " + jars.get(i), e);
            }
        }
        return urls;
    }

    static boolean fromHost(String name) {
        for (String prefix : HOST_PACKAGES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (fromHost(name)) {
            return host.loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                try {
                    loaded = getParent().loadClass(name); // the JDK
                } catch (ClassNotFoundException notInTheJdk) {
                    loaded = findClass(name);             // the plugin's jars, or ClassNotFoundException
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        if (fromHost(name.replace('/', '.'))) {
            return host.getResource(name);
        }
        URL url = getParent().getResource(name);
        return url != null ? url : findResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (fromHost(name.replace('/', '.'))) {
            return host.getResources(name);
        }
        List<URL> urls = new ArrayList<>(Collections.list(getParent().getResources(name)));
        urls.addAll(Collections.list(findResources(name)));
        return Collections.enumeration(urls);
    }

    @Override
    public String toString() {
        return "PluginClassLoader[" + pluginName + "]";
    }
}

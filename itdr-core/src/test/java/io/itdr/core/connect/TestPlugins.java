package io.itdr.core.connect;

import io.itdr.spi.ConnectorFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars for tests, the way Kafka Connect's {@code TestPlugins} does: small sources
 * compiled with the JDK's compiler against the SPI (and any library jars given), packed into a jar
 * with whatever resources the test wants, e.g. a {@code META-INF/services} file or none at all.
 */
final class TestPlugins {
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();
    private final List<Path> classPath = new ArrayList<>();
    private final Path workDir;

    private TestPlugins(Path workDir) {
        this.workDir = workDir;
    }

    /** A jar whose sources are compiled under {@code workDir} (keep it outside the plugin folder). */
    static TestPlugins jar(Path workDir) {
        return new TestPlugins(workDir);
    }

    /** A class, by its fully qualified name. */
    TestPlugins source(String className, String source) {
        sources.put(className, source);
        return this;
    }

    /** Lists {@code factoryClasses} in the jar's {@code META-INF/services/io.itdr.spi.ConnectorFactory}. */
    TestPlugins service(String... factoryClasses) {
        return resource(PluginFolder.SERVICE_FILE, String.join("\n", factoryClasses) + "\n");
    }

    TestPlugins resource(String path, String content) {
        resources.put(path, content);
        return this;
    }

    /** Compiles against these jars too (they are not put in the plugin). */
    TestPlugins compiledAgainst(Path... jars) {
        classPath.addAll(List.of(jars));
        return this;
    }

    /** Compiles and writes the jar; returns its path. */
    Path writeTo(Path jar) {
        try {
            Path work = Files.createTempDirectory(Files.createDirectories(workDir), "compile-");
            Path src = work.resolve("src");
            Path classes = Files.createDirectories(work.resolve("classes"));
            List<String> files = new ArrayList<>();
            for (Map.Entry<String, String> source : sources.entrySet()) {
                Path file = src.resolve(source.getKey().replace('.', '/') + ".java");
                Files.createDirectories(file.getParent());
                Files.writeString(file, source.getValue());
                files.add(file.toString());
            }
            if (!files.isEmpty()) {
                compile(files, classes);
            }
            for (Map.Entry<String, String> resource : resources.entrySet()) {
                Path file = classes.resolve(resource.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, resource.getValue());
            }
            Files.createDirectories(jar.getParent());
            pack(classes, jar);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void compile(List<String> files, Path classes) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StringBuilder cp = new StringBuilder(location(ConnectorFactory.class).toString());
        classPath.forEach(p -> cp.append(java.io.File.pathSeparator).append(p));
        List<String> args = new ArrayList<>(List.of("--release", "17", "-proc:none", "-nowarn", "-classpath", cp.toString(),
                "-d", classes.toString()));
        args.addAll(files);
        StringWriter errors = new StringWriter();
        int exit = compiler.run(null, null, new java.io.PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                errors.write(b);
            }
        }), args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("test plugin does not compile:\n" + errors);
        }
    }

    private static void pack(Path classes, Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    /** The jar or directory a class was loaded from. */
    static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A library jar copied by the build for these tests (itdr-core/pom.xml, plugin-test-libraries). */
    static Path library(String fileName) {
        Path dir = Path.of(System.getProperty("itdr.test.plugin-libs", "target/plugin-test-libs"));
        Path jar = dir.resolve(fileName);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the build copies it in generate-test-resources (./mvnw -pl itdr-core test)");
        }
        return jar;
    }

    /** Source of a factory {@code pkg.Name} with id {@code id}; {@code body} adds or overrides members. */
    static String factory(String className, String id, String body) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "import io.itdr.spi.*;\n"
                + "import io.itdr.spi.config.*;\n"
                + "import java.util.*;\n"
                + "public class " + className.substring(dot + 1) + " implements ConnectorFactory {\n"
                + "  public String id() { return \"" + id + "\"; }\n"
                + "  public List<ConfigProperty> configProperties() { return List.of(); }\n"
                + "  public Connector create(ConnectorConfig config, ConnectorContext context) {\n"
                + "    return new Connector() {\n"
                + "      public String id() { return \"" + id + "\"; }\n"
                + "      public Set<Capability> capabilities() { return Set.of(); }\n"
                + "      public void checkHealth() { if (Thread.currentThread().getContextClassLoader() != getClass().getClassLoader())"
                + " throw new IllegalStateException(\"context class loader is \" + Thread.currentThread().getContextClassLoader()); }\n"
                + "    };\n"
                + "  }\n"
                + body + "\n"
                + "}\n";
    }
}

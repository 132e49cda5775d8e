package io.itdr.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Builds the server's container image as a tarball, from scratch, with no container engine and no
 * base image to pull:
 * <ol>
 *   <li>a Java runtime linked by jlink from the building JDK ({@link #MODULES}, without the desktop's native
 *       libraries), at {@code /opt/java};</li>
 *   <li>the system libraries that runtime loads (the ELF interpreter, libc, libz, …), found with
 *       {@code ldd} on the building machine and placed at the same paths;</li>
 *   <li>the distribution at {@code /opt/itdr}: {@code itdr.jar}, {@code plugins/}, {@code rules/};</li>
 *   <li>{@code /etc/passwd} and {@code /etc/group} naming the unprivileged user 65532 ({@code itdr}) the
 *       image runs as, and its writable directories {@code /var/lib/itdr} and {@code /tmp}.</li>
 * </ol>
 * The entry point is {@code java -jar /opt/itdr/itdr.jar} with the argument {@code serve}; the
 * plugin folder and the data folder are volumes. Layers are ordered from the least to the most often
 * changed, and every file has a fixed time, so the same inputs give the same layers.
 *
 * <p>Arguments: the distribution directory, the tarball to write, the image's name, a work directory.
 * Not on Linux x86-64 with glibc's {@code ldd}: says so and makes nothing (exit 0), since the image's
 * system libraries come from the building machine.
 */
public final class ImageBuilder {
    /** The user and group the image runs as: unprivileged, the number distroless images use, and the Helm chart's. */
    public static final String USER = "65532:65532";
    public static final String JAVA_HOME = "/opt/java";
    public static final String APP = "/opt/itdr";
    public static final String DATA = "/var/lib/itdr";

    /**
     * The runtime's modules: Java SE, and the JDK modules the server or a platform's client uses at run
     * time (elliptic-curve and PKCS#11 TLS, DNS naming, JFR and management, Unsafe for Netty and gRPC,
     * the zip file system, Kerberos for database sign-in, extra charsets).
     */
    static final List<String> MODULES = List.of("java.se", "jdk.charsets", "jdk.crypto.ec", "jdk.crypto.cryptoki", "jdk.jfr",
            "jdk.management", "jdk.management.agent", "jdk.naming.dns", "jdk.net", "jdk.security.auth", "jdk.security.jgss",
            "jdk.unsupported", "jdk.zipfs", "jdk.localedata");

    /**
     * java.desktop's native libraries for windows, sound, fonts and images: the server is headless and
     * never loads them, and leaving them out keeps X11, ALSA, FreeType and image codecs out of the image.
     */
    static final List<String> DESKTOP_LIBRARIES = List.of("libawt_xawt.so", "libfontmanager.so", "libjavajpeg.so", "libjawt.so",
            "libjsound.so", "liblcms.so", "libsplashscreen.so");

    private static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
    private static final FilePermissions READABLE = FilePermissions.fromOctalString("644");
    private static final Instant FILE_TIME = FileEntriesLayer.DEFAULT_MODIFICATION_TIME;
    private static final String ROOT = "0:0";
    /** {@code libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)} or {@code /lib64/ld-linux-x86-64.so.2 (0x…)}. */
    private static final Pattern LDD_LINE = Pattern.compile("^\\s*(?:(\\S+) => )?(/\\S+) \\(0x[0-9a-f]+\\)\\s*$");
    private static final Pattern LDD_MISSING = Pattern.compile("^\\s*(\\S+) => not found\\s*$");

    private ImageBuilder() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ImageBuilder DISTRIBUTION_DIR IMAGE_TAR IMAGE_NAME WORK_DIR");
        }
        Path distribution = Path.of(args[0]);
        Path tar = Path.of(args[1]);
        Path work = Path.of(args[3]);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")) || !Files.isExecutable(Path.of("/usr/bin/ldd"))) {
            System.out.printf("[image] no container image: it is built on Linux x86-64 with glibc's ldd (this is %s %s)%n", os, arch);
            return;
        }
        if (!Files.isRegularFile(distribution.resolve("itdr.jar"))) {
            throw new IllegalStateException(distribution.resolve("itdr.jar") + " is missing: the distribution is laid out by the"
                    + " distribution module (./mvnw -pl image -am package)");
        }
        long started = System.nanoTime();
        build(distribution, tar, args[2], work);
        System.out.printf("[image] %s written (%d MiB) in %d s%n", tar, Files.size(tar) >> 20,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    static void build(Path distribution, Path tar, String name, Path work) throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        Path jre = work.resolve("jre");
        link(jre);
        Map<String, Path> libraries = systemLibraries(jre);
        Path etc = writeAccounts(work.resolve("etc"));
        Path empty = Files.createDirectories(work.resolve("empty"));

        FileEntriesLayer.Builder base = FileEntriesLayer.builder().setName("accounts");
        for (String file : List.of("passwd", "group", "nsswitch.conf")) {
            base.addEntry(new FileEntry(etc.resolve(file), AbsoluteUnixPath.get("/etc/" + file), READABLE, FILE_TIME, ROOT));
        }
        base.addEntry(new FileEntry(empty, AbsoluteUnixPath.get("/tmp"), EXECUTABLE, FILE_TIME, USER));
        base.addEntry(new FileEntry(empty, AbsoluteUnixPath.get(DATA), EXECUTABLE, FILE_TIME, USER));

        FileEntriesLayer.Builder system = FileEntriesLayer.builder().setName("system-libraries");
        libraries.forEach((path, source) -> system.addEntry(new FileEntry(source, AbsoluteUnixPath.get(path), EXECUTABLE, FILE_TIME, ROOT)));

        JibContainerBuilder image = Jib.fromScratch()
                .setFormat(ImageFormat.Docker)
                .addFileEntriesLayer(base.build())
                .addFileEntriesLayer(system.build())
                .addFileEntriesLayer(tree("java-runtime", jre, JAVA_HOME))
                .addFileEntriesLayer(tree("plugins", distribution.resolve("plugins"), APP + "/plugins"))
                .addFileEntriesLayer(tree("rules", distribution.resolve("rules"), APP + "/rules"))
                .addFileEntriesLayer(FileEntriesLayer.builder().setName("server")
                        .addEntry(new FileEntry(distribution.resolve("itdr.jar"), AbsoluteUnixPath.get(APP + "/itdr.jar"), READABLE, FILE_TIME, ROOT))
                        .build())
                .setEntrypoint(List.of(JAVA_HOME + "/bin/java", "-jar", APP + "/itdr.jar"))
                .setProgramArguments(List.of("serve"))
                .setUser(USER)
                .setWorkingDirectory(AbsoluteUnixPath.get(DATA))
                .setEnvironment(environment())
                .setExposedPorts(Set.of(Port.tcp(8080)))
                .setVolumes(Set.of(AbsoluteUnixPath.get(APP + "/plugins"), AbsoluteUnixPath.get(DATA)))
                .setLabels(labels(name));
        Files.createDirectories(tar.toAbsolutePath().getParent());
        image.containerize(Containerizer.to(TarImage.at(tar).named(reference(name)))
                .setToolName("itdr-image")
                .setBaseImageLayersCache(work.resolve("cache"))
                .setApplicationLayersCache(work.resolve("cache")));
    }

    /** jlink from the building JDK: {@link #MODULES}, no debug symbols, headers or manual pages. */
    static void link(Path jre) {
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IllegalStateException("jlink not found: the image is built with a JDK, not a JRE"));
        StringWriter out = new StringWriter();
        int code = jlink.run(new PrintWriter(out), new PrintWriter(out), "--add-modules", String.join(",", MODULES),
                "--strip-debug", "--no-header-files", "--no-man-pages", "--compress=2",
                "--exclude-files=" + String.join(",", DESKTOP_LIBRARIES.stream().map(l -> "**/" + l).toList()), "--output", jre.toString());
        if (code != 0) {
            throw new IllegalStateException("jlink failed (" + code + "): " + out);
        }
    }

    /**
     * The shared libraries the runtime's programs and libraries load from the system, by the path they
     * are loaded from, each with the file to copy there (symbolic links followed).
     */
    static Map<String, Path> systemLibraries(Path jre) throws IOException, InterruptedException {
        List<Path> elves = new ArrayList<>();
        try (Stream<Path> files = Files.walk(jre)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(".so") || f.getParent().getFileName().toString().equals("bin"))
                    .sorted()
                    .forEach(elves::add);
        }
        Map<String, Path> libraries = new TreeMap<>();
        Set<String> missing = new TreeSet<>();
        for (Path elf : elves) {
            for (String line : ldd(elf)) {
                Matcher found = LDD_LINE.matcher(line);
                Matcher notFound = LDD_MISSING.matcher(line);
                if (notFound.matches()) {
                    // the runtime's own libraries are found beside each other ($ORIGIN) when it runs, not by ldd
                    if (!exists(jre, notFound.group(1))) {
                        missing.add(notFound.group(1) + " (needed by " + jre.relativize(elf) + ")");
                    }
                } else if (found.matches() && !found.group(2).startsWith(jre.toAbsolutePath().toString())) {
                    Path source = Path.of(found.group(2)).toRealPath();
                    libraries.put(found.group(2), source);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the runtime needs libraries this machine does not have: " + missing);
        }
        if (libraries.keySet().stream().noneMatch(p -> p.contains("ld-linux"))) {
            throw new IllegalStateException("ldd named no ELF interpreter for " + jre.resolve("bin/java") + ": " + libraries.keySet());
        }
        return libraries;
    }

    private static boolean exists(Path jre, String soname) throws IOException {
        try (Stream<Path> files = Files.walk(jre)) {
            return files.anyMatch(f -> f.getFileName().toString().equals(soname));
        }
    }

    private static List<String> ldd(Path elf) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("/usr/bin/ldd", elf.toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("ldd " + elf + " did not finish in 60 s");
        }
        // "not a dynamic executable" (a script or a static file) has no libraries to add
        return process.exitValue() == 0 ? output.lines().toList() : List.of();
    }

    private static Path writeAccounts(Path etc) throws IOException {
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/sbin/nologin\n"
                + "itdr:x:65532:65532:itdr:" + DATA + ":/sbin/nologin\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nitdr:x:65532:\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
        return etc;
    }

    /** A layer holding the tree {@code source} at {@code target}, executables kept executable, owned by root. */
    private static FileEntriesLayer tree(String name, Path source, String target) throws IOException {
        FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.sorted(Comparator.naturalOrder()).toList();
        }
        for (Path file : files) {
            String relative = source.relativize(file).toString();
            AbsoluteUnixPath path = relative.isEmpty() ? AbsoluteUnixPath.get(target) : AbsoluteUnixPath.get(target + "/" + relative);
            boolean executable = Files.isDirectory(file) || Files.isExecutable(file);
            layer.addEntry(new FileEntry(file, path, executable ? EXECUTABLE : READABLE, FILE_TIME, ROOT));
        }
        return layer.build();
    }

    private static Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("JAVA_HOME", JAVA_HOME);
        environment.put("PATH", JAVA_HOME + "/bin");
        environment.put("LANG", "C.UTF-8");
        return environment;
    }

    private static Map<String, String> labels(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("org.opencontainers.image.title", "itdr");
        labels.put("org.opencontainers.image.description", "Identity threat detection and response for non-human identities: the central server");
        labels.put("org.opencontainers.image.version", name.substring(name.lastIndexOf(':') + 1));
        labels.put("org.opencontainers.image.base.name", "scratch");
        return labels;
    }

    private static ImageReference reference(String name) {
        try {
            return ImageReference.parse(name);
        } catch (InvalidImageReferenceException e) {
            throw new IllegalArgumentException("not an image name: " + name, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}

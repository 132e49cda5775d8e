package io.itdr.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tarball target/itdr-image.tar, as a container engine would load and run it: its
 * configuration (user, entry point, port, volumes), its files (owned by root and not writable by the
 * user it runs as, except its data and temporary folders), and the server itself started from the
 * image's own files only: the layers are unpacked into a folder that becomes the root of a chroot,
 * with a private /proc and the host's /dev as an engine provides them, and run as user 65532. That
 * part needs root (unshare and chroot); without it the test says so and skips it.
 */
class ContainerImageTest {
    private static final Path IMAGE = Path.of(System.getProperty("itdr.image", "target/itdr-image.tar"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path unpacked;
    private static JsonNode config;
    private static final Map<String, TarArchiveEntry> entries = new HashMap<>();

    @BeforeAll
    static void unpack() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(IMAGE), IMAGE + " not built: the image is built on Linux x86-64 by"
                + " `./mvnw package` (process-test-classes of the image module)");
        Path archive = unpacked.resolve("archive");
        untar(Files.newInputStream(IMAGE), archive, null);
        JsonNode manifest = JSON.readTree(archive.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(archive.resolve(manifest.get("Config").asText()).toFile()).get("config");
        Path root = unpacked.resolve("root");
        for (JsonNode layer : manifest.get("Layers")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(archive.resolve(layer.asText())))) {
                untar(in, root, entries);
            }
        }
    }

    @Test
    void runsTheServerAsAnUnprivilegedUserWithPluginsAndDataAsVolumes() {
        assertThat(config.get("User").asText()).isEqualTo("65532:65532");
        assertThat(strings(config.get("Entrypoint"))).containsExactly("/opt/java/bin/java", "-jar", "/opt/itdr/itdr.jar");
        assertThat(strings(config.get("Cmd"))).containsExactly("serve");
        assertThat(config.get("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(names(config.get("Volumes"))).containsExactlyInAnyOrder("/opt/itdr/plugins", "/var/lib/itdr");
        assertThat(config.get("WorkingDir").asText()).isEqualTo("/var/lib/itdr");
    }

    @Test
    void holdsTheDistributionARuntimeAndItsSystemLibrariesOnly() {
        assertThat(entries).containsKeys("opt/itdr/itdr.jar", "opt/java/bin/java", "opt/java/lib/server/libjvm.so", "etc/passwd",
                "opt/itdr/rules/nhi/README.md");
        for (String plugin : List.of("aws", "azure", "gcp", "github", "gitlab", "okta")) {
            assertThat(entries.keySet()).anyMatch(name -> name.startsWith("opt/itdr/plugins/" + plugin + "/connector-" + plugin + "-"));
        }
        // the desktop's native libraries are left out, so no X11, sound or font library is needed
        assertThat(entries.keySet()).noneMatch(name -> name.contains("libawt_xawt") || name.contains("libX11") || name.contains("libasound")
                || name.contains("libfreetype"));
        assertThat(entries.keySet()).map(name -> name.split("/")[0]).allMatch(Set.of("opt", "etc", "lib", "lib64", "usr", "tmp", "var")::contains);
    }

    @Test
    void nothingButItsDataAndTemporaryFoldersIsWritableByTheUserItRunsAs() {
        List<String> writable = new ArrayList<>();
        entries.forEach((name, entry) -> {
            boolean others = (entry.getMode() & 0022) != 0;
            boolean owned = entry.getLongUserId() != 0;
            if (others || owned) {
                writable.add(name + " " + entry.getLongUserId() + " " + Integer.toOctalString(entry.getMode()));
            }
            assertThat(entry.getMode() & 06000).as("no setuid or setgid: %s", name).isZero();
        });
        assertThat(writable).containsExactlyInAnyOrder("tmp 65532 40755", "var/lib/itdr 65532 40755");
        assertThat(entries.get("etc/passwd").getLongUserId()).isZero();
    }

    @Test
    void theServerStartsFromTheImagesOwnFilesAndAnswersHealth() throws Exception {
        Path root = unpacked.resolve("root");
        Assumptions.assumeTrue(canChroot(root), "running the image needs root (unshare and chroot); checked its files only");
        assertThat(run(root, "--version")).contains("itdr 0.1.0").contains("SPI");
        assertThat(run(root, "rules", "check", "/opt/itdr/rules/nhi")).contains("loaded");

        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = unpacked.resolve("serve.log");
        Process server = chrooted(root, "serve", "--port", String.valueOf(port), "--db-url",
                "jdbc:h2:file:/var/lib/itdr/data/itdr;WRITE_DELAY=0").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(10)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            String answer = null;
            while (answer == null && System.nanoTime() < deadline && server.isAlive()) {
                try {
                    HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        answer = response.body();
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (answer == null) {
                    server.waitFor(500, TimeUnit.MILLISECONDS);
                }
            }
            assertThat(answer).as("health from the image's server; its output:%n%s", Files.readString(log)).contains("\"UP\"");
            // the database was created where the image lets the user write, as that user
            assertThat(Files.getOwner(root.resolve("var/lib/itdr/data")).getName()).isIn("65532", "itdr");
        } finally {
            stop(server);
        }
    }

    /**
     * Stops the server and everything under it. The server itself must be stopped, not only unshare: changing to
     * user 65532 clears the parent-death signal unshare's --kill-child sets, so the JVM would outlive it.
     */
    private static void stop(Process server) throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(server.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : tree) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stillRunning) {
                process.destroyForcibly();
                process.onExit().get(30, TimeUnit.SECONDS);
            }
        }
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Runs the image's entry point with {@code args} and returns what it printed; fails on a non-zero exit. */
    private static String run(Path root, String... args) throws IOException, InterruptedException {
        Process process = chrooted(root, args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).as("finished: %s", output).isTrue();
        assertThat(process.exitValue()).as("exit of %s: %s", List.of(args), output).isZero();
        return output;
    }

    /**
     * The image's entry point under chroot as user 65532, in a mount and process namespace of its own
     * holding a fresh /proc and the host's /dev: what a container engine gives a container (the network
     * stays the host's, so the test can reach the port).
     */
    private static ProcessBuilder chrooted(Path root, String... args) {
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child", "sh", "-c",
                "mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\" && exec chroot --userspec=65532:65532 \"$0\" \"$@\"",
                root.toString()));
        command.addAll(strings(config.get("Entrypoint")));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static boolean canChroot(Path root) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name")) || !Files.isExecutable(Path.of("/usr/bin/unshare"))
                && !Files.isExecutable(Path.of("/bin/unshare"))) {
            return false;
        }
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        Process probe = new ProcessBuilder("unshare", "--mount", "true").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }

    private static void untar(InputStream in, Path into, Map<String, TarArchiveEntry> seen) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                Path target = into.resolve(name).normalize();
                assertThat(target.startsWith(into)).as("entry inside the image: %s", entry.getName()).isTrue();
                if (seen != null) {
                    seen.put(name, entry);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
                if (seen != null) {
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                    if (entry.getLongUserId() != 0 && "root".equals(System.getProperty("user.name"))) {
                        Files.setAttribute(target, "unix:uid", (int) entry.getLongUserId());
                        Files.setAttribute(target, "unix:gid", (int) entry.getLongGroupId());
                    }
                }
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> names(JsonNode object) {
        List<String> values = new ArrayList<>();
        object.fieldNames().forEachRemaining(values::add);
        return values;
    }
}

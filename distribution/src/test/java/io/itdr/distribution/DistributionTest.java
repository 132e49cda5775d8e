package io.itdr.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The laid-out distribution (target/itdr/, what bin/itdr runs): the server's jar carries no
 * connector and no platform SDK, each shipped connector is a plugin directory, and the command
 * line reads a platform's export through the plugin, not through anything on its class path.
 */
class DistributionTest {
    private static final Path DIST = Path.of(System.getProperty("itdr.distribution", "target/itdr"));

    @BeforeAll
    static void laidOut() {
        // `./mvnw test` packages nothing, so there is nothing to lay out; `package` and `verify` lay it out first
        Assumptions.assumeTrue(Files.isRegularFile(DIST.resolve("itdr.jar")),
                DIST.resolve("itdr.jar") + " not laid out: this build did not package itdr-server (run ./mvnw verify)");
    }

    @Test
    void theServerJarCarriesNoConnectorAndNoPlatformSdk() throws IOException {
        try (JarFile jar = new JarFile(DIST.resolve("itdr.jar").toFile())) {
            List<String> libs = jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("BOOT-INF/lib/"))
                    .map(n -> n.substring("BOOT-INF/lib/".length())).toList();
            assertThat(libs).isNotEmpty().contains(libs.stream().filter(l -> l.startsWith("itdr-core-")).findFirst().orElseThrow());
            assertThat(libs).noneMatch(l -> l.startsWith("connector-") || l.startsWith("sdk-core-") || l.startsWith("iam-")
                    || l.startsWith("okta-sdk-") || l.startsWith("handlebars-"));
        }
    }

    @Test
    void everyShippedConnectorIsAPluginDirectoryWithItsLibrariesButNotTheHostsShares() throws IOException {
        assertThat(list(DIST.resolve("plugins"))).containsExactly("aws", "azure", "gcp", "github", "gitlab", "okta");
        for (String id : List.of("aws", "azure", "gcp", "github", "gitlab", "okta")) {
            List<String> jars = list(DIST.resolve("plugins").resolve(id));
            assertThat(jars).allMatch(j -> j.endsWith(".jar"))
                    .anyMatch(j -> j.startsWith("connector-" + id + "-"))
                    .anyMatch(j -> j.startsWith("connector-support-"))
                    .noneMatch(j -> j.startsWith("itdr-spi-") || j.startsWith("slf4j-api-"));
        }
        assertThat(list(DIST.resolve("plugins/aws"))).anyMatch(j -> j.startsWith("iam-")).anyMatch(j -> j.startsWith("jackson-databind-"));
        assertThat(list(DIST.resolve("plugins/okta"))).anyMatch(j -> j.startsWith("okta-sdk-impl-"));
    }

    @Test
    void replayReadsCloudTrailThroughTheAwsPlugin(@TempDir Path dir) throws Exception {
        Run generate = itdr("generate", "--raw", "--identities", "100", "--days", "3", "--out", dir.resolve("estate").toString());
        assertThat(generate.exit).as(generate.output).isZero();
        String trail = dir.resolve("estate/raw/aws-cloudtrail.json.gz").toString();

        Run replay = itdr("replay", "--source", "aws", "--events", trail);
        assertThat(replay.exit).as(replay.output).isZero();
        assertThat(replay.output).contains("source aws").containsPattern("Events: [0-9,]+ read, [0-9,]+ accepted, 0 rejected");

        // the same replay with an empty plugin folder knows no aws: the connector came from plugins/, not the class path
        Path empty = Files.createDirectories(dir.resolve("no-plugins"));
        Run without = itdr("replay", "--plugins", empty.toString(), "--source", "aws", "--events", trail);
        assertThat(without.exit).as(without.output).isEqualTo(2);
        assertThat(without.output).contains("unknown --source 'aws'; available: [normalized]");
    }

    @Test
    void replayReadsAGitHubAuditLogStreamThroughTheGitHubPlugin(@TempDir Path dir) throws Exception {
        // audit log streaming delivers JSON Lines; one event has no time and is rejected with its reason
        Path stream = dir.resolve("github-audit.jsonl");
        Files.writeString(stream, String.join("\n",
                "{\"@timestamp\":1772362800000,\"_document_id\":\"d-1\",\"action\":\"git.clone\",\"actor\":\"deploy-bot[bot]\","
                        + "\"programmatic_access_type\":\"GitHub App server-to-server token\",\"hashed_token\":\"aGFzaA==\",\"org\":\"acme\"}",
                "{\"_document_id\":\"d-2\",\"action\":\"team.promote_maintainer\",\"actor\":\"cat\"}") + "\n");
        Run replay = itdr("replay", "--source", "github", "--events", stream.toString());
        assertThat(replay.exit).as(replay.output).isZero();
        assertThat(replay.output).contains("source github").contains("Events: 2 read, 1 accepted, 1 rejected")
                .contains("id d-2: @timestamp and created_at: both missing");
    }

    private record Run(int exit, String output) {
    }

    private static Run itdr(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                DIST.resolve("itdr.jar").toString()));
        Collections.addAll(command, args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

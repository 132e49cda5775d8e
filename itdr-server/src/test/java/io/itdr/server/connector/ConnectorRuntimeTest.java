package io.itdr.server.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.server.config.ItdrProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.unit.DataSize;

/** Connectors as operators configure them: every mistake named by its full property path before anything starts. */
class ConnectorRuntimeTest {
    private static ItdrProperties.Connector connector(boolean enabled, Map<String, String> config) {
        return new ItdrProperties.Connector(enabled, config, Map.of(), null, Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 500, Duration.ofSeconds(30), 4);
    }

    private static ItdrProperties properties(Map<String, ItdrProperties.Connector> connectors) {
        return properties(connectors, null);
    }

    private static ItdrProperties properties(Map<String, ItdrProperties.Connector> connectors, Path pluginFolder) {
        return new ItdrProperties(null, null, new ItdrProperties.Events("full", Duration.ofDays(30)),
                new ItdrProperties.Incidents(Duration.ofHours(24)), new ItdrProperties.Approvals(Duration.ofHours(4)), connectors,
                new ItdrProperties.Ingest(DataSize.ofMegabytes(10)), new ItdrProperties.Security(null, "roles", "sub", null),
                new ItdrProperties.Plugins(pluginFolder),
                new ItdrProperties.LedgerSettings(new ItdrProperties.Checkpoint(null, Duration.ofMinutes(5), null, null)));
    }

    private static ConnectorRuntime start(Map<String, ItdrProperties.Connector> connectors) {
        return new ConnectorRuntime(ConnectorRegistry.discover(), properties(connectors), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    @Test
    void everyProblemIsNamedByItsPropertyPath() {
        assertThatThrownBy(() -> start(Map.of(
                "aws", connector(true, Map.of("region", "us-east-1", "colour", "blue")),
                "gcp", connector(true, Map.of()))))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                            .startsWith("itdr.connectors.aws.config.colour: unknown property; known properties are [access-key-id,"));
                    assertThat(e.problems()).contains("itdr.connectors.gcp: no connector 'gcp' is installed; installed: [aws, okta, stepwise] (from the class path)");
                });
    }

    @Test
    void metadataAndLoopbackEndpointsInAnySpellingStopStartUpNamingTheSetting() {
        Map<String, java.net.URI> endpoints = Map.of("iam", java.net.URI.create("http://169.254.169.254/"),
                "sts", java.net.URI.create("http://[::ffff:127.0.0.1]:8080/"), "cloudtrail", java.net.URI.create("http://2130706433/"),
                "sqs", java.net.URI.create("http://127.1/"), "s3", java.net.URI.create("https://s3.us-east-1.amazonaws.com/"));
        ItdrProperties.Connector aws = new ItdrProperties.Connector(true, Map.of("region", "us-east-1"), endpoints, null,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60), 500, Duration.ofSeconds(30), 4);
        ItdrProperties.Connector okta = connector(true, Map.of("org-url", "http://0x7f.1/", "api-token", "not-logged-0000"));

        // loopback not allowed (production): every spelling of this host and the metadata address are refused
        assertThatThrownBy(() -> new ConnectorRuntime(properties(Map.of("aws", aws, "okta", okta)), Clock.systemUTC(),
                new SimpleMeterRegistry(), false))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> assertThat(p).startsWith("itdr.connectors.aws.endpoints.iam: endpoint http://169.254.169.254 refused: "))
                        .anySatisfy(p -> assertThat(p).startsWith("itdr.connectors.aws.endpoints.sts: ").contains("loopback"))
                        .anySatisfy(p -> assertThat(p).startsWith("itdr.connectors.aws.endpoints.cloudtrail: ").contains("127.0.0.1"))
                        .anySatisfy(p -> assertThat(p).startsWith("itdr.connectors.aws.endpoints.sqs: ").contains("loopback"))
                        .anySatisfy(p -> assertThat(p).startsWith("itdr.connectors.okta.config.org-url: ").contains("loopback"))
                        .noneSatisfy(p -> assertThat(p).contains("endpoints.s3")));
        // loopback allowed (the demo, tests): the metadata address is still refused
        assertThatThrownBy(() -> new ConnectorRuntime(properties(Map.of("aws", aws)), Clock.systemUTC(), new SimpleMeterRegistry(), true))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> assertThat(p).startsWith("itdr.connectors.aws.endpoints.iam: ").contains("link-local")));
    }

    @Test
    void aValueTheConnectorRefusesStopsStartUpNamingIt() {
        assertThatThrownBy(() -> start(Map.of("aws", connector(true, Map.of("region", "mars-1")))))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(p -> assertThat(p).startsWith("itdr.connectors.aws: the connector refused its configuration")
                                .contains("region").contains("mars-1")));
    }

    @Test
    void aMissingRequiredPropertyStopsStartUp() {
        assertThatThrownBy(() -> start(Map.of("okta", connector(true, Map.of()))))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class,
                        e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("itdr.connectors.okta.config.org-url")));
    }

    @Test
    void environmentVariableSpellingsReachTheDeclaredNames() {
        ConnectorRuntime runtime = start(Map.of("aws", connector(true, Map.of("REGION", "eu-west-1", "max.attempts", "2",
                "ACCESSKEYID", "AKIDEXAMPLE0000001", "secret_access_key", "not-logged"))));
        try {
            assertThat(runtime.find("aws")).isPresent();
            assertThat(runtime.executors().find("aws")).isPresent();
            assertThat(runtime.executors().find("okta")).isEmpty();
        } finally {
            runtime.destroy();
        }
    }

    @Test
    void secretsMayBeReferencesAndAnUnresolvedOneIsNamedWithoutItsValue(@TempDir Path dir)
            throws IOException {
        Path file = Files.writeString(dir.resolve("aws-secret"), "from-a-file\n");
        ConnectorRuntime runtime = start(Map.of("aws", connector(true, Map.of("region", "eu-west-1",
                "access-key-id", "AKIDEXAMPLE0000001", "secret-access-key", "file:" + file))));
        runtime.destroy();

        assertThatThrownBy(() -> start(Map.of("aws", connector(true, Map.of("region", "eu-west-1",
                "access-key-id", "AKIDEXAMPLE0000001", "secret-access-key", "env:ITDR_TEST_NO_SUCH_VARIABLE_7")))))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "itdr.connectors.aws.config.secret-access-key: env:ITDR_TEST_NO_SUCH_VARIABLE_7 does not resolve "
                                + "(no such environment variable or readable file)"));
    }

    @Test
    void aDisabledConnectorIsNotStartedNorChecked() {
        ConnectorRuntime runtime = start(Map.of("aws", connector(false, Map.of("region", "mars-1"))));
        assertThat(runtime.running()).isEmpty();
        assertThat(runtime.installed()).containsKeys("aws", "okta");
    }

    @Test
    void startUpFailureSaysWhatToChange() {
        FailureAnalysis analysis = new ConnectorConfigurationFailureAnalyzer().analyze(
                new IllegalStateException(new ConnectorConfigurationException(List.of("itdr.connectors.aws.config.region: bad"))));
        assertThat(analysis.getDescription()).contains("itdr.connectors.aws.config.region: bad");
        assertThat(analysis.getAction()).contains("ITDR_CONNECTORS_<ID>_");
    }

    @Test
    void aBrokenPluginFolderStopsStartUpNamingEveryProblem(@TempDir Path dir) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.createDirectories(plugins.resolve("gcp"));
        Files.writeString(plugins.resolve("notes.txt"), "not a plugin");

        assertThatThrownBy(() -> new ConnectorRuntime(properties(Map.of(), plugins), Clock.systemUTC(), new SimpleMeterRegistry()))
                .isInstanceOfSatisfying(PluginProblemsException.class, e -> {
                    assertThat(e.where()).isEqualTo("plugin folder " + plugins.toAbsolutePath());
                    assertThat(e.problems()).containsExactly(
                            plugins.resolve("gcp") + ": empty plugin directory: no jar in it; put the connector's jar and its dependencies there",
                            plugins.resolve("notes.txt") + ": stray file in the plugin folder: it holds one directory per connector ("
                                    + plugins.resolve("<id>") + "/ with the connector's jars); move or remove the file");
                    FailureAnalysis analysis = new PluginProblemsFailureAnalyzer().analyze(new IllegalStateException(e));
                    assertThat(analysis.getDescription()).contains(e.problems().get(0)).contains(e.problems().get(1));
                    assertThat(analysis.getAction()).contains("plugins/aws/");
                });
    }

    @Test
    void aPluginFolderThatIsSetMustExist(@TempDir Path dir) {
        assertThatThrownBy(() -> new ConnectorRuntime(properties(Map.of(), dir.resolve("nowhere")), Clock.systemUTC(),
                new SimpleMeterRegistry()))
                .isInstanceOfSatisfying(PluginProblemsException.class, e -> assertThat(e.problems())
                        .containsExactly(dir.resolve("nowhere") + ": plugin folder not found (no such directory)"));
    }

    @Test
    void anEnabledConnectorWithoutAPluginStopsStartUpSayingWhereItWasLookedFor(@TempDir Path dir) {
        assertThatThrownBy(() -> new ConnectorRuntime(properties(Map.of("gcp", connector(true, Map.of())), dir), Clock.systemUTC(),
                new SimpleMeterRegistry()))
                .isInstanceOfSatisfying(ConnectorConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                        "itdr.connectors.gcp: no connector 'gcp' is installed; installed: [aws, okta, stepwise] (from plugin folder " + dir + ")"));
    }
}

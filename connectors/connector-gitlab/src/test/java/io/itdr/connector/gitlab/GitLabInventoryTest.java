package io.itdr.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.Connector;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the inventory makes of the sandbox group's tokens and service account. */
class GitLabInventoryTest {
    private static GitLabSandbox sandbox;
    private static Connector connector;

    @BeforeAll
    static void start() {
        sandbox = new GitLabSandbox("glpat-test");
        GitLabConnectorFactory factory = new GitLabConnectorFactory();
        connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties())
                        .validate(Map.of("scope", "group", "scope-id", GitLabSandbox.GROUP, "token", "glpat-test")),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW), new HttpSettings(Duration.ofSeconds(5),
                        Duration.ofSeconds(10), null, Map.of("gitlab", sandbox.endpoint())), Map.of(), new RecordingMetrics()));
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void tokensAndServiceAccountsAreListedWithWhatTheyMayDo() {
        Map<String, InventoryIdentity> byId = connector.inventory().list(null, 100).identities().stream()
                .collect(Collectors.toMap(i -> i.identity().id(), Function.identity()));
        InventoryIdentity release = byId.get("group/4242/access_token/501");
        assertThat(release.identity().kind()).isEqualTo("group_access_token");
        assertThat(release.privileged()).as("Maintainer with api").isTrue();
        assertThat(release.privilegeScopes()).containsExactly("api", "write_repository");
        assertThat(release.credentials()).singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(CredentialStatus.ACTIVE);
            assertThat(c.expires()).hasToString("2026-06-01T00:00:00Z");
            assertThat(c.lastUsed()).hasToString("2026-02-28T10:00:00Z");
        });
        assertThat(byId.get("group/4242/access_token/502").privileged()).as("Reporter with read_api").isFalse();
        assertThat(byId.get("group/4242/deploy_token/61").privileged()).as("may write the registry").isTrue();
        assertThat(byId.get("91").identity().kind()).isEqualTo("service_account");
    }

    @Test
    void aProjectsAccessTokensAndDeployKeysAreListed() {
        io.itdr.fixture.gitlab.GroupCredentialsSimulation project = io.itdr.fixture.gitlab.GroupCredentialsSimulation.forProject("12",
                java.util.Set.of("glpat-project"));
        com.github.tomakehurst.wiremock.WireMockServer server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig().dynamicPort().extensions(project));
        server.start();
        try {
            project.stub(server);
            synchronized (project) {
                project.accessTokens.add(io.itdr.fixture.gitlab.GroupCredentialsSimulation.accessToken(3301, "ci-deploy", 1301, 40,
                        "2026-09-01", null, "api"));
                project.deployKeys.add(io.itdr.fixture.gitlab.GroupCredentialsSimulation.deployKey(71, "release-push",
                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHB1c2gta2V5", true, "2026-01-15T09:00:00.000Z"));
                project.deployKeys.add(io.itdr.fixture.gitlab.GroupCredentialsSimulation.deployKey(72, "mirror-read",
                        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHJlYWQta2V5", false, "2026-01-16T09:00:00.000Z"));
            }
            GitLabConnectorFactory factory = new GitLabConnectorFactory();
            try (Connector c = factory.create(new ConfigSchema(factory.id(), factory.configProperties())
                            .validate(Map.of("scope", "project", "scope-id", "12", "token", "glpat-project")),
                    new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW), new HttpSettings(Duration.ofSeconds(5),
                            Duration.ofSeconds(10), null, Map.of("gitlab", java.net.URI.create(server.baseUrl()))), Map.of(),
                            new RecordingMetrics()))) {
                Map<String, InventoryIdentity> byId = c.inventory().list(null, 100).identities().stream()
                        .collect(Collectors.toMap(i -> i.identity().id(), Function.identity()));
                assertThat(byId).containsOnlyKeys("project/12/access_token/3301", "project/12/deploy_key/71", "project/12/deploy_key/72");
                assertThat(byId.get("project/12/access_token/3301").identity().kind()).isEqualTo("project_access_token");
                InventoryIdentity push = byId.get("project/12/deploy_key/71");
                assertThat(push.identity().kind()).isEqualTo("deploy_key");
                assertThat(push.privileged()).as("can_push").isTrue();
                assertThat(push.privilegeScopes()).containsExactly("write_repository");
                assertThat(byId.get("project/12/deploy_key/72").privileged()).isFalse();
            }
        } finally {
            server.stop();
        }
    }
}

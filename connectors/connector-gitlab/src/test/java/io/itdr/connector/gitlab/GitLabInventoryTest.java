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
}

package io.itdr.connector.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the example does beyond the kit's contract: its own mapping and refusals. */
class ExampleConnectorTest {
    private static final String TOKEN = "example-test-token";
    private static ExampleSandbox sandbox;
    private Connector connector;
    private TestingConnectorContext context;

    @BeforeAll
    static void startPlatform() {
        sandbox = new ExampleSandbox(TOKEN);
    }

    @AfterAll
    static void stopPlatform() {
        sandbox.close();
    }

    @BeforeEach
    void connect() {
        sandbox.reset();
        ExampleConnectorFactory factory = new ExampleConnectorFactory();
        context = TestingConnectorContext.withRequestTimeout(ConnectorTck.REQUEST_TIMEOUT);
        connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties())
                        .validate(Map.of("base-url", sandbox.baseUrl() + "/", "api-token", TOKEN, "request-timeout", "5s")),
                context);
    }

    @AfterEach
    void close() {
        connector.close();
    }

    @Test
    void inventoryMapsTheAppObject() {
        InventoryIdentity app = connector.inventory().get(null, IdentityRef.of("app-1")).orElseThrow();
        assertThat(app.identity().name()).isEqualTo("ci-deployer");
        assertThat(app.enabled()).isTrue();
        assertThat(app.owner()).isEqualTo("team-platform");
        assertThat(app.privilegeScopes()).containsExactly("deploy.write", "artifacts.read");
        assertThat(app.consumers()).containsExactly("github-actions:acme/app");
        assertThat(app.credentials()).extracting(c -> c.id() + "=" + c.status())
                .containsExactly("key-1=" + CredentialStatus.ACTIVE, "key-2=" + CredentialStatus.ACTIVE);
        assertThat(connector.inventory().get(null, IdentityRef.of("app-3")).orElseThrow().enabled()).isFalse();
        assertThat(context.metrics().count("api.calls")).as("API calls counted, tagged by outcome only").isEqualTo(2);
        assertThat(context.metrics().recorded()).allMatch(line -> line.startsWith("api.calls{outcome=200}"));
    }

    @Test
    void executeRefusesATargetThatChangedSincePlanning() {
        ActionRequest key = new ActionRequest(Rung.DISABLE_CREDENTIAL,
                new ActionTarget(null, IdentityRef.of("app-1"), new CredentialRef("key-2", "api_key")), Map.of());
        ActionPlan keyPlan = connector.actions().plan(key);
        sandbox.platform().consoleSetKeyStatus("app-1", "key-2", "REVOKED");
        assertThatThrownBy(() -> connector.actions().execute(keyPlan, "k1"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("app/app-1/key/key-2/status: expected ACTIVE, found REVOKED");
        assertThat(sandbox.mutatingCallCount()).isZero();
    }

    @Test
    void planRefusesUnknownTargetsAndRequestsWithoutAKey() {
        ActionRequest unknownKey = new ActionRequest(Rung.DISABLE_CREDENTIAL,
                new ActionTarget(null, IdentityRef.of("app-1"), new CredentialRef("key-9", null)), Map.of());
        assertThatThrownBy(() -> connector.actions().plan(unknownKey))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessageContaining("app 'app-1' has no key 'key-9'");
        ActionRequest unknownApp = new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(null, IdentityRef.of("app-9"), null), Map.of());
        assertThatThrownBy(() -> connector.actions().plan(unknownApp))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        ActionRequest noKey = new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, IdentityRef.of("app-1"), null), Map.of());
        assertThatThrownBy(() -> connector.actions().plan(noKey))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED))
                .hasMessage("Connector 'example' does not support disable_credential without a target key");
    }
}

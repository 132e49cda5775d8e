package io.itdr.connector.gitlab;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gitlab.AccountsSimulation;
import io.itdr.fixture.gitlab.AuditEventsSimulation;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Token rotation into a CI/CD variable and deploy key removal, beyond what the kit checks: where values go, and faults. */
class GitLabActionsTest {
    private static GitLabSandbox sandbox;
    private static ActionExecutor actions;

    @BeforeAll
    static void start() {
        sandbox = new GitLabSandbox("glpat-test");
        GitLabConnectorFactory factory = new GitLabConnectorFactory();
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties())
                        .validate(Map.of("scope", "group", "scope-id", GitLabSandbox.GROUP, "token", "glpat-test")),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW), new HttpSettings(Duration.ofSeconds(5),
                        Duration.ofSeconds(10), null, Map.of("gitlab", sandbox.endpoint())), Map.of(), new RecordingMetrics()));
        actions = connector.actions();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    @Test
    void rotationWritesTheNewValueToTheMaskedVariableOnlyAndRevokesTheOld() {
        ActionPlan plan = actions.plan(rotation(GitLabSandbox.DESTINATION));
        assertThat(plan.reversibility()).as("GitLab revokes the old value as it rotates").isEqualTo(Reversibility.IRREVERSIBLE);
        var result = actions.execute(plan, "rotate-1");
        AccountsSimulation accounts = sandbox.accounts();
        synchronized (accounts) {
            assertThat(accounts.tokens.get(GitLabSandbox.PROJECT + "/" + GitLabSandbox.ROTATED_TOKEN_ID)[1]).as("old token revoked").isEqualTo("true");
            assertThat(accounts.issued).hasSize(1);
            String value = accounts.issued.values().iterator().next();
            assertThat(accounts.variables.get("projects/" + GitLabSandbox.PROJECT + "/DEPLOY_TOKEN")).containsExactly(value, "true", "true");
            assertThat(plan.toString() + result.toString()).as("the new value never leaves the action").doesNotContain(value);
        }
        assertThat(actions.plan(rotation(GitLabSandbox.DESTINATION)).isNoOp()).as("planned again after it ran").isTrue();
        assertThatThrownBy(() -> actions.revert(plan, true)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
    }

    @Test
    void rotationIsRefusedWithoutAMaskedDestination() {
        assertThatThrownBy(() -> actions.plan(rotation(null))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains("secret-destination");
        });
        assertThatThrownBy(() -> actions.plan(rotation("arn:aws:secretsmanager:us-east-1:1:secret:x")))
                .hasMessageContaining("is not gitlab-variable:project/<id>/<KEY>");
        assertThatThrownBy(() -> actions.plan(rotation("gitlab-variable:project/12/MISSING"))).hasMessageContaining("does not exist");
        synchronized (sandbox.accounts()) {
            sandbox.accounts().variables.get("projects/" + GitLabSandbox.PROJECT + "/DEPLOY_TOKEN")[1] = "false";
        }
        assertThatThrownBy(() -> actions.plan(rotation(GitLabSandbox.DESTINATION))).hasMessageContaining("is not masked");
    }

    @Test
    void aNewValueThatCannotBeStoredIsRevokedAtOnce() {
        ActionPlan plan = actions.plan(rotation(GitLabSandbox.DESTINATION));
        // https://docs.gitlab.com/api/rest/troubleshooting/#status-codes: 500 from the variables API
        sandbox.server().stubFor(put(urlPathEqualTo("/api/v4/projects/" + GitLabSandbox.PROJECT + "/variables/DEPLOY_TOKEN")).atPriority(1)
                .willReturn(AuditEventsSimulation.error(500, "500 Internal Server Error")));
        assertThatThrownBy(() -> actions.execute(plan, "rotate-2")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).contains("could not be written", "was revoked");
        });
        synchronized (sandbox.accounts()) {
            String newToken = sandbox.accounts().issued.keySet().iterator().next();
            assertThat(sandbox.accounts().tokens.get(newToken)[1]).as("the new token nobody holds is revoked").isEqualTo("true");
        }
    }

    @Test
    void aThrottledRotationIsRetriableAndChangesNothing() {
        ActionPlan plan = actions.plan(rotation(GitLabSandbox.DESTINATION));
        // https://docs.gitlab.com/security/rate_limits/: 429 with Retry-After
        sandbox.server().stubFor(post(urlPathEqualTo("/api/v4/projects/" + GitLabSandbox.PROJECT + "/access_tokens/"
                + GitLabSandbox.ROTATED_TOKEN_ID + "/rotate")).atPriority(1)
                .willReturn(AuditEventsSimulation.error(429, "Retry later").withHeader("Retry-After", "30")));
        assertThatThrownBy(() -> actions.execute(plan, "rotate-3")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
        });
        synchronized (sandbox.accounts()) {
            assertThat(sandbox.accounts().issued).isEmpty();
        }
    }

    @Test
    void aMalformedRotateAnswerIsReportedAsSuch() {
        ActionPlan plan = actions.plan(rotation(GitLabSandbox.DESTINATION));
        sandbox.server().stubFor(post(urlPathEqualTo("/api/v4/projects/" + GitLabSandbox.PROJECT + "/access_tokens/"
                + GitLabSandbox.ROTATED_TOKEN_ID + "/rotate")).atPriority(1)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/json").withBody("{\"id\":9001}")));
        assertThatThrownBy(() -> actions.execute(plan, "rotate-4")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }

    @Test
    void aDeployKeyAnotherProjectUsesComesBackWithItsOwnIdAndWriteAccess() {
        synchronized (sandbox.accounts()) {
            sandbox.accounts().deployKeyLinks.put("13/" + GitLabSandbox.DEPLOY_KEY, "false");
        }
        ActionPlan plan = actions.plan(deployKey());
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        actions.execute(plan, "key-1");
        synchronized (sandbox.accounts()) {
            assertThat(sandbox.accounts().deployKeyLinks).doesNotContainKey(GitLabSandbox.PROJECT + "/" + GitLabSandbox.DEPLOY_KEY);
            assertThat(sandbox.accounts().deployKeys).as("still used by project 13").containsKey(GitLabSandbox.DEPLOY_KEY);
        }
        var reverted = actions.revert(plan, false);
        assertThat(reverted.performed()).extracting(c -> c.operation())
                .contains("POST /api/v4/projects/:id/deploy_keys/:key_id/enable", "PUT /api/v4/projects/:id/deploy_keys/:key_id");
        assertThat(reverted.restored().state()).isEqualTo(plan.preState().state());
        synchronized (sandbox.accounts()) {
            assertThat(sandbox.accounts().deployKeyLinks).containsEntry(GitLabSandbox.PROJECT + "/" + GitLabSandbox.DEPLOY_KEY, "true");
        }
    }

    @Test
    void aDeployKeyGitLabDeletedComesBackAsANewKeyWithTheSameMaterial() {
        ActionPlan plan = actions.plan(deployKey());
        actions.execute(plan, "key-2");
        synchronized (sandbox.accounts()) {
            assertThat(sandbox.accounts().deployKeys).as("its last project gone, GitLab deleted it").isEmpty();
        }
        var reverted = actions.revert(plan, false);
        assertThat(reverted.performed()).extracting(c -> c.operation()).contains("POST /api/v4/projects/:id/deploy_keys");
        assertThat(reverted.restored().state()).isEqualTo(plan.preState().state());
        synchronized (sandbox.accounts()) {
            assertThat(sandbox.accounts().deployKeys.values()).singleElement().satisfies(k -> assertThat(k[1]).isEqualTo(GitLabSandbox.PUBLIC_KEY));
            assertThat(sandbox.accounts().deployKeys).doesNotContainKey(GitLabSandbox.DEPLOY_KEY);
        }
    }

    private static ActionRequest rotation(String destination) {
        return new ActionRequest(Rung.ROTATE_CREDENTIAL, new ActionTarget(null, new IdentityRef("project/" + GitLabSandbox.PROJECT
                + "/access_token/" + GitLabSandbox.ROTATED_TOKEN_ID, "project_access_token", "release"),
                new CredentialRef(GitLabSandbox.ROTATED_TOKEN_ID, "project_access_token")),
                destination == null ? Map.of() : Map.of("secret-destination", destination));
    }

    private static ActionRequest deployKey() {
        return new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, new IdentityRef("project/" + GitLabSandbox.PROJECT
                + "/deploy_key/" + GitLabSandbox.DEPLOY_KEY, "deploy_key", "ci runner"),
                new CredentialRef(Long.toString(GitLabSandbox.DEPLOY_KEY), "deploy_key")), Map.of());
    }
}

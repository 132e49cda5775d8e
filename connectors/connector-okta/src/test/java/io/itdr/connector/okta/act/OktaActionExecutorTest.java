package io.itdr.connector.okta.act;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.okta.sdk.resource.client.ApiClient;
import io.itdr.connector.okta.ManagementApiClients;
import io.itdr.connector.okta.OktaErrors;
import io.itdr.fixture.okta.ManagementApiSandbox;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Okta actions against a stateful WireMock sandbox of the Management API ({@link ManagementApiSandbox}). */
class OktaActionExecutorTest {
    static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    static final String APP = "0oasvcbilling01";
    static final String SECRET = "ocsbilling01";
    static final String OLD_SECRET = "ocsbilling00";
    static final String JWK = "pksbilling01";
    static final String USER = "00usvcbackup01";
    static final String API_TOKEN = "00Tcideploy01";
    static final String ADMIN = "00uadmin01";

    private final ManagementApiSandbox sandbox = new ManagementApiSandbox();
    private WireMockServer server;
    private OktaActionExecutor executor;
    private final List<Object> outputs = new ArrayList<>();

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(sandbox));
        server.start();
        sandbox.stubOperations(server);

        ManagementApiSandbox.App app = new ManagementApiSandbox.App();
        app.label = "billing-sync";
        ManagementApiSandbox.Credential secret = new ManagementApiSandbox.Credential();
        app.secrets.put(SECRET, secret);
        ManagementApiSandbox.Credential oldSecret = new ManagementApiSandbox.Credential();
        oldSecret.status = "INACTIVE";
        app.secrets.put(OLD_SECRET, oldSecret);
        ManagementApiSandbox.Credential key = new ManagementApiSandbox.Credential();
        key.kid = "billing-2024";
        app.jwks.put(JWK, key);
        app.refreshTokens.addAll(List.of("oarbilling01", "oarbilling02"));
        sandbox.apps.put(APP, app);

        ManagementApiSandbox.User user = new ManagementApiSandbox.User();
        user.profile.put("login", "svc-backup@example.com");
        user.profile.put("itdr_service_account", true);
        user.clientTokens.put("0oaweb01", 2);
        user.sessions = 3;
        sandbox.users.put(USER, user);

        ManagementApiSandbox.ApiToken token = new ManagementApiSandbox.ApiToken();
        token.name = "ci-deployer";
        token.userId = ADMIN;
        sandbox.apiTokens.put(API_TOKEN, token);

        executor = executor(ManagementApiClients.client(server, ManagementApiSandbox.TOKEN, 5));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    OktaActionExecutor executor(ApiClient client) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new OktaActionExecutor("okta", client, new OktaErrors(clock), clock);
    }

    static ActionRequest request(Rung rung, String identity, String kind, CredentialRef credential) {
        return new ActionRequest(rung, new ActionTarget("example.okta.com", new IdentityRef(identity, kind, null), credential), Map.of());
    }

    List<String> mutations() {
        return ManagementApiSandbox.mutations(server);
    }

    /** Keeps what the executor returned, for the leak check. */
    <T> T kept(T output) {
        outputs.add(output);
        return output;
    }

    // ---- rungs ----

    @Test
    void declaresItsRungsAndRefusesTheOthersWithTheStandardError() {
        assertThat(executor.rungs()).containsExactlyInAnyOrderEntriesOf(Map.of(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE,
                Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE));
        for (Rung rung : List.of(Rung.STEP_UP, Rung.ROTATE_CREDENTIAL)) {
            assertThatThrownBy(() -> executor.plan(request(rung, APP, "service_app", new CredentialRef(SECRET, "client_secret"))))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                        assertThat(e.getMessage()).isEqualTo("Connector 'okta' does not support rung " + rung.policyName());
                    });
        }
        assertThat(ManagementApiSandbox.requests(server)).isEmpty();
    }

    @Test
    void targetsOfOtherKindsAreRefusedNamingWhatIsAccepted() {
        Map<ActionRequest, String> refusals = Map.of(
                request(Rung.DISABLE_IDENTITY, API_TOKEN, "api_token", null),
                "Connector 'okta' does not support disable_identity for api_token " + API_TOKEN
                        + ": Okta API tokens cannot be disabled, only revoked (quarantine_session, irreversible)",
                request(Rung.DISABLE_IDENTITY, APP, null, null),
                "Connector 'okta' does not support disable_identity for identity " + APP + ": it acts on identities of kind service_app or service_user",
                request(Rung.DISABLE_CREDENTIAL, ADMIN, "service_user", new CredentialRef(API_TOKEN, "api_token")),
                "Connector 'okta' does not support disable_credential for API token " + API_TOKEN
                        + ": Okta API tokens cannot be deactivated, only revoked (quarantine_session, irreversible)",
                request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(SECRET, null)),
                "Connector 'okta' does not support disable_credential for credential " + SECRET
                        + " of kind null: it acts on credentials of kind client_secret or jwk of an app",
                request(Rung.DISABLE_CREDENTIAL, APP, "service_app", null),
                "Connector 'okta' does not support disable_credential without a credential in the target",
                request(Rung.QUARANTINE_SESSION, "arn:aws:iam::123456789012:user/x", "iam_user", null),
                "Connector 'okta' does not support quarantine_session for iam_user arn:aws:iam::123456789012:user/x"
                        + ": it acts on identities of kind service_app, service_user or api_token");
        refusals.forEach((request, message) -> assertThatThrownBy(() -> executor.plan(request))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                    assertThat(e.getMessage()).isEqualTo(message);
                }));
        assertThat(ManagementApiSandbox.requests(server)).isEmpty();
    }

    // ---- reversible rungs ----

    /** One reversible action: its request, its snapshot, its calls, and how a person undoes it by hand. */
    record Reversible(String name, ActionRequest request, String owner, String key, String pre, String post, PlatformCall contain,
                      PlatformCall release, String summary, Consumer<ManagementApiSandbox> undoneByHand) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Reversible> reversibleActions() {
        return Stream.of(
                new Reversible("service app deactivation", request(Rung.DISABLE_IDENTITY, APP, "service_app", null), APP,
                        "app/" + APP + "/status", "ACTIVE", "INACTIVE",
                        new PlatformCall("POST /api/v1/apps/{appId}/lifecycle/deactivate", APP, true),
                        new PlatformCall("POST /api/v1/apps/{appId}/lifecycle/activate", APP, true),
                        "Deactivate Okta app " + APP + " 'billing-sync'; activate restores it",
                        s -> s.apps.get(APP).status = "ACTIVE"),
                new Reversible("service user suspension", request(Rung.DISABLE_IDENTITY, USER, "service_user", null), USER,
                        "user/" + USER + "/status", "ACTIVE", "SUSPENDED",
                        new PlatformCall("POST /api/v1/users/{userId}/lifecycle/suspend", USER, true),
                        new PlatformCall("POST /api/v1/users/{userId}/lifecycle/unsuspend", USER, true),
                        "Suspend Okta service user " + USER + " 'svc-backup@example.com'; unsuspend restores it",
                        s -> s.users.get(USER).status = "ACTIVE"),
                new Reversible("client secret deactivation",
                        request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(SECRET, "client_secret")), APP,
                        "app/" + APP + "/clientSecret/" + SECRET + "/status", "ACTIVE", "INACTIVE",
                        new PlatformCall("POST /api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/deactivate", APP + "/" + SECRET, true),
                        new PlatformCall("POST /api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/activate", APP + "/" + SECRET, true),
                        "Deactivate client secret " + SECRET + " of Okta app " + APP + " (created 2024-01-10); activate restores it",
                        s -> s.apps.get(APP).secrets.get(SECRET).status = "ACTIVE"),
                new Reversible("JSON Web Key deactivation",
                        request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(JWK, "jwk")), APP,
                        "app/" + APP + "/jwk/" + JWK + "/status", "ACTIVE", "INACTIVE",
                        new PlatformCall("POST /api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/deactivate", APP + "/" + JWK, true),
                        new PlatformCall("POST /api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/activate", APP + "/" + JWK, true),
                        "Deactivate JSON Web Key " + JWK + " (kid billing-2024) of Okta app " + APP + "; activate restores it",
                        s -> s.apps.get(APP).jwks.get(JWK).status = "ACTIVE"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reversibleActions")
    void planReadsOnlyExecuteActsOnceVerifyReadsBackAndRevertRestoresExactly(Reversible action) {
        Map<String, String> before = sandbox.consoleState(action.owner());
        ActionPlan plan = kept(executor.plan(action.request()));
        assertThat(mutations()).as("plan makes no mutating call").isEmpty();
        assertThat(plan.connectorId()).isEqualTo("okta");
        assertThat(plan.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
        assertThat(plan.preState().state()).isEqualTo(Map.of(action.key(), action.pre()));
        assertThat(plan.postState().state()).isEqualTo(Map.of(action.key(), action.post()));
        assertThat(plan.preState().capturedAt()).isEqualTo(NOW);
        assertThat(plan.calls()).containsExactly(action.contain());
        assertThat(plan.summary()).isEqualTo(action.summary());
        assertThat(plan.isNoOp()).isFalse();

        ExecutionResult first = kept(executor.execute(plan, "key-1"));
        assertThat(first.alreadyApplied()).isFalse();
        assertThat(first.performed()).containsExactly(action.contain());
        assertThat(first.postState().state()).isEqualTo(plan.postState().state());
        assertThat(sandbox.consoleState(action.owner())).containsEntry(action.key(), action.post());

        ExecutionResult again = kept(executor.execute(plan, "key-1"));
        assertThat(again.alreadyApplied()).isTrue();
        assertThat(again.performed()).isEmpty();
        ExecutionResult otherKey = kept(executor.execute(plan, "key-2"));
        assertThat(otherKey.alreadyApplied()).as("already in the post-state").isTrue();
        assertThat(otherKey.performed()).isEmpty();
        assertThat(mutations()).as("one effect").hasSize(1);

        Verification verified = kept(executor.verify(plan));
        assertThat(verified.inPostState()).isTrue();
        assertThat(verified.detail()).isEmpty();

        RevertResult reverted = kept(executor.revert(plan, false));
        assertThat(reverted.performed()).containsExactly(action.release());
        assertThat(reverted.restored().state()).isEqualTo(plan.preState().state());
        assertThat(sandbox.consoleState(action.owner())).as("the org as before the action").isEqualTo(before);
        Verification afterRevert = kept(executor.verify(plan));
        assertThat(afterRevert.inPostState()).isFalse();
        assertThat(afterRevert.detail()).isEqualTo(action.key() + ": expected " + action.post() + ", found " + action.pre());
        assertThat(mutations()).hasSize(2);
        assertNothingLeaked();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reversibleActions")
    void anOutOfBandChangeIsDriftUnlessAnApproverForcesTheRevert(Reversible action) {
        Map<String, String> before = sandbox.consoleState(action.owner());
        ActionPlan plan = executor.plan(action.request());
        executor.execute(plan, "key-1");
        synchronized (sandbox) {
            action.undoneByHand().accept(sandbox);
        }
        Map<String, String> drifted = sandbox.consoleState(action.owner());

        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DRIFT);
            assertThat(e.retriable()).isFalse();
            assertThat(e.getMessage()).isEqualTo("will not revert " + plan.request().rung().policyName()
                    + ": the state changed since the action (" + action.key() + ": expected " + action.post() + ", found " + action.pre()
                    + "); an approver may force it");
        });
        assertThat(sandbox.consoleState(action.owner())).isEqualTo(drifted);
        assertThat(mutations()).hasSize(1);

        RevertResult forced = executor.revert(plan, true);
        assertThat(forced.performed()).as("already in the pre-state").isEmpty();
        assertThat(forced.restored().state()).isEqualTo(plan.preState().state());
        assertThat(sandbox.consoleState(action.owner())).isEqualTo(before);
    }

    @Test
    void aForcedRevertPutsBackAPreStateThatWasAlreadyContained() {
        sandbox.apps.get(APP).status = "INACTIVE";
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, APP, "service_app", null));
        assertThat(plan.isNoOp()).isTrue();
        assertThat(plan.calls()).isEmpty();
        assertThat(plan.summary()).isEqualTo("Okta app " + APP + " 'billing-sync' is already INACTIVE: nothing to do");
        ExecutionResult result = executor.execute(plan, "key-1");
        assertThat(result.alreadyApplied()).isTrue();
        assertThat(mutations()).isEmpty();

        sandbox.apps.get(APP).status = "ACTIVE"; // activated by hand since
        assertThatThrownBy(() -> executor.revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIFT));
        RevertResult forced = executor.revert(plan, true);
        assertThat(forced.performed()).containsExactly(new PlatformCall("POST /api/v1/apps/{appId}/lifecycle/deactivate", APP, true));
        assertThat(sandbox.apps.get(APP).status).isEqualTo("INACTIVE");
    }

    @Test
    void anInactiveSecretPlansNothingAndExecutesNothing() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(OLD_SECRET, "client_secret")));
        assertThat(plan.isNoOp()).isTrue();
        assertThat(plan.summary()).isEqualTo("client secret " + OLD_SECRET + " of Okta app " + APP + " (created 2024-01-10) is already INACTIVE: nothing to do");
        assertThat(executor.execute(plan, "key-1").alreadyApplied()).isTrue();
        assertThat(executor.verify(plan).inPostState()).isTrue();
        assertThat(executor.revert(plan, false).performed()).isEmpty();
        assertThat(mutations()).isEmpty();
    }

    @Test
    void onlyAnActiveUserIsSuspendedAndAForcedRevertCannotRaiseADeprovisionedOne() {
        sandbox.users.get(USER).status = "STAGED";
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_IDENTITY, USER, "service_user", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
                    assertThat(e.getMessage()).isEqualTo("Okta service user " + USER
                            + " 'svc-backup@example.com' is STAGED: only an ACTIVE one can be suspended");
                });

        sandbox.users.get(USER).status = "ACTIVE";
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, USER, "service_user", null));
        executor.execute(plan, "key-1");
        sandbox.users.get(USER).status = "DEPROVISIONED"; // deactivated by hand
        assertThatThrownBy(() -> executor.revert(plan, true)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
            assertThat(e.getMessage()).isEqualTo("POST /api/v1/users/" + USER + "/lifecycle/unsuspend: HTTP 400; E0000001: "
                    + "Api validation failed: Cannot unsuspend a user that is not suspended");
        });
        assertThat(sandbox.users.get(USER).status).isEqualTo("DEPROVISIONED");
    }

    // ---- quarantine_session (irreversible) ----

    @Test
    void anAppsRefreshTokensAreRevokedIrreversibly() {
        ActionPlan plan = kept(executor.plan(request(Rung.QUARANTINE_SESSION, APP, "service_app", null)));
        assertThat(mutations()).isEmpty();
        assertThat(plan.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
        assertThat(plan.preState().state()).isEqualTo(Map.of("app/" + APP + "/refreshTokens", "present"));
        assertThat(plan.postState().state()).isEqualTo(Map.of("app/" + APP + "/refreshTokens", "none"));
        assertThat(plan.calls()).containsExactly(new PlatformCall("DELETE /api/v1/apps/{appId}/tokens", APP, true));
        assertThat(plan.summary()).isEqualTo("Revoke every OAuth refresh token of Okta app " + APP
                + " 'billing-sync' and the access tokens minted with them (irreversible: clients must authenticate again)");

        assertThat(kept(executor.execute(plan, "key-1")).alreadyApplied()).isFalse();
        assertThat(sandbox.apps.get(APP).refreshTokens).isEmpty();
        assertThat(executor.execute(plan, "key-1").performed()).isEmpty();
        assertThat(executor.execute(plan, "key-2").alreadyApplied()).as("no refresh token left").isTrue();
        assertThat(mutations()).containsExactly("DELETE /api/v1/apps/" + APP + "/tokens");
        assertThat(kept(executor.verify(plan)).inPostState()).isTrue();
        assertRevertRefused(plan);
        ActionPlan nothingLeft = executor.plan(request(Rung.QUARANTINE_SESSION, APP, "service_app", null));
        assertThat(nothingLeft.isNoOp()).isTrue();
        assertThat(nothingLeft.calls()).isEmpty();
        assertThat(nothingLeft.summary()).isEqualTo("Okta app " + APP + " 'billing-sync' holds no refresh token: nothing to revoke");
        assertNothingLeaked();
    }

    @Test
    void aServiceUsersSessionsAndOAuthTokensAreEndedIrreversibly() {
        ActionPlan plan = kept(executor.plan(request(Rung.QUARANTINE_SESSION, USER, "service_user", null)));
        assertThat(mutations()).isEmpty();
        assertThat(plan.preState().state()).isEqualTo(Map.of("user/" + USER + "/oauthTokens", "present"));
        assertThat(plan.postState().state()).isEqualTo(Map.of("user/" + USER + "/oauthTokens", "none"));
        assertThat(plan.calls()).containsExactly(new PlatformCall("DELETE /api/v1/users/{userId}/sessions?oauthTokens=true", USER, true));

        executor.execute(plan, "key-1");
        assertThat(sandbox.consoleState(USER)).containsEntry("user/" + USER + "/sessions", "0")
                .containsEntry("user/" + USER + "/client/0oaweb01/tokens", "0");
        assertThat(executor.verify(plan).inPostState()).isTrue();
        assertThat(executor.execute(plan, "key-1").performed()).isEmpty();
        // Okta shows no sessions: a new intent (key) ends them again rather than trusting an old read
        sandbox.users.get(USER).sessions = 1;
        assertThat(executor.execute(plan, "key-2").alreadyApplied()).isFalse();
        assertThat(sandbox.users.get(USER).sessions).isZero();
        assertThat(mutations()).containsExactly("DELETE /api/v1/users/" + USER + "/sessions?oauthTokens=true",
                "DELETE /api/v1/users/" + USER + "/sessions?oauthTokens=true");
        assertRevertRefused(plan);
    }

    @Test
    void anApiTokenIsRevokedIrreversiblyWhetherNamedAsIdentityOrAsCredential() {
        ActionPlan byIdentity = kept(executor.plan(request(Rung.QUARANTINE_SESSION, API_TOKEN, "api_token", null)));
        ActionPlan byCredential = executor.plan(request(Rung.QUARANTINE_SESSION, ADMIN, "service_user", new CredentialRef(API_TOKEN, "api_token")));
        assertThat(byCredential.preState().state()).isEqualTo(byIdentity.preState().state());
        assertThat(byIdentity.preState().state()).isEqualTo(Map.of("apiToken/" + API_TOKEN + "/status", "ACTIVE"));
        assertThat(byIdentity.postState().state()).isEqualTo(Map.of("apiToken/" + API_TOKEN + "/status", "REVOKED"));
        assertThat(byIdentity.summary()).isEqualTo("Revoke Okta API token " + API_TOKEN + " 'ci-deployer' of user " + ADMIN
                + " (irreversible: a new token must be created and distributed)");
        assertThat(mutations()).isEmpty();

        executor.execute(byIdentity, "key-1");
        assertThat(sandbox.apiTokens).doesNotContainKey(API_TOKEN);
        assertThat(executor.verify(byIdentity).inPostState()).isTrue();
        assertThat(executor.execute(byCredential, "key-2").alreadyApplied()).isTrue();
        assertThat(mutations()).containsExactly("DELETE /api/v1/api-tokens/" + API_TOKEN);
        assertRevertRefused(byIdentity);

        assertThatThrownBy(() -> executor.plan(request(Rung.QUARANTINE_SESSION, API_TOKEN, "api_token", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("Okta knows no active API token " + API_TOKEN);
                });
    }

    void assertRevertRefused(ActionPlan plan) {
        int calls = mutations().size();
        for (boolean force : new boolean[] {false, true}) {
            assertThatThrownBy(() -> executor.revert(plan, force)).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                assertThat(e.getMessage()).startsWith("Connector 'okta' does not support reverting an irreversible quarantine_session (");
            });
        }
        assertThat(mutations()).hasSize(calls);
    }

    @Test
    void plansOfAnotherConnectorOrActionAreRefused() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, APP, "service_app", null));
        ActionPlan foreign = new ActionPlan("aws", plan.request(), plan.calls(), plan.reversibility(), plan.preState(),
                plan.postState(), plan.summary(), plan.details());
        assertThatThrownBy(() -> executor.execute(foreign, "x")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        ActionPlan unknown = new ActionPlan("okta", plan.request(), plan.calls(), plan.reversibility(), plan.preState(),
                plan.postState(), plan.summary(), Map.of("action", "DELETE_EVERYTHING"));
        assertThatThrownBy(() -> executor.verify(unknown)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).isEqualTo("plan names action 'DELETE_EVERYTHING', which this connector does not have");
        });
        assertThat(mutations()).isEmpty();
    }

    // ---- faults ----

    private void fault(String method, String path, ResponseDefinitionBuilder response) {
        server.stubFor(WireMock.request(method, urlPathEqualTo(path)).atPriority(1).willReturn(response));
    }

    @Test
    void throttlingIsRetriableAfterTheRateLimitReset() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, APP, "service_app", null));
        // https://developer.okta.com/docs/reference/rl-best-practices/: 429 E0000047 with X-Rate-Limit-Reset (epoch seconds)
        fault("POST", "/api/v1/apps/" + APP + "/lifecycle/deactivate", aResponse().withStatus(429)
                .withHeader("Content-Type", "application/json").withHeader("X-Rate-Limit-Limit", "50")
                .withHeader("X-Rate-Limit-Remaining", "0").withHeader("X-Rate-Limit-Reset", Long.toString(NOW.getEpochSecond() + 30))
                .withBody(ManagementApiSandbox.errorBody("E0000047", "API call exceeded rate limit due to too many requests.")));
        assertThatThrownBy(() -> executor.execute(plan, "t-1")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(30));
            assertThat(e.getMessage()).isEqualTo("POST /api/v1/apps/" + APP + "/lifecycle/deactivate: HTTP 429; E0000047: "
                    + "API call exceeded rate limit due to too many requests.");
        });
        assertThat(mutations()).as("one attempt: retries are the host's").hasSize(1);
        assertThat(sandbox.apps.get(APP).status).isEqualTo("ACTIVE");
    }

    @Test
    void aServerErrorIsUnavailable() {
        fault("GET", "/api/v1/apps/" + APP + "/credentials/secrets/" + SECRET, aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody(ManagementApiSandbox.errorBody("E0000009", "Internal Server Error")));
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(SECRET, "client_secret"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.retriable()).isTrue();
                });
    }

    @Test
    void noAnswerInTimeIsATimeoutWhoseEffectVerifyReadsBack() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(JWK, "jwk")));
        OktaActionExecutor impatient = executor(ManagementApiClients.client(server, ManagementApiSandbox.TOKEN, 1));
        sandbox.hooks.delayNext("deactivateOAuth2ClientJsonWebKey", 2_500);
        assertThatThrownBy(() -> impatient.execute(plan, "slow-1")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retriable()).isTrue();
        });
        // the change was made before the answer was lost: the engine reconciles by reading, not by executing again
        assertThat(executor.verify(plan).inPostState()).isTrue();
    }

    @Test
    void anUnknownTargetIsNotFound() {
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_IDENTITY, "0oanosuchapp", "service_app", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                    assertThat(e.getMessage()).isEqualTo("GET /api/v1/apps/0oanosuchapp: HTTP 404; E0000007: "
                            + "Not found: Resource not found: 0oanosuchapp (AppInstance)");
                });
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef("pksnone", "jwk"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> executor.plan(request(Rung.QUARANTINE_SESSION, "00unobody", "service_user", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(mutations()).isEmpty();
    }

    @Test
    void anUnreadableAnswerIsMalformed() {
        fault("GET", "/api/v1/apps/" + APP + "/credentials/secrets/" + SECRET, aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"id\":\"" + SECRET + "\",\"status\":"));
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, APP, "service_app", new CredentialRef(SECRET, "client_secret"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
        fault("GET", "/api/v1/apps/" + APP, aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"id\":\"" + APP + "\",\"label\":\"no status\",\"signOnMode\":\"OPENID_CONNECT\"}"));
        assertThatThrownBy(() -> executor.plan(request(Rung.DISABLE_IDENTITY, APP, "service_app", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
                    assertThat(e.getMessage()).isEqualTo("Okta answered without a status for app " + APP);
                });
    }

    @Test
    void aRefusedTokenIsAnAuthenticationFailureThatNamesNoSecret() {
        OktaActionExecutor wrong = executor(ManagementApiClients.client(server, "00wrong-token-value", 5));
        assertThatThrownBy(() -> wrong.plan(request(Rung.DISABLE_IDENTITY, APP, "service_app", null)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                    assertThat(e.getMessage()).doesNotContain("00wrong-token-value").contains("E0000011");
                });
    }

    /** Nothing the executor returned carries the org's API token or a client secret value. */
    void assertNothingLeaked() {
        for (Object output : outputs) {
            assertThat(output.toString()).doesNotContain(ManagementApiSandbox.TOKEN).doesNotContain(ManagementApiSandbox.UNDISCLOSED);
        }
    }
}

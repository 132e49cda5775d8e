package io.itdr.it;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.act.ActionSettings;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.InMemoryActionStore;
import io.itdr.core.act.KillSwitch;
import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.core.connect.HostContext;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.okta.ManagementApiSandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityRef;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A held quarantine_session, asked for by one person and approved by another a while later,
 * through the real AWS and Okta connectors (found by ServiceLoader) against their stateful
 * simulations: the approver's re-plan gives the digest they were shown, however much time passed
 * (issue #12, item 1), and the action is executed and verified. A quarantine with nothing to revoke
 * is not held at all; the ledger says why (item 7).
 */
class HeldSessionQuarantineApprovalTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Duration WHILE_HELD = Duration.ofMinutes(10);
    private static final String ACCOUNT = "123456789012";
    private static final String OKTA_ORG = "example.okta.com";
    private static final String DISABLE_HTTPS_CHECK = "okta.testing.disableHttpsCheck";

    private final SettableClock clock = new SettableClock(T0);
    private final InMemoryLedger ledger = new InMemoryLedger(clock);
    private WireMockServer server;
    private Connector connector;
    private String previousHttpsCheck;
    private boolean httpsCheckChanged;

    @AfterEach
    void stop() {
        if (connector != null) {
            connector.close();
        }
        if (server != null) {
            server.stop();
        }
        if (httpsCheckChanged) {
            if (previousHttpsCheck == null) {
                System.clearProperty(DISABLE_HTTPS_CHECK);
            } else {
                System.setProperty(DISABLE_HTTPS_CHECK, previousHttpsCheck);
            }
        }
    }

    private Connector connect(String id, Map<String, String> config, Map<String, URI> endpoints) {
        HostContext context = new HostContext(clock, new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(10), null, endpoints),
                ConnectorMetrics.NOOP, Map.<String, String>of()::get);
        ConnectorRegistry registry = ConnectorRegistry.discover();
        assertThat(registry.problems()).isEmpty();
        connector = registry.create(id, config, context);
        return connector;
    }

    private ActionCoordinator coordinator(String platform) {
        return new ActionCoordinator(ledger, new InMemoryActionStore(), p -> platform.equals(p) ? Optional.of(connector.actions()) : Optional.empty(),
                new KillSwitch(ledger, clock), clock, ActionSettings.defaults());
    }

    private static ActionRequest quarantine(String tenant, IdentityRef identity) {
        return new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(tenant, identity, null), Map.of());
    }

    /** Held on alice's request, approved by bob with the digest he was shown, after {@link #WHILE_HELD}. */
    private ActionRecord requestAndApproveLater(ActionCoordinator coordinator, String platform, String identityKey, ActionRequest request) {
        ActionRecord held = coordinator.requestByPerson("f-1", identityKey, platform, request, "user:alice", "stolen session suspected");
        assertThat(held.state()).isEqualTo(ActionState.HELD);
        clock.advance(WHILE_HELD);
        // alice through an API token of hers is still alice (separation of duties compares principals)
        assertThatThrownBy(() -> coordinator.approve(held.id(), held.planDigest(), "user:alice/token:alice-laptop", "mine"))
                .isInstanceOfSatisfying(ActionRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.SELF_APPROVAL));
        return coordinator.approve(held.id(), held.planDigest(), "user:bob/token:bob-cli", "confirmed with the owner");
    }

    @Test
    void aHeldAwsRoleQuarantineIsApprovedLaterAndRevokesSessionsIssuedBeforeExecution() {
        IamSandbox iam = new IamSandbox();
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(iam));
        server.start();
        iam.stubActions(server);
        iam.roles.put("orders-api", new IamSandbox.Role());
        URI endpoint = URI.create(server.baseUrl());
        connect("aws", Map.of("region", "us-east-1", "access-key-id", "AKIDTESTEXAMPLE", "secret-access-key", "test-secret",
                "max-attempts", "1"), Map.of("iam", endpoint, "sts", endpoint));
        String role = "arn:aws:iam::" + ACCOUNT + ":role/orders-api";

        ActionRecord done = requestAndApproveLater(coordinator("aws"), "aws", "aws:" + role,
                quarantine(ACCOUNT, new IdentityRef(role, "iam_role", "orders-api")));

        assertThat(done.state()).as("%s", done.lastError()).isEqualTo(ActionState.VERIFIED);
        assertThat(done.approver()).isEqualTo("user:bob/token:bob-cli");
        assertThat(IamSandbox.actions(server)).containsOnlyOnce("PutRolePolicy");
        // the cut-off is the time of execution (after the wait), not the time of the request
        assertThat(iam.roles.get("orders-api").inline.get("AWSRevokeOlderSessions"))
                .contains("\"aws:TokenIssueTime\":\"" + T0.plus(WHILE_HELD) + "\"");
        assertThat(ledgerKinds()).containsSubsequence("action.planned", "action.held", "action.approved", "action.executing",
                "action.executed", "action.verified");
        assertThat(LedgerVerifier.verify(ledger.read(1, Integer.MAX_VALUE)).intact()).isTrue();
    }

    @Test
    void aHeldOktaQuarantineIsApprovedLaterAndOneWithNothingToRevokeIsNotHeld() {
        previousHttpsCheck = System.setProperty(DISABLE_HTTPS_CHECK, "true"); // the simulation is plain http
        httpsCheckChanged = true;
        ManagementApiSandbox okta = new ManagementApiSandbox();
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(okta));
        server.start();
        okta.stubOperations(server);
        ManagementApiSandbox.App portal = new ManagementApiSandbox.App();
        portal.label = "portal-and-batch";
        portal.refreshTokens.addAll(List.of("oar1portal01", "oar1portal02"));
        okta.apps.put("0oaportalbatch01", portal);
        ManagementApiSandbox.App quiet = new ManagementApiSandbox.App();
        quiet.label = "reports-export";
        okta.apps.put("0oareportsexp01", quiet);
        connect("okta", Map.of("org-url", "https://" + OKTA_ORG, "api-token", ManagementApiSandbox.TOKEN),
                Map.of("okta", URI.create(server.baseUrl())));
        ActionCoordinator coordinator = coordinator("okta");

        ActionRecord done = requestAndApproveLater(coordinator, "okta", "okta:0oaportalbatch01",
                quarantine(OKTA_ORG, new IdentityRef("0oaportalbatch01", "service_app", "portal-and-batch")));

        assertThat(done.state()).as("%s", done.lastError()).isEqualTo(ActionState.VERIFIED);
        assertThat(done.approver()).isEqualTo("user:bob/token:bob-cli");
        assertThat(okta.apps.get("0oaportalbatch01").refreshTokens).isEmpty();

        assertThatThrownBy(() -> coordinator.requestByPerson("f-2", "okta:0oareportsexp01", "okta",
                quarantine(OKTA_ORG, new IdentityRef("0oareportsexp01", "service_app", "reports-export")), "user:alice", "to be sure"))
                .isInstanceOfSatisfying(ActionRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(Refusal.NOTHING_TO_DO));
        LedgerEntry why = ledger.read(1, Integer.MAX_VALUE).get(ledger.read(1, Integer.MAX_VALUE).size() - 1);
        assertThat(why.kind()).isEqualTo("action.nothing_to_do");
        assertThat(why.result()).isEqualTo("nothing to do: Okta app 0oareportsexp01 'reports-export' holds no refresh token: nothing to revoke");
        assertThat(ledgerKinds()).filteredOn("action.held"::equals).hasSize(1);
        assertThat(LedgerVerifier.verify(ledger.read(1, Integer.MAX_VALUE)).intact()).isTrue();
    }

    private List<String> ledgerKinds() {
        return ledger.read(1, Integer.MAX_VALUE).stream().map(LedgerEntry::kind).toList();
    }
}

package io.itdr.it;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.ExecutorRegistry;
import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.core.connect.HostContext;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.model.Decision;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine and the real AWS connector, found through ServiceLoader and configured like an
 * operator would, against a stateful WireMock simulation of IAM: a replayed role session is
 * quarantined with exactly one PutRolePolicy, a redelivered decision changes nothing, and the
 * rollback removes the policy again.
 */
class AwsContainmentTest {
    private static final String ACCOUNT = "123456789012";
    private static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/orders-api";
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final String CATALOG = """
            identities:
              - match: "arn:aws:iam::*:role/orders-*"
                platform: aws
                owner: team-orders
                criticality: tier2
                consumers: [orders-api]
                expected_sources:
                  asns: [16509]
            """;

    private final IamSandbox iam = new IamSandbox();
    private WireMockServer server;
    private Connector connector;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(iam));
        server.start();
        iam.stubActions(server);
        iam.roles.put("orders-api", new IamSandbox.Role());
        URI endpoint = URI.create(server.baseUrl());
        HostContext context = new HostContext(Clock.fixed(T0.plus(Duration.ofMinutes(5)), ZoneOffset.UTC),
                new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(10), null, Map.of("iam", endpoint, "sts", endpoint)),
                ConnectorMetrics.NOOP, Map.<String, String>of()::get);
        ConnectorRegistry registry = ConnectorRegistry.discover();
        assertThat(registry.problems()).isEmpty();
        connector = registry.create("aws", Map.of("region", "us-east-1", "access-key-id", "AKIDTESTEXAMPLE",
                "secret-access-key", "test-secret", "max-attempts", "1"), context);
    }

    @AfterEach
    void stop() {
        connector.close();
        server.stop();
    }

    private static IdentityEvent call(String id, Instant at, Source source) {
        return IdentityEvent.builder(id, at, "aws", new IdentityRef(ROLE, "iam_role", "orders-api"))
                .tenant(ACCOUNT)
                .credential(new CredentialRef("ASIAEXAMPLESESSION01", "session_key"))
                .category(EventCategory.API_CALL).action("dynamodb:Query")
                .source(source)
                .session(new SessionInfo("orders-api-session", "ASIAEXAMPLESESSION01", at.minus(Duration.ofMinutes(20)), false))
                .workload(new Workload("orders-api", "k8s", "orders-api"))
                .build();
    }

    private static Policy enforcingDefaultPolicy() throws IOException {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return PolicyLoader.parse(text.replaceFirst("(?m)^mode: shadow$", "mode: enforce"), "default-policy.yaml");
        }
    }

    @Test
    void aReplayedRoleSessionIsQuarantinedOnceAndRolledBackCleanly() throws IOException {
        ActionExecutor executor = connector.actions();
        Clock clock = Clock.fixed(T0.plus(Duration.ofMinutes(5)), ZoneOffset.UTC);
        InMemoryLedger ledger = new InMemoryLedger(clock);
        ExecutorRegistry executors = platform -> "aws".equals(platform) ? Optional.of(executor) : Optional.empty();
        ResponseEngine engine = ResponseEngine.builder(enforcingDefaultPolicy(), clock, ledger)
                .catalog(IdentityCatalog.parse(CATALOG, "catalog.yaml"))
                .executors(executors)
                .rollbackPaths(RollbackPaths.of(Map.of("aws", executor.rungs())))
                .build();
        Pipeline pipeline = engine.pipeline();
        ActionCoordinator coordinator = engine.coordinator();

        List<Pipeline.Outcome> outcomes = new ArrayList<>();
        outcomes.addAll(pipeline.process(call("evt-own", T0, new Source("10.20.0.5", 16509L, "AMAZON-02", null, "aws-sdk-java/2.57.8", false))));
        outcomes.addAll(pipeline.process(call("evt-replay", T0.plusSeconds(240),
                new Source("203.0.113.9", 14061L, "DIGITALOCEAN", null, "python-requests/2.31", false))));

        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.finding().detector()).isEqualTo("token_replay");
            assertThat(o.decision().rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(o.decision().hold()).isFalse();
            assertThat(o.actions()).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(ActionState.VERIFIED));
        });
        assertThat(IamSandbox.actions(server)).containsOnlyOnce("PutRolePolicy");
        assertThat(iam.roles.get("orders-api").inline).containsOnlyKeys("AWSRevokeOlderSessions");

        // Redelivery: the same decision handled again, and the same replayed call seen again, act no further.
        Decision decision = outcomes.get(0).decision();
        coordinator.handle(decision, outcomes.get(0).finding());
        assertThat(pipeline.process(call("evt-replay-again", T0.plusSeconds(300),
                new Source("203.0.113.9", 14061L, "DIGITALOCEAN", null, "python-requests/2.31", false)))).isEmpty();
        assertThat(IamSandbox.actions(server)).containsOnlyOnce("PutRolePolicy");

        ActionRecord executed = outcomes.get(0).actions().get(0);
        ActionRecord rolledBack = engine.rollback().rollback(executed.id(), "user:alice", false);

        assertThat(rolledBack.state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(IamSandbox.actions(server)).containsOnlyOnce("DeleteRolePolicy");
        assertThat(iam.roles.get("orders-api").inline).isEmpty();
        assertThat(LedgerVerifier.verify(ledger.read(1, Integer.MAX_VALUE)).intact()).isTrue();
        assertThat(ledger.read(1, Integer.MAX_VALUE)).extracting(e -> e.kind())
                .containsSubsequence("finding", "decision", "action.planned", "action.executing", "action.executed",
                        "action.verified", "action.rolled_back");
    }
}

package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.decide.PolicyEngine;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.detect.GeoResolver;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Mode;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryActionExecutor;
import io.itdr.core.testing.InMemoryPlatform;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole engine on the shipped default policy: events in, findings, decisions with reasons
 * naming every rule and guardrail involved, actions carried out through a connector's executor,
 * every stage in the ledger, and rollback from the snapshot.
 */
class PipelineTest {
    private static final String PLATFORM = ActionHarness.PLATFORM;
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final String CATALOG = """
            identities:
              - match: "svc-orders"
                platform: memory
                owner: team-orders
                criticality: tier2
                consumers: [orders-api]
                expected_sources:
                  asns: [16509]
              - match: "svc-shared"
                platform: memory
                owner: team-data
                criticality: tier2
                consumers: [etl-a, etl-b, etl-c]
                expected_sources:
                  asns: [16509]
            """;

    private final ActionHarness harness = new ActionHarness();

    private Pipeline pipeline(Mode mode) throws IOException {
        String text;
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Policy policy = PolicyLoader.parse(text.replaceFirst("(?m)^mode: shadow$", "mode: " + mode.policyName()), "default-policy.yaml");
        assertThat(policy.mode()).isEqualTo(mode);
        harness.platform.addIdentity("svc-orders").addCredential("svc-orders", "AKIAORDERS", true).openSession("svc-orders", "sess-1");
        harness.platform.addIdentity("svc-shared").addCredential("svc-shared", "AKIASHARED", true).openSession("svc-shared", "sess-2");
        RollbackPaths paths = RollbackPaths.of(Map.of(PLATFORM, InMemoryActionExecutor.DEFAULT_RUNGS));
        return new Pipeline(new Enricher(IdentityCatalog.parse(CATALOG, "catalog.yaml"), InventoryLookup.none(), InventoryTagKeys.defaults()),
                new DetectionEngine(DetectionSettings.defaults(), GeoResolver.none()),
                new PolicyEngine(policy, harness.clock, paths), harness.coordinator, harness.ledger, false, Confirmers.NONE);
    }

    /** The workload's own call, then the same session from a hosting provider's network four minutes later. */
    private static List<IdentityEvent> replayedSession(String identity, String credential, String session, String workload, Instant at) {
        return List.of(
                event(identity + "-own", identity, credential, session, workload, at,
                        new Source("10.0.0.5", 16509L, "AMAZON-02", null, "aws-sdk-java/2.57.8", false)),
                event(identity + "-replay", identity, credential, session, workload, at.plusSeconds(240),
                        new Source("203.0.113.9", 14061L, "DIGITALOCEAN", null, "python-requests/2.31", false)));
    }

    private static IdentityEvent event(String id, String identity, String credential, String session, String workload, Instant at,
                                       Source source) {
        return IdentityEvent.builder(id, at, PLATFORM, IdentityRef.of(identity))
                .credential(new CredentialRef(credential, "access_key"))
                .category(EventCategory.API_CALL).action("orders:Read")
                .source(source)
                .session(new SessionInfo(session, null, at.minus(Duration.ofMinutes(10)), null))
                .workload(new Workload(workload, "k8s", workload))
                .build();
    }

    private List<Pipeline.Outcome> run(Pipeline pipeline, List<IdentityEvent> events) {
        List<Pipeline.Outcome> outcomes = new ArrayList<>();
        for (IdentityEvent e : events) {
            harness.clock.set(e.time());
            outcomes.addAll(pipeline.process(e));
        }
        return outcomes;
    }

    @Test
    void aReplayedSessionOnAnOwnedSingleConsumerIdentityIsQuarantinedAndCanBeRolledBack() throws IOException {
        Pipeline pipeline = pipeline(Mode.ENFORCE);
        Map<String, String> before = harness.platform.state();

        List<Pipeline.Outcome> outcomes = run(pipeline, replayedSession("svc-orders", "AKIAORDERS", "sess-1", "orders-api", T0));

        // the long-term key from a new network is also a (monitor) new_source finding; the replay is the disruptive one
        assertThat(outcomes).extracting(o -> o.finding().detector()).containsExactly("new_source", "token_replay");
        assertThat(outcomes.get(0).decision().rung()).isEqualTo(Rung.MONITOR);
        Pipeline.Outcome replay = outcomes.get(1);
        Decision d = replay.decision();
        assertThat(replay.finding().detector()).isEqualTo("token_replay");
        assertThat(replay.finding().attributes()).containsEntry("variant", "multi_source");
        assertThat(replay.finding().evidenceEventIds()).contains("svc-orders-own", "svc-orders-replay");
        assertThat(d.hold()).isFalse();
        assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(d.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(d.reasons()).anySatisfy(r -> assertThat(r).startsWith("rule token-replay-quarantine matched"))
                .anySatisfy(r -> assertThat(r).contains("guardrails passed for quarantine_session")
                        .contains("unknown_owner", "no_rollback_path", "shared_identity", "unmapped_token", "business_critical", "irreversible_action"))
                .anySatisfy(r -> assertThat(r).contains("budget per-owner team-orders: 1/3"));
        assertThat(replay.actions()).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(ActionState.VERIFIED));
        assertThat(harness.platform.state()).containsEntry(InMemoryPlatform.sessionQuarantineKey("svc-orders"), "on");

        // Detection, decision and containment are separate, ordered ledger stages; the chain is intact.
        List<String> kinds = harness.ledgerKinds();
        assertThat(kinds).containsSubsequence("finding", "decision", "action.planned", "action.executing", "action.executed", "action.verified");
        assertThat(LedgerVerifier.verify(harness.entries()).intact()).isTrue();
        LedgerEntry decisionEntry = harness.entries().stream().filter(e -> e.kind().equals("decision")
                && e.evidence().get("decision.id").equals(d.id())).findFirst().orElseThrow();
        assertThat(decisionEntry.evidence()).containsEntry("rule", "token-replay-quarantine")
                .containsEntry("policy.sha256", d.policy().sha256());

        // Quarantining sessions is compensable, not reversible: the rollback lifts the quarantine, the
        // revoked sessions stay revoked (the workload signs in again). Everything else is as before.
        ActionRecord rolledBack = harness.rollback.rollback(replay.actions().get(0).id(), "user:alice", false);
        assertThat(rolledBack.state()).isEqualTo(ActionState.ROLLED_BACK);
        Map<String, String> expected = new java.util.TreeMap<>(before);
        expected.put(InMemoryPlatform.sessionsKey("svc-orders"), "");
        assertThat(harness.platform.state()).isEqualTo(expected);
        assertThat(LedgerVerifier.verify(harness.entries()).intact()).isTrue();
    }

    @Test
    void theSameAttackOnASharedIdentityIsHeldForAHumanWhoIsNotTheRequester() throws IOException {
        Pipeline pipeline = pipeline(Mode.ENFORCE);

        List<Pipeline.Outcome> outcomes = run(pipeline, replayedSession("svc-shared", "AKIASHARED", "sess-2", "etl-a", T0));

        assertThat(outcomes).extracting(o -> o.finding().detector()).containsExactly("new_source", "token_replay");
        Pipeline.Outcome replay = outcomes.get(1);
        Decision d = replay.decision();
        assertThat(d.hold()).isTrue();
        assertThat(d.intendedRung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(d.rung()).isEqualTo(Rung.MONITOR);
        assertThat(d.guardrails()).containsExactly("shared_identity");
        assertThat(d.reasons()).anySatisfy(r -> assertThat(r).startsWith("rule token-replay-quarantine matched"))
                .anySatisfy(r -> assertThat(r).startsWith("guardrail shared_identity: 3 consumers"));
        assertThat(harness.executor.mutatingCalls()).isZero();
        ActionRecord held = replay.actions().isEmpty()
                ? harness.store.inStates(java.util.Set.of(ActionState.HELD)).get(0) : replay.actions().get(0);
        assertThat(held.state()).isEqualTo(ActionState.HELD);

        assertThatThrownBy(() -> harness.coordinator.approve(held.id(), held.requester(), "looks fine"))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.SELF_APPROVAL));
        ActionRecord approved = harness.coordinator.approve(held.id(), "user:bob", "confirmed with team-data: not ours");
        assertThat(approved.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(harness.platform.state()).containsEntry(InMemoryPlatform.sessionQuarantineKey("svc-shared"), "on");
    }

    @Test
    void inShadowModeTheEngineDecidesButNeverCallsTheConnector() throws IOException {
        Pipeline pipeline = pipeline(Mode.SHADOW);

        List<Pipeline.Outcome> outcomes = run(pipeline, replayedSession("svc-orders", "AKIAORDERS", "sess-1", "orders-api", T0));

        assertThat(outcomes).isNotEmpty().allSatisfy(o -> {
            assertThat(o.decision().mode()).isEqualTo(Mode.SHADOW);
            assertThat(o.actions()).isEmpty();
        });
        assertThat(outcomes).anySatisfy(o -> assertThat(o.decision().rung()).isEqualTo(Rung.QUARANTINE_SESSION));
        assertThat(harness.executor.invocations()).isEmpty();
        assertThat(harness.ledgerKinds()).contains("finding", "decision", "action.shadow").doesNotContain("action.executing");
    }
}

package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.spi.telemetry.Confirmation;
import io.itdr.spi.telemetry.FindingConfirmer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A pushed platform finding is no better than whoever pushed it (hardening issue, finding 2): it
 * names the pusher in every ledger entry it leads to, and it is acted on above hold only when the
 * platform confirms it. A polled finding, read from the platform itself, acts as before.
 */
class PushedEvidenceTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private final EngineFixture fixture = new EngineFixture();

    @Test
    void aPushedPlatformFindingNobodyConfirmsIsHeldAndNamesWhoPushedIt() {
        Intake intake = fixture.intake(fixture.harness.executor, Confirmers.NONE);

        intake.accept("memory", List.of(EngineFixture.platformFinding("gd-1", T0)), List.of(), Origin.pushedBy("mallory/token:ci"));

        assertThat(fixture.harness.platform.state()).containsEntry(InMemoryPlatform.credentialKey("svc-orders", "AKIAORDERS"), "Active");
        assertThat(fixture.harness.executor.mutatingCalls()).isZero();
        LedgerEntry decision = only("decision");
        assertThat(decision.evidence()).containsEntry("hold", "true").containsEntry("event.pushed_by", "mallory/token:ci")
                .containsEntry("event.origin", "pushed");
        assertThat(decision.evidence().get("guardrails")).contains("unconfirmed_finding");
        assertThat(only("finding").evidence()).containsEntry("finding.attr.pushed_by", "mallory/token:ci")
                .containsEntry("finding.attr.platform_confirmed", "false");
        // the action's intent names the pusher; its later entries name the action, and through it the decision
        assertThat(only("action.planned").evidence()).containsEntry("event.pushed_by", "mallory/token:ci");
        assertThat(fixture.harness.store.inStates(java.util.EnumSet.of(ActionState.EXECUTED, ActionState.VERIFIED))).isEmpty();
    }

    @Test
    void aPushedPlatformFindingThePlatformConfirmsIsActedOnAndStillNamesWhoPushedIt() {
        AtomicInteger asked = new AtomicInteger();
        FindingConfirmer platform = event -> {
            asked.incrementAndGet();
            return Confirmation.confirmed("the platform holds finding " + event.id());
        };
        Intake intake = fixture.intake(fixture.harness.executor, p -> Optional.of(platform));

        intake.accept("memory", List.of(EngineFixture.platformFinding("gd-2", T0)), List.of(), Origin.pushedBy("hook:memory"));

        assertThat(asked).hasValue(1);
        assertThat(fixture.harness.platform.state()).containsEntry(InMemoryPlatform.credentialKey("svc-orders", "AKIAORDERS"), "Inactive");
        assertThat(only("decision").evidence()).containsEntry("hold", "false").containsEntry("event.pushed_by", "hook:memory");
        assertThat(only("action.planned").evidence()).containsEntry("event.pushed_by", "hook:memory");
    }

    @Test
    void aPushedPlatformFindingThePlatformRefutesOrCannotAnswerIsHeld() {
        FindingConfirmer refuting = event -> Confirmation.refuted("no finding " + event.id());
        fixture.intake(fixture.harness.executor, p -> Optional.of(refuting))
                .accept("memory", List.of(EngineFixture.platformFinding("gd-3", T0)), List.of(), Origin.pushedBy("hook:memory"));
        FindingConfirmer failing = event -> {
            throw new IllegalStateException("connection reset");
        };
        fixture.intake(fixture.harness.executor, p -> Optional.of(failing))
                .accept("memory", List.of(EngineFixture.platformFinding("gd-4", T0.plusSeconds(7200))), List.of(), Origin.pushedBy("hook:memory"));

        assertThat(fixture.harness.entries()).filteredOn(e -> e.kind().equals("decision"))
                .hasSize(2).allSatisfy(e -> assertThat(e.evidence().get("guardrails")).contains("unconfirmed_finding"));
        assertThat(fixture.harness.entries()).filteredOn(e -> e.kind().equals("finding")).extracting(e -> e.evidence().get("finding.attr.platform_confirmation"))
                .containsExactly("refuted: no finding gd-3", "unavailable: asking memory failed: connection reset");
        assertThat(fixture.harness.platform.state()).containsEntry(InMemoryPlatform.credentialKey("svc-orders", "AKIAORDERS"), "Active");
    }

    @Test
    void aPolledPlatformFindingIsTheplatformsOwnWordAndActs() {
        Intake intake = fixture.intake(fixture.harness.executor, Confirmers.NONE);

        intake.accept("memory", List.of(EngineFixture.platformFinding("gd-5", T0)));

        assertThat(fixture.harness.platform.state()).containsEntry(InMemoryPlatform.credentialKey("svc-orders", "AKIAORDERS"), "Inactive");
        assertThat(only("finding").evidence()).containsEntry("finding.attr.platform_confirmed", "true")
                .doesNotContainKey("finding.attr.pushed_by");
    }

    @Test
    void theUnconfirmedFindingGuardrailCannotBeSwitchedOff() {
        String policy = "name: p\nversion: \"1\"\nmode: enforce\nrules:\n  - id: r\n    when: \"true\"\n    rung: disable_credential\n"
                + "guardrails:\n  builtin:\n    unconfirmed_finding: false\n";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.itdr.core.decide.policy.PolicyLoader.parse(policy, "p.yaml"))
                .hasMessageContaining("guardrails.builtin.unconfirmed_finding: unconfirmed_finding cannot be switched off");
    }

    private LedgerEntry only(String kind) {
        List<LedgerEntry> entries = fixture.harness.entries().stream().filter(e -> e.kind().equals(kind)).toList();
        assertThat(entries).as(kind + " entries").hasSize(1);
        return entries.get(0);
    }
}

package io.itdr.core.act;

import static io.itdr.core.testing.ActionHarness.acting;
import static io.itdr.core.testing.ActionHarness.finding;
import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.recover.QuarantineExpiry;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryActionExecutor.Fault;
import io.itdr.core.testing.InMemoryActionExecutor.Step;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A multi-step action failing half-way (fault row 8): disable_identity on the in-memory platform
 * is two calls (attach the deny-all policy, then disable the identity); the second fails. The
 * action is shown partial with the step done and the step not done, ledgered; executing it again
 * completes it with one platform effect per step; an unforced rollback reverts exactly the step
 * done; something foreign found meanwhile makes that rollback refuse with DRIFT naming it.
 */
class PartialContainmentTest {
    private static final String DENY = "identity/ci-deployer/denyPolicy";
    private static final String ENABLED = "identity/ci-deployer/enabled";

    private static final Duration DAY = Duration.ofHours(24);

    private final ActionHarness h = new ActionHarness();
    /** disable_identity given an expiry, as a quarantine rung has in a policy's recovery rules. */
    private final QuarantineExpiry expiry = new QuarantineExpiry(h.journal, h.rollback, h.killSwitch,
            Map.of(Rung.DISABLE_IDENTITY, DAY), "system");
    private final Finding finding = finding("ci-deployer");

    PartialContainmentTest() {
        h.platform.addIdentity("ci-deployer");
    }

    private ActionRecord halfDone(Fault fault) {
        h.executor.failNext(Step.EXECUTE, fault);
        return h.coordinator.handle(acting("d-1", finding, Mode.ENFORCE,
                List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);
    }

    @Test
    void aSecondCallFailingWithA503IsShownPartialWithTheStepsDoneAndNotDoneAndLedgered() {
        ActionRecord partial = halfDone(Fault.UNAVAILABLE_HALF_WAY);

        assertThat(partial.state()).isEqualTo(ActionState.PARTIAL);
        assertThat(partial.containment()).isNotNull();
        assertThat(partial.containment().status()).isEqualTo("partial");
        assertThat(partial.containment().stepsDone()).containsExactly(new Containment.Step(DENY, "none", "attached"));
        assertThat(partial.containment().stepsNotDone()).containsExactly(new Containment.Step(ENABLED, "true", "false"));
        assertThat(partial.lastError()).startsWith("partially contained: 1 of 2 steps done (" + DENY + "); not done: " + ENABLED)
                .contains("UNAVAILABLE");
        assertThat(partial.verification().inPostState()).isFalse();
        assertThat(h.platform.state()).containsEntry(DENY, "attached").containsEntry(ENABLED, "true");
        assertThat(h.store.find(partial.id())).contains(partial);

        assertThat(h.ledgerKinds()).containsExactly("action.planned", "action.executing", "action.partial");
        LedgerEntry entry = h.entries().get(2);
        assertThat(entry.evidence()).containsEntry("containment", "partial").containsEntry("steps.done", DENY)
                .containsEntry("steps.not_done", ENABLED).containsEntry("error.code", "UNAVAILABLE")
                .containsEntry("observed." + DENY, "attached").containsEntry("state.from", "executing");
        assertThat(entry.result()).contains("completes it").contains("rolls back the steps done");
        assertThat(LedgerVerifier.verify(h.entries()).intact()).isTrue();
    }

    @Test
    void aRefusalOfTheSecondCallIsPartialTooNotFailed() {
        ActionRecord partial = halfDone(Fault.DENIED_HALF_WAY);

        assertThat(partial.state()).isEqualTo(ActionState.PARTIAL);
        assertThat(partial.lastError()).contains("PERMISSION_DENIED");
        assertThat(h.entries().get(2).evidence()).containsEntry("error.code", "PERMISSION_DENIED");
    }

    @Test
    void executingAgainCompletesItWithOneEffectPerStep() {
        ActionRecord partial = halfDone(Fault.UNAVAILABLE_HALF_WAY);
        assertThat(h.executor.mutatingCalls()).isEqualTo(1);

        ActionRecord completed = h.coordinator.complete(partial.id(), "user:rita", "finish the containment");

        assertThat(completed.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(completed.containment()).as("cleared once executed in full").isNull();
        assertThat(completed.execution().performed()).as("only the step not done").hasSize(1)
                .allSatisfy(call -> assertThat(call.resource()).isEqualTo(ENABLED));
        assertThat(h.executor.mutatingCalls()).as("one platform effect per step").isEqualTo(2);
        assertThat(h.platform.state()).containsEntry(DENY, "attached").containsEntry(ENABLED, "false");
        assertThat(completed.idempotencyKey()).isEqualTo(partial.idempotencyKey());
        assertThat(h.ledgerKinds()).containsExactly("action.planned", "action.executing", "action.partial",
                LedgerKinds.ACTION_COMPLETE_REQUESTED, "action.executing", "action.executed", "action.verified");
        LedgerEntry requested = h.entries().get(3);
        assertThat(requested.actor()).isEqualTo("user:rita");
        assertThat(requested.evidence()).containsEntry("request.reason", "finish the containment");
        assertThat(h.entries().get(4).evidence()).containsEntry("state.from", "partial");

        // completed, it is no longer partial: asking again is refused and changes nothing
        assertThatThrownBy(() -> h.coordinator.complete(partial.id(), "user:rita", null))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.ILLEGAL_STATE))
                .hasMessageContaining("only a partially carried out action");
        assertThat(h.executor.mutatingCalls()).isEqualTo(2);
    }

    @Test
    void completingIsBlockedByTheKillSwitchAndTheActionStaysPartial() {
        ActionRecord partial = halfDone(Fault.UNAVAILABLE_HALF_WAY);
        h.killSwitch.engage("user:olga", "incident review");

        assertThatThrownBy(() -> h.coordinator.complete(partial.id(), "user:rita", null))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.KILL_SWITCH));
        assertThat(h.store.find(partial.id()).orElseThrow().state()).isEqualTo(ActionState.PARTIAL);
        assertThat(h.executor.mutatingCalls()).isEqualTo(1);
    }

    @Test
    void aPartialActionOnAnExpiringRungIsRestoredAtItsExpiryRevertingTheStepsDone() {
        ActionRecord partial = halfDone(Fault.UNAVAILABLE_HALF_WAY);
        assertThat(partial.state()).isEqualTo(ActionState.PARTIAL);
        assertThat(partial.executedAt()).as("never executed in full").isNull();
        assertThat(expiry.expiresAt(partial)).as("counted from when it was recorded partial").contains(partial.updatedAt().plus(DAY));

        h.clock.advance(DAY.minusSeconds(1));
        assertThat(expiry.restoreDue()).isEmpty();
        h.clock.advance(Duration.ofSeconds(1));
        List<ActionRecord> restored = expiry.restoreDue();

        assertThat(restored).extracting(ActionRecord::id).containsExactly(partial.id());
        assertThat(restored.get(0).state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(restored.get(0).revert().performed()).as("only the step done is undone").hasSize(1)
                .allSatisfy(call -> assertThat(call.resource()).isEqualTo(DENY));
        assertThat(h.platform.state()).containsEntry(DENY, "none").containsEntry(ENABLED, "true");
        assertThat(h.entries().get(h.entries().size() - 1).actor()).isEqualTo("system");
        assertThat(expiry.restoreDue()).isEmpty();
    }

    @Test
    void aConfirmedPartialActionIsKeptBeyondItsExpiry() {
        ActionRecord partial = halfDone(Fault.UNAVAILABLE_HALF_WAY);

        ActionRecord confirmed = expiry.confirm(partial.id(), "user:rita", "kept while the owner is reached");
        h.clock.advance(DAY.multipliedBy(2));

        assertThat(confirmed.state()).isEqualTo(ActionState.PARTIAL);
        assertThat(expiry.restoreDue()).isEmpty();
        assertThat(h.platform.state()).as("the step done stays in force").containsEntry(DENY, "attached");
    }

    @Test
    void anUnforcedRollbackRevertsExactlyTheStepsDone() {
        ActionRecord partial = halfDone(Fault.UNAVAILABLE_HALF_WAY);
        Map<String, String> before = Map.of(DENY, "none", ENABLED, "true");

        ActionRecord rolledBack = h.rollback.rollback(partial.id(), "user:rita", "the identity is needed", false);

        assertThat(rolledBack.state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(rolledBack.revert().performed()).as("only the step done is undone").hasSize(1)
                .allSatisfy(call -> assertThat(call.resource()).isEqualTo(DENY));
        assertThat(h.platform.state()).containsAllEntriesOf(before);
        assertThat(h.executor.mutatingCalls()).as("one effect to do the step, one to undo it").isEqualTo(2);
        assertThat(rolledBack.containment()).as("kept: it says what was reverted").isEqualTo(partial.containment());
        LedgerEntry reverting = h.entries().stream().filter(e -> e.kind().equals(LedgerKinds.ACTION_REVERTING)).findFirst().orElseThrow();
        assertThat(reverting.result()).startsWith("reverting the 1 step done of a partially carried out action");
        assertThat(reverting.evidence()).containsEntry("rollback.force", "false").containsEntry("rollback.partial", "true")
                .containsEntry("rollback.steps_done", DENY);
        assertThat(h.entries().get(h.entries().size() - 1).evidence()).containsEntry("rollback.matches_snapshot", "true")
                .containsEntry("state.from", "partial");
    }

    @Test
    void somethingForeignFoundMeanwhileMakesTheUnforcedRollbackRefuseWithDriftNamingIt() {
        // rotation: create the new credential (done), deactivate the old one (fails)
        String fresh = "identity/ci-deployer/credential/AKIA1-r2/status";
        h.platform.addCredential("ci-deployer", "AKIA1", true);
        h.executor.failNext(Step.EXECUTE, Fault.UNAVAILABLE_HALF_WAY);
        ActionRecord partial = h.coordinator.handle(acting("d-1", finding, Mode.ENFORCE,
                List.of(request(Rung.ROTATE_CREDENTIAL, "ci-deployer", "AKIA1"))), finding).get(0);
        assertThat(partial.state()).isEqualTo(ActionState.PARTIAL);
        assertThat(partial.containment().stepsDone()).containsExactly(new Containment.Step(fresh, "absent", "Active"));
        h.platform.setCredentialActive("ci-deployer", "AKIA1-r2", false); // someone else's change

        assertThatThrownBy(() -> h.rollback.rollback(partial.id(), "user:rita", null, false))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.DRIFT))
                .hasMessageContaining("partially carried out")
                .hasMessageContaining(fresh + ": expected absent or Active, found Inactive")
                .hasMessageContaining("an approver may force");
        assertThat(h.store.find(partial.id()).orElseThrow().state()).isEqualTo(ActionState.PARTIAL);
        assertThat(h.ledgerKinds()).endsWith(LedgerKinds.ACTION_ROLLBACK_REFUSED);

        ActionRecord forced = h.rollback.rollback(partial.id(), "user:ann", null, true);
        assertThat(forced.state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(h.platform.state()).containsEntry(fresh, "Inactive")
                .containsEntry("identity/ci-deployer/credential/AKIA1/status", "Active");
    }

    @Test
    void anOutcomeReconciledHalfDoneIsPartialNotFailed() {
        ActionRecord unknown = halfDone(Fault.TIMEOUT_HALF_WAY); // the second call not answered in time
        assertThat(unknown.state()).isEqualTo(ActionState.UNKNOWN);

        ActionRecord reconciled = h.coordinator.reconcile(unknown.id());

        assertThat(reconciled.state()).isEqualTo(ActionState.PARTIAL);
        assertThat(reconciled.containment().stepsDone()).extracting(Containment.Step::key).containsExactly(DENY);
        assertThat(h.entries().get(h.entries().size() - 1).evidence()).containsEntry("reconciled", "true");
        assertThat(h.coordinator.complete(reconciled.id(), "user:rita", null).state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.platform.state()).containsEntry(DENY, "attached").containsEntry(ENABLED, "false");
    }

    @Test
    void aSingleStepActionFailingIsStillFailedNotPartial() {
        h.platform.addCredential("ci-deployer", "AKIA1", true);
        h.executor.failNext(Step.EXECUTE, Fault.NOT_FOUND);

        ActionRecord failed = h.coordinator.handle(acting("d-1", finding, Mode.ENFORCE,
                List.of(request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA1"))), finding).get(0);

        assertThat(failed.state()).isEqualTo(ActionState.FAILED);
        assertThat(failed.containment()).isNull();
    }
}

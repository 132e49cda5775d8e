package io.itdr.core.act;

import static io.itdr.core.testing.ActionHarness.acting;
import static io.itdr.core.testing.ActionHarness.finding;
import static io.itdr.core.testing.ActionHarness.holding;
import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerException;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.model.Stage;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryActionExecutor;
import io.itdr.core.testing.InMemoryActionExecutor.Fault;
import io.itdr.core.testing.InMemoryActionExecutor.Step;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.event.IdentityRef;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ActionCoordinatorTest {
    private ActionHarness h = new ActionHarness();
    private final Finding finding = finding("ci-deployer");

    ActionCoordinatorTest() {
        h.platform.addIdentity("ci-deployer").addCredential("ci-deployer", "AKIA1", true).openSession("ci-deployer", "s-1");
    }

    @Test
    void enforcedActionIsPlannedExecutedAndVerifiedWithEvidence() {
        Decision decision = acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_CREDENTIAL, "ci-deployer", "AKIA1")));

        List<ActionRecord> records = h.coordinator.handle(decision, finding);

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.id()).isEqualTo("d-1/action/0");
            assertThat(r.state()).isEqualTo(ActionState.VERIFIED);
            assertThat(r.idempotencyKey()).isEqualTo(ActionCoordinator.idempotencyKey("d-1/action/0")).startsWith("itdr-").hasSize(45);
            assertThat(r.execution().performed()).hasSize(1);
            assertThat(r.executedAt()).isEqualTo(h.clock.instant());
        });
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.credentialKey("ci-deployer", "AKIA1"), "Inactive");
        assertThat(h.executor.invocations()).containsExactly("plan", "execute", "verify");
        assertThat(h.ledgerKinds()).containsExactly("action.planned", "action.executing", "action.executed", "action.verified");
        LedgerEntry planned = h.entries().get(0);
        assertThat(planned.stage()).isEqualTo(Stage.CONTAINMENT);
        assertThat(planned.actor()).isEqualTo("policy:baseline@7#rule-1");
        assertThat(planned.identityKey()).isEqualTo("memory:ci-deployer");
        assertThat(planned.evidence())
                .containsEntry("finding.id", "finding-ci-deployer")
                .containsEntry("trigger.events", "evt-1,evt-2")
                .containsEntry("policy.rule", "rule-1")
                .containsEntry("policy.sha256", ActionHarness.POLICY.sha256())
                .containsEntry("plan.digest", records.get(0).planDigest())
                .containsEntry("pre." + InMemoryPlatform.credentialKey("ci-deployer", "AKIA1"), "Active")
                .containsKey("decision.reasons");
        assertThat(LedgerVerifier.verify(h.entries()).intact()).isTrue();
    }

    @Test
    void intentIsLedgeredAndStoredBeforeTheConnectorIsCalled() {
        AtomicReference<String> lastKindAtExecute = new AtomicReference<>();
        AtomicReference<ActionState> storedStateAtExecute = new AtomicReference<>();
        InMemoryActionExecutor real = h.executor;
        ActionExecutor spy = new DelegatingExecutor(real) {
            @Override
            public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
                lastKindAtExecute.set(h.ledger.last().orElseThrow().kind());
                storedStateAtExecute.set(h.store.find("d-1/action/0").orElseThrow().state());
                return super.execute(plan, idempotencyKey);
            }
        };
        ActionCoordinator coordinator = new ActionCoordinator(h.journal, p -> Optional.of(spy), h.killSwitch, ActionSettings.defaults());

        coordinator.handle(acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding);

        assertThat(lastKindAtExecute.get()).isEqualTo("action.executing");
        assertThat(storedStateAtExecute.get()).isEqualTo(ActionState.EXECUTING);
    }

    @Test
    void noActionRunsWhenItsExecutingEntryCannotBeWritten() {
        FailingLedger ledger = new FailingLedger(h.clock);
        h = new ActionHarness(ledger, InMemoryActionExecutor.DEFAULT_RUNGS);
        h.platform.addIdentity("ci-deployer");
        Map<String, String> before = h.platform.state();
        ledger.failOn("action.executing");

        assertThatThrownBy(() -> h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding))
                .isInstanceOf(LedgerException.class);

        assertThat(h.executor.invocations()).containsExactly("plan");
        assertThat(h.executor.mutatingCalls()).isZero();
        assertThat(h.platform.state()).isEqualTo(before);
        assertThat(h.store.find("d-1/action/0")).get().extracting(ActionRecord::state).isEqualTo(ActionState.PLANNED);
    }

    @Test
    void noActionIsPlannedOrRunWhenTheLedgerIsDown() {
        FailingLedger ledger = new FailingLedger(h.clock);
        h = new ActionHarness(ledger, InMemoryActionExecutor.DEFAULT_RUNGS);
        h.platform.addIdentity("ci-deployer");
        ledger.failOn("*");

        assertThatThrownBy(() -> h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding))
                .isInstanceOf(LedgerException.class);

        assertThat(h.executor.invocations()).doesNotContain("execute");
        assertThat(h.store.find("d-1/action/0")).isEmpty();
    }

    @Test
    void timeoutAfterApplyingIsUnknownThenReconciledWithoutExecutingAgain() {
        h.executor.failNext(Step.EXECUTE, Fault.TIMEOUT_AFTER_APPLY);

        ActionRecord unknown = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertThat(unknown.state()).isEqualTo(ActionState.UNKNOWN);
        assertThat(unknown.lastError()).contains("TIMEOUT").contains("not retried");

        ActionRecord reconciled = h.coordinator.reconcile(unknown.id());

        assertThat(reconciled.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(reconciled.execution().alreadyApplied()).isTrue();
        assertThat(h.executor.invocations().stream().filter("execute"::equals)).hasSize(1);
        assertThat(h.executor.mutatingCalls()).isEqualTo(2); // disable + attach deny policy, once
        assertThat(h.ledgerKinds()).containsSubsequence("action.unknown", "action.executed", "action.verified");
    }

    @Test
    void timeoutBeforeApplyingIsReconciledToFailedAndNeverRepeated() {
        h.executor.failNext(Step.EXECUTE, Fault.TIMEOUT_BEFORE_APPLY);
        ActionRecord unknown = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        ActionRecord reconciled = h.coordinator.reconcile(unknown.id());

        assertThat(reconciled.state()).isEqualTo(ActionState.FAILED);
        assertThat(reconciled.lastError()).contains("not in the post-state").contains("not executed again");
        assertThat(h.executor.invocations().stream().filter("execute"::equals)).hasSize(1);
        assertThat(h.executor.mutatingCalls()).isZero();
    }

    @Test
    void unexpectedErrorIsUnknownAndRefusalIsFailed() {
        h.executor.failNext(Step.EXECUTE, Fault.UNEXPECTED_AFTER_APPLY);
        h.executor.failNext(Step.EXECUTE, Fault.THROTTLED);
        h.platform.addIdentity("other");
        Finding other = finding("other");

        ActionRecord crashed = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);
        ActionRecord throttled = h.coordinator.handle(
                acting("d-2", other, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "other", null))), other).get(0);

        assertThat(crashed.state()).isEqualTo(ActionState.UNKNOWN);
        assertThat(crashed.lastError()).contains("IllegalStateException");
        assertThat(throttled.state()).isEqualTo(ActionState.FAILED);
        assertThat(throttled.lastError()).startsWith("THROTTLED");
        assertThat(h.executor.invocations().stream().filter("execute"::equals)).hasSize(2);
    }

    @Test
    void aRetriableErrorAfterThePlatformAppliedTheCallIsReadBackAsVerifiedNotFailed() {
        // the platform disabled the identity, then the connection was reset: UNAVAILABLE, the change made
        h.executor.failNext(Step.EXECUTE, Fault.UNAVAILABLE_AFTER_APPLY);

        ActionRecord record = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertThat(record.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(record.execution().alreadyApplied()).isTrue();
        assertThat(h.executor.invocations().stream().filter("execute"::equals)).hasSize(1);
        assertThat(h.executor.mutatingCalls()).isEqualTo(2); // disable + attach deny policy, once
        assertThat(h.ledgerKinds()).containsSubsequence("action.executing", "action.executed", "action.verified")
                .doesNotContain("action.failed");
    }

    @Test
    void aRetriableErrorBeforeThePlatformChangedIsFailedAfterReadingItBack() {
        h.executor.failNext(Step.EXECUTE, Fault.UNAVAILABLE);

        ActionRecord record = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertThat(record.state()).isEqualTo(ActionState.FAILED);
        assertThat(record.lastError()).startsWith("UNAVAILABLE").contains("read back: the platform shows no change");
        assertThat(h.executor.invocations()).containsSubsequence("execute", "verify");
        assertThat(h.executor.mutatingCalls()).isZero();
    }

    @Test
    void actionLeftExecutingByACrashIsReconciledAtStartUp() {
        FailingLedger ledger = new FailingLedger(h.clock);
        h = new ActionHarness(ledger, InMemoryActionExecutor.DEFAULT_RUNGS);
        h.platform.addIdentity("ci-deployer");
        ledger.failOn("action.executed"); // the connector acted, then the process could not record it

        assertThatThrownBy(() -> h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding))
                .isInstanceOf(LedgerException.class);
        assertThat(h.store.find("d-1/action/0").orElseThrow().state()).isEqualTo(ActionState.EXECUTING);
        ledger.heal();

        List<ActionRecord> settled = h.coordinator.reconcilePending();

        assertThat(settled).singleElement().extracting(ActionRecord::state).isEqualTo(ActionState.VERIFIED);
        assertThat(h.executor.invocations().stream().filter("execute"::equals)).hasSize(1);
    }

    @Test
    void reconciliationLeavesAnActionExecutingInThisProcessAlone() {
        // Housekeeping reconciles on its own thread while an action may be executing on another:
        // that action is no crash's leftover, and reconciling it would race its own settlement.
        AtomicReference<List<ActionRecord>> seenWhileExecuting = new AtomicReference<>();
        AtomicReference<ActionCoordinator> coordinator = new AtomicReference<>();
        ActionExecutor reconcilingDuringExecute = new ActionExecutor() {
            @Override
            public Map<Rung, Reversibility> rungs() {
                return h.executor.rungs();
            }

            @Override
            public ActionPlan plan(ActionRequest request) {
                return h.executor.plan(request);
            }

            @Override
            public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
                seenWhileExecuting.set(coordinator.get().reconcilePending());
                return h.executor.execute(plan, idempotencyKey);
            }

            @Override
            public Verification verify(ActionPlan plan) {
                return h.executor.verify(plan);
            }

            @Override
            public RevertResult revert(ActionPlan plan, boolean force) {
                return h.executor.revert(plan, force);
            }
        };
        coordinator.set(new ActionCoordinator(h.journal, platform -> Optional.of(reconcilingDuringExecute), h.killSwitch,
                new ActionSettings(ActionHarness.APPROVAL_TTL, "system")));

        ActionRecord done = coordinator.get().handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertThat(seenWhileExecuting.get()).isEmpty();
        assertThat(done.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.executor.invocations().stream().filter("verify"::equals)).hasSize(1);
    }

    @Test
    void failedVerificationLeavesTheActionExecutedUntilReconciled() {
        h.executor.failNext(Step.VERIFY, Fault.UNAVAILABLE);

        ActionRecord executed = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertThat(executed.state()).isEqualTo(ActionState.EXECUTED);
        assertThat(executed.lastError()).contains("verification failed").contains("UNAVAILABLE");
        assertThat(h.ledgerKinds()).endsWith(LedgerKinds.ACTION_UNVERIFIED);
        assertThat(h.coordinator.reconcile(executed.id()).state()).isEqualTo(ActionState.VERIFIED);
    }

    @Test
    void heldActionsArePlannedAndWaitForApproval() {
        Decision decision = holding("d-1", finding, Mode.ENFORCE, List.of(request(Rung.QUARANTINE_SESSION, "ci-deployer", null)),
                List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null)));

        List<ActionRecord> records = h.coordinator.handle(decision, finding);

        assertThat(records).extracting(ActionRecord::id, ActionRecord::state).containsExactly(
                tuple("d-1/action/0", ActionState.VERIFIED),
                tuple("d-1/held/0", ActionState.HELD));
        ActionRecord held = records.get(1);
        assertThat(held.approvalExpiresAt()).isEqualTo(h.clock.instant().plus(ActionHarness.APPROVAL_TTL));
        assertThat(held.requester()).isEqualTo("system");
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.enabledKey("ci-deployer"), "true");
    }

    @Test
    void irreversiblePlansAreAlwaysHeld() {
        Map<Rung, Reversibility> rungs = new EnumMap<>(InMemoryActionExecutor.DEFAULT_RUNGS);
        rungs.put(Rung.ROTATE_CREDENTIAL, Reversibility.IRREVERSIBLE);
        h = new ActionHarness(null, rungs);
        h.platform.addIdentity("ci-deployer").addCredential("ci-deployer", "AKIA1", true);

        ActionRecord record = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.ROTATE_CREDENTIAL, "ci-deployer", "AKIA1"))), finding).get(0);

        assertThat(record.state()).isEqualTo(ActionState.HELD);
        assertThat(h.executor.invocations()).containsExactly("plan");
        assertThat(h.entries().get(1).evidence()).containsEntry("hold.reason", "irreversible actions always need approval");
    }

    @Test
    void killSwitchStopsActionsBeforeTheyArePlannedButHoldsStillWait() {
        h.killSwitch.engage("user:oncall", "bad policy rollout");
        Decision decision = holding("d-1", finding, Mode.ENFORCE, List.of(request(Rung.QUARANTINE_SESSION, "ci-deployer", null)),
                List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null)));

        List<ActionRecord> records = h.coordinator.handle(decision, finding);

        assertThat(records).singleElement().extracting(ActionRecord::state).isEqualTo(ActionState.HELD);
        assertThat(h.executor.invocations()).containsExactly("plan"); // the held one, read-only
        assertThat(h.executor.mutatingCalls()).isZero();
        LedgerEntry blocked = h.entries().stream().filter(e -> e.kind().equals(LedgerKinds.ACTION_NOT_PLANNED)).findFirst().orElseThrow();
        assertThat(blocked.result()).contains("kill switch").contains("user:oncall").contains("bad policy rollout");
        assertThatThrownBy(() -> h.coordinator.approve("d-1/held/0", "user:bob", "checked"))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.KILL_SWITCH));
        assertThat(h.store.find("d-1/held/0").orElseThrow().state()).isEqualTo(ActionState.HELD);
    }

    @Test
    void handlingADecisionAgainDoesNotActTwice() {
        Decision decision = acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null)));
        List<ActionRecord> first = h.coordinator.handle(decision, finding);

        List<ActionRecord> second = h.coordinator.handle(decision, finding);

        assertThat(second).isEqualTo(first);
        assertThat(h.executor.invocations()).containsExactly("plan", "execute", "verify");
    }

    @Test
    void actionsThatCannotBePlannedAreLedgeredWithoutARecord() {
        Finding elsewhere = new Finding("f-x", "token_replay", finding.time(), "okta:app-1", "okta", null,
                IdentityRef.of("app-1"), null, 0.9, "s", List.of("e"), List.of(), Map.of());
        List<ActionRecord> noExecutor = h.coordinator.handle(
                acting("d-1", elsewhere, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "app-1", null))), elsewhere);
        List<ActionRecord> unknownIdentity = h.coordinator.handle(
                acting("d-2", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ghost", null))), finding);
        List<ActionRecord> unsupported = h.coordinator.handle(
                acting("d-3", finding, Mode.ENFORCE, List.of(request(Rung.STEP_UP, "ci-deployer", null))), finding);

        assertThat(noExecutor).isEmpty();
        assertThat(unknownIdentity).isEmpty();
        assertThat(unsupported).isEmpty();
        List<LedgerEntry> entries = h.entries();
        assertThat(entries).extracting(LedgerEntry::kind).containsOnly(LedgerKinds.ACTION_NOT_PLANNED);
        assertThat(entries.get(0).result()).contains("no action executor for platform okta");
        assertThat(entries.get(1).evidence()).containsEntry("error.code", "NOT_FOUND");
        assertThat(entries.get(2).result()).contains("does not support rung step_up");
    }

    @Test
    void shadowModeOnlyLedgersWhatWouldHappen() {
        Decision decision = holding("d-1", finding, Mode.SHADOW, List.of(request(Rung.QUARANTINE_SESSION, "ci-deployer", null)),
                List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null)));

        List<ActionRecord> records = h.coordinator.handle(decision, finding);

        assertThat(records).isEmpty();
        assertThat(h.executor.invocations()).isEmpty();
        assertThat(h.entries()).extracting(LedgerEntry::kind, LedgerEntry::result).containsExactly(
                tuple(LedgerKinds.ACTION_SHADOW, "would execute quarantine_session"),
                tuple(LedgerKinds.ACTION_SHADOW, "would hold disable_identity for approval"));
    }

    @Test
    void refusesADecisionAboutAnotherFinding() {
        Decision decision = acting("d-1", finding("someone-else"), Mode.ENFORCE, List.of());

        assertThatThrownBy(() -> h.coordinator.handle(decision, finding))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finding-someone-else");
    }

    @Test
    void reconcileRefusesSettledActions() {
        ActionRecord verified = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertThatThrownBy(() -> h.coordinator.reconcile(verified.id()))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.ILLEGAL_STATE));
        assertThatThrownBy(() -> h.coordinator.reconcile("nope"))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.NOT_FOUND));
    }

    /** Passes every call through; tests override one method to observe it. */
    static class DelegatingExecutor implements ActionExecutor {
        private final ActionExecutor delegate;

        DelegatingExecutor(ActionExecutor delegate) {
            this.delegate = delegate;
        }

        @Override
        public Map<Rung, Reversibility> rungs() {
            return delegate.rungs();
        }

        @Override
        public ActionPlan plan(ActionRequest request) {
            return delegate.plan(request);
        }

        @Override
        public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
            return delegate.execute(plan, idempotencyKey);
        }

        @Override
        public Verification verify(ActionPlan plan) {
            return delegate.verify(plan);
        }

        @Override
        public RevertResult revert(ActionPlan plan, boolean force) {
            return delegate.revert(plan, force);
        }
    }
}

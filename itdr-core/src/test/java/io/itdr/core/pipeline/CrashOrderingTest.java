package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Verification;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server dies between an action's intent (ledgered, stored {@code executing}) and its platform
 * call (hardening issue, finding 3). The crash is injected as an {@link Error} thrown where the
 * call would be made: nothing after it in the process runs, as in a kill.
 */
class CrashOrderingTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    /** Stands for the process dying: not an exception anybody handles. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash() {
            super("killed between intent and call");
        }
    }

    /** The harness's executor, except that the first execute dies before reaching the platform. */
    private static ActionExecutor crashingOnce(ActionExecutor real) {
        return new ActionExecutor() {
            private boolean crashed;

            @Override
            public java.util.Map<io.itdr.spi.action.Rung, io.itdr.spi.action.Reversibility> rungs() {
                return real.rungs();
            }

            @Override
            public ActionPlan plan(ActionRequest request) {
                return real.plan(request);
            }

            @Override
            public synchronized ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
                if (!crashed) {
                    crashed = true;
                    throw new Crash();
                }
                return real.execute(plan, idempotencyKey);
            }

            @Override
            public Verification verify(ActionPlan plan) {
                return real.verify(plan);
            }

            @Override
            public RevertResult revert(ActionPlan plan, boolean force) {
                return real.revert(plan, force);
            }
        };
    }

    @Test
    void evidenceIsCommittedBeforeTheIntentAndTheInterruptedActionIsHeldNotFailed() {
        EngineFixture fixture = new EngineFixture();
        Intake before = fixture.intake(crashingOnce(fixture.harness.executor), Confirmers.NONE);
        List<io.itdr.spi.event.IdentityEvent> push = List.of(EngineFixture.platformFinding("gd-crash", T0));

        assertThatThrownBy(() -> before.accept("memory", push)).isInstanceOf(Crash.class);

        // what the crash left: the intent, and the evidence behind it
        List<ActionRecord> executing = fixture.harness.store.inStates(EnumSet.of(ActionState.EXECUTING));
        assertThat(executing).hasSize(1);
        assertThat(fixture.events.stored).containsKey("gd-crash");
        assertThat(fixture.filed).hasSize(1).allSatisfy(f -> assertThat(f).contains(executing.get(0).decisionId()));
        assertThat(fixture.harness.executor.mutatingCalls()).isZero();

        // restart: a new engine on the same stores reconciles what was left executing
        ResponseEngine restarted = fixture.engine(fixture.harness.executor, Confirmers.NONE);
        List<ActionRecord> settled = restarted.coordinator().reconcilePending();

        assertThat(settled).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(ActionState.HELD));
        assertThat(fixture.harness.store.inStates(EnumSet.of(ActionState.FAILED))).isEmpty();
        assertThat(fixture.harness.ledgerKinds()).doesNotContain("action.failed");

        // the sender retries the push: nothing is suppressed as "failed", the containment still waits for a person
        restarted.intake(fixture.events, fixture.cases, Intake.Observer.NONE).accept("memory", push);
        ActionRecord held = fixture.harness.store.inStates(EnumSet.of(ActionState.HELD)).get(0);
        assertThat(held.id()).isEqualTo(executing.get(0).id());

        ActionRecord approved = restarted.coordinator().approve(held.id(), "user:carol", "the key was stolen; finish the containment");
        assertThat(approved.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(fixture.harness.platform.state()).containsEntry(InMemoryPlatform.credentialKey("svc-orders", "AKIAORDERS"), "Inactive");
        assertThat(fixture.harness.executor.mutatingCalls()).isEqualTo(1);
    }

    @Test
    void anActionLeftExecutingWhoseCallDidReachThePlatformIsSettledAsExecuted() {
        EngineFixture fixture = new EngineFixture();
        Intake intake = fixture.intake(fixture.harness.executor, Confirmers.NONE);
        intake.accept("memory", List.of(EngineFixture.platformFinding("gd-ok", T0)));
        assertThat(fixture.harness.store.inStates(EnumSet.of(ActionState.VERIFIED))).hasSize(1);
        assertThat(fixture.harness.ledgerKinds()).containsSubsequence("finding", "decision", "action.planned", "action.executing");
    }
}

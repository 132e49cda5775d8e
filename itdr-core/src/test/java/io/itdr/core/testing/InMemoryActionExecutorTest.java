package io.itdr.core.testing;

import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.testing.InMemoryActionExecutor.Fault;
import io.itdr.core.testing.InMemoryActionExecutor.Step;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class InMemoryActionExecutorTest {
    private final SettableClock clock = SettableClock.start();
    private final InMemoryPlatform platform = new InMemoryPlatform()
            .addIdentity("svc").addCredential("svc", "k1", true).openSession("svc", "s-1").openSession("svc", "s-2");
    private final InMemoryActionExecutor executor = new InMemoryActionExecutor(platform, clock);

    @Test
    void planReadsOnly() {
        Map<String, String> before = platform.state();

        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, "svc", null));

        assertThat(platform.state()).isEqualTo(before);
        assertThat(executor.mutatingCalls()).isZero();
        assertThat(plan.preState().state()).containsEntry(InMemoryPlatform.enabledKey("svc"), "true");
        assertThat(plan.postState().state()).containsEntry(InMemoryPlatform.enabledKey("svc"), "false")
                .containsEntry(InMemoryPlatform.denyPolicyKey("svc"), "attached");
        assertThat(plan.calls()).extracting(c -> c.operation()).containsExactly("policy:AttachDenyAll", "identity:Disable");
        assertThat(plan.isNoOp()).isFalse();
    }

    @Test
    void executeIsIdempotentByKeyAndByState() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_CREDENTIAL, "svc", "k1"));

        ExecutionResult first = executor.execute(plan, "key-1");
        ExecutionResult again = executor.execute(plan, "key-1");
        ExecutionResult otherKey = executor.execute(plan, "key-2");

        assertThat(first.alreadyApplied()).isFalse();
        assertThat(first.performed()).hasSize(1);
        assertThat(again.alreadyApplied()).isTrue();
        assertThat(again.performed()).isEmpty();
        assertThat(otherKey.alreadyApplied()).isTrue();
        assertThat(executor.mutatingCalls()).isEqualTo(1);
        assertThat(executor.verify(plan).inPostState()).isTrue();
    }

    @Test
    void executeRefusesAPlanTheStateHasMovedAwayFrom() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_IDENTITY, "svc", null));
        platform.setDenyPolicy("svc", true);

        assertCode(() -> executor.execute(plan, "key"), ErrorCode.CONFLICT);
        assertThat(executor.mutatingCalls()).isZero();
    }

    @Test
    void quarantineRevokesSessionsAndItsRevertOnlyLiftsTheQuarantine() {
        ActionPlan plan = executor.plan(request(Rung.QUARANTINE_SESSION, "svc", null));
        executor.execute(plan, "key");

        assertThat(platform.state()).containsEntry(InMemoryPlatform.sessionsKey("svc"), "");
        assertThatThrownBy(() -> platform.openSession("svc", "s-3")).hasMessageContaining("quarantined");

        RevertResult reverted = executor.revert(plan, false);

        assertThat(platform.state()).containsEntry(InMemoryPlatform.sessionQuarantineKey("svc"), "off")
                .containsEntry(InMemoryPlatform.sessionsKey("svc"), "");
        assertThat(reverted.restored().sameStateAs(plan.preState())).isFalse();
        platform.openSession("svc", "s-3");
    }

    @Test
    void revertRefusesDriftUnlessForced() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_CREDENTIAL, "svc", "k1"));
        executor.execute(plan, "key");
        platform.setCredentialActive("svc", "k1", true);

        assertCode(() -> executor.revert(plan, false), ErrorCode.DRIFT);

        platform.setCredentialActive("svc", "k1", false);
        platform.setEnabled("svc", false); // outside the plan's keys: not drift for this action
        assertThat(executor.revert(plan, false).restored().sameStateAs(plan.preState())).isTrue();
    }

    @Test
    void unsupportedRungsAndMissingTargetsAreRefusedWithStandardCodes() {
        assertCode(() -> executor.plan(request(Rung.STEP_UP, "svc", null)), ErrorCode.NOT_SUPPORTED);
        assertCode(() -> executor.plan(request(Rung.DISABLE_IDENTITY, "ghost", null)), ErrorCode.NOT_FOUND);
        assertCode(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, "svc", "k9")), ErrorCode.NOT_FOUND);
        assertCode(() -> executor.plan(request(Rung.DISABLE_CREDENTIAL, "svc", null)), ErrorCode.CONFLICT);
    }

    @Test
    void faultsAreInjectedOncePerCall() {
        ActionPlan plan = executor.plan(request(Rung.DISABLE_CREDENTIAL, "svc", "k1"));
        executor.failNext(Step.EXECUTE, Fault.THROTTLED);
        executor.failNext(Step.EXECUTE, Fault.TIMEOUT_AFTER_APPLY);

        assertThatThrownBy(() -> executor.execute(plan, "key"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
                    assertThat(e.retryAfter()).isPresent();
                });
        assertThat(executor.mutatingCalls()).isZero();
        assertCode(() -> executor.execute(plan, "key"), ErrorCode.TIMEOUT);
        assertThat(executor.mutatingCalls()).isEqualTo(1);
        assertThat(executor.execute(plan, "key").alreadyApplied()).isTrue();
        assertThat(executor.invocations()).containsExactly("plan", "execute", "execute", "execute");
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}

package io.itdr.core.recover;

import static io.itdr.core.testing.ActionHarness.acting;
import static io.itdr.core.testing.ActionHarness.finding;
import static io.itdr.core.testing.ActionHarness.holding;
import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.model.Stage;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryActionExecutor;
import io.itdr.core.testing.InMemoryActionExecutor.Fault;
import io.itdr.core.testing.InMemoryActionExecutor.Step;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class RollbackTest {
    private ActionHarness h = new ActionHarness();
    private final Finding finding = finding("ci-deployer");

    RollbackTest() {
        setUpPlatform();
    }

    @Test
    void rollbackRestoresTheSnapshotAndLedgersRecovery() {
        Map<String, String> before = h.platform.state();
        ActionRecord verified = act(Rung.DISABLE_IDENTITY, null);

        ActionRecord rolledBack = h.rollback.rollback(verified.id(), "user:alice", false);

        assertThat(rolledBack.state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(rolledBack.revert().restored().sameStateAs(verified.plan().preState())).isTrue();
        assertThat(h.platform.state()).isEqualTo(before);
        List<LedgerEntry> recovery = h.entries().stream().filter(e -> e.stage() == Stage.RECOVERY).toList();
        assertThat(recovery).extracting(LedgerEntry::kind).containsExactly(LedgerKinds.ACTION_REVERTING, "action.rolled_back");
        assertThat(recovery).extracting(LedgerEntry::actor).containsOnly("user:alice");
        assertThat(recovery.get(1).evidence())
                .containsEntry("rollback.matches_snapshot", "true")
                .containsEntry("restored." + InMemoryPlatform.enabledKey("ci-deployer"), "true");
    }

    @Test
    void driftStopsTheRollbackUnlessForced() {
        ActionRecord verified = act(Rung.DISABLE_IDENTITY, null);
        h.platform.setDenyPolicy("ci-deployer", false); // someone changed the identity since

        assertRefused(() -> h.rollback.rollback(verified.id(), "user:alice", false), Refusal.DRIFT);
        assertThatThrownBy(() -> h.rollback.rollback(verified.id(), "user:alice", false))
                .as("the drift is explained once: the connector's message, not wrapped in a second explanation")
                .hasMessageStartingWith("cannot roll back action " + verified.id() + ": ")
                .satisfies(e -> assertThat(e.getMessage().split("force", -1)).as(e.getMessage()).hasSizeLessThanOrEqualTo(2))
                .satisfies(e -> assertThat(e.getMessage().split("since the action", -1)).as(e.getMessage()).hasSizeLessThanOrEqualTo(2));

        assertThat(h.store.find(verified.id()).orElseThrow().state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.enabledKey("ci-deployer"), "false");
        LedgerEntry refused = h.entries().get(h.entries().size() - 1);
        assertThat(refused.kind()).isEqualTo(LedgerKinds.ACTION_ROLLBACK_REFUSED);
        assertThat(refused.result()).startsWith("refused: drift").contains("denyPolicy");

        ActionRecord forced = h.rollback.rollback(verified.id(), "user:approver", true);

        assertThat(forced.state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.enabledKey("ci-deployer"), "true");
        assertThat(h.entries()).filteredOn(e -> e.kind().equals(LedgerKinds.ACTION_REVERTING)).last()
                .satisfies(e -> assertThat(e.result()).isEqualTo("reverting (forced)"));
    }

    @Test
    void compensableRollbackSaysHowTheStateDiffersFromTheSnapshot() {
        ActionRecord verified = act(Rung.ROTATE_CREDENTIAL, "AKIA1");

        ActionRecord rolledBack = h.rollback.rollback(verified.id(), "user:alice", false);

        assertThat(h.platform.state())
                .containsEntry(InMemoryPlatform.credentialKey("ci-deployer", "AKIA1"), "Active")
                .containsEntry(InMemoryPlatform.credentialKey("ci-deployer", "AKIA1-r2"), "Inactive");
        assertThat(rolledBack.revert().restored().sameStateAs(verified.plan().preState())).isFalse();
        LedgerEntry last = h.entries().get(h.entries().size() - 1);
        assertThat(last.evidence()).containsEntry("rollback.matches_snapshot", "false");
        assertThat(last.result()).contains("compensated").contains("AKIA1-r2/status: absent → Inactive");
    }

    @Test
    void irreversibleActionsAreNotRolledBack() {
        Map<Rung, Reversibility> rungs = new EnumMap<>(InMemoryActionExecutor.DEFAULT_RUNGS);
        rungs.put(Rung.ROTATE_CREDENTIAL, Reversibility.IRREVERSIBLE);
        h = new ActionHarness(null, rungs);
        setUpPlatform();
        ActionRecord held = h.coordinator.handle(
                acting("d-1", finding, Mode.ENFORCE, List.of(request(Rung.ROTATE_CREDENTIAL, "ci-deployer", "AKIA1"))), finding).get(0);
        ActionRecord executed = h.coordinator.approve(held.id(), "user:bob", "needed");

        assertRefused(() -> h.rollback.rollback(executed.id(), "user:alice", true), Refusal.IRREVERSIBLE);

        assertThat(h.executor.invocations()).doesNotContain("revert");
        assertThat(h.entries().get(h.entries().size() - 1).kind()).isEqualTo(LedgerKinds.ACTION_ROLLBACK_REFUSED);
    }

    @Test
    void onlyExecutedActionsAreRolledBack() {
        ActionRecord held = h.coordinator.handle(holding("d-1", finding, Mode.ENFORCE, List.of(),
                List.of(request(Rung.DISABLE_IDENTITY, "ci-deployer", null))), finding).get(0);

        assertRefused(() -> h.rollback.rollback(held.id(), "user:alice", false), Refusal.ILLEGAL_STATE);
        assertRefused(() -> h.rollback.rollback("missing", "user:alice", false), Refusal.NOT_FOUND);
        ActionRecord verified = act(Rung.DISABLE_CREDENTIAL, "AKIA1");
        h.rollback.rollback(verified.id(), "user:alice", false);
        assertRefused(() -> h.rollback.rollback(verified.id(), "user:alice", false), Refusal.ILLEGAL_STATE);
    }

    @Test
    void connectorFailureIsLedgeredAndLeavesTheActionInForce() {
        ActionRecord verified = act(Rung.DISABLE_IDENTITY, null);
        h.executor.failNext(Step.REVERT, Fault.UNAVAILABLE);

        assertThatThrownBy(() -> h.rollback.rollback(verified.id(), "user:alice", false))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));

        assertThat(h.store.find(verified.id()).orElseThrow().state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.entries().get(h.entries().size() - 1).kind()).isEqualTo(LedgerKinds.ACTION_ROLLBACK_FAILED);
        assertThat(h.rollback.rollback(verified.id(), "user:alice", false).state()).isEqualTo(ActionState.ROLLED_BACK);
    }

    @Test
    void peopleCanStillRollBackWhileTheKillSwitchIsEngaged() {
        ActionRecord verified = act(Rung.DISABLE_IDENTITY, null);
        h.killSwitch.engage("user:oncall", "automation misfired");

        assertThat(h.rollback.rollback(verified.id(), "user:oncall", false).state()).isEqualTo(ActionState.ROLLED_BACK);
    }

    @Test
    void actorIsRequired() {
        assertThatThrownBy(() -> h.rollback.rollback("x", " ", false)).hasMessageContaining("actor");
    }

    private void setUpPlatform() {
        h.platform.addIdentity("ci-deployer").addCredential("ci-deployer", "AKIA1", true).openSession("ci-deployer", "s-1");
    }

    private int decisions;

    private ActionRecord act(Rung rung, String credential) {
        ActionRecord record = h.coordinator.handle(
                acting("d-" + (++decisions), finding, Mode.ENFORCE, List.of(request(rung, "ci-deployer", credential))), finding).get(0);
        assertThat(record.state()).isEqualTo(ActionState.VERIFIED);
        return record;
    }

    private static void assertRefused(ThrowingCallable call, Refusal refusal) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ActionRefusedException.class, e -> assertThat(e.refusal()).isEqualTo(refusal));
    }
}

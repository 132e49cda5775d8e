package io.itdr.core.act;

import static io.itdr.core.act.ActionState.APPROVED;
import static io.itdr.core.act.ActionState.EXECUTED;
import static io.itdr.core.act.ActionState.EXECUTING;
import static io.itdr.core.act.ActionState.EXPIRED;
import static io.itdr.core.act.ActionState.FAILED;
import static io.itdr.core.act.ActionState.HELD;
import static io.itdr.core.act.ActionState.PARTIAL;
import static io.itdr.core.act.ActionState.PLANNED;
import static io.itdr.core.act.ActionState.REJECTED;
import static io.itdr.core.act.ActionState.ROLLED_BACK;
import static io.itdr.core.act.ActionState.UNKNOWN;
import static io.itdr.core.act.ActionState.VERIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryActionExecutor;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Rung;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActionStateTest {
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void transitionTableIsTheDocumentedOne() {
        Map<ActionState, Set<ActionState>> expected = Map.ofEntries(
                Map.entry(PLANNED, Set.of(HELD, EXECUTING, FAILED)),
                Map.entry(HELD, Set.of(APPROVED, REJECTED, EXPIRED)),
                Map.entry(APPROVED, Set.of(EXECUTING, FAILED)),
                Map.entry(EXECUTING, Set.of(EXECUTED, FAILED, UNKNOWN, HELD, PARTIAL)),
                Map.entry(UNKNOWN, Set.of(EXECUTED, FAILED, PARTIAL)),
                Map.entry(PARTIAL, Set.of(EXECUTING, ROLLED_BACK)),
                Map.entry(EXECUTED, Set.of(VERIFIED, ROLLED_BACK)),
                Map.entry(VERIFIED, Set.of(ROLLED_BACK)),
                Map.entry(REJECTED, Set.of()),
                Map.entry(EXPIRED, Set.of()),
                Map.entry(FAILED, Set.of()),
                Map.entry(ROLLED_BACK, Set.of()));

        for (ActionState from : ActionState.values()) {
            assertThat(from.successors()).as(from.label()).isEqualTo(expected.get(from));
            for (ActionState to : ActionState.values()) {
                assertThat(from.canMoveTo(to)).as(from.label() + " → " + to.label()).isEqualTo(expected.get(from).contains(to));
            }
        }
        assertThat(ROLLED_BACK.isFinal()).isTrue();
        assertThat(ROLLED_BACK.ledgerKind()).isEqualTo("action.rolled_back");
    }

    @Test
    void recordsRefuseIllegalTransitionsNamingBothStates() {
        ActionRecord planned = planned();

        assertThatThrownBy(() -> planned.approved("user:bob", NOW))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("from planned to approved");
        ActionRecord rejected = planned.held(NOW.plusSeconds(60), NOW).rejected("user:bob", NOW);
        assertThatThrownBy(() -> rejected.executing(NOW)).hasMessageContaining("from rejected to executing");
    }

    @Test
    void everyChangeBumpsTheVersionAndKeepsIdentity() {
        ActionRecord planned = planned();
        ActionRecord executing = planned.executing(NOW.plusSeconds(1));
        ActionRecord executed = executing.executed(new ExecutionResult(planned.idempotencyKey(), false, List.of(),
                planned.plan().postState()), NOW.plusSeconds(2));

        assertThat(List.of(planned.version(), executing.version(), executed.version())).containsExactly(1L, 2L, 3L);
        assertThat(executed.id()).isEqualTo(planned.id());
        assertThat(executed.createdAt()).isEqualTo(NOW);
        assertThat(executed.updatedAt()).isEqualTo(NOW.plusSeconds(2));
        assertThat(executed.executedAt()).isEqualTo(NOW.plusSeconds(2));
    }

    @Test
    void aRecordsDigestMustMatchItsPlan() {
        ActionRecord planned = planned();

        assertThatThrownBy(() -> new ActionRecord(planned.id(), 1, planned.decisionId(), planned.findingId(), planned.identityKey(),
                planned.platform(), planned.plan(), "0".repeat(64), planned.idempotencyKey(), PLANNED, "system", null, null,
                null, null, null, null, NOW, NOW, null, null, null, null))
                .hasMessageContaining("planDigest");
    }

    static ActionRecord planned() {
        InMemoryPlatform platform = new InMemoryPlatform().addIdentity("svc");
        ActionPlan plan = new InMemoryActionExecutor(platform, new SettableClock(NOW))
                .plan(ActionHarness.request(Rung.DISABLE_IDENTITY, "svc", null));
        return ActionRecord.planned("d/action/0", "d", "f", "memory:svc", "memory", plan, "key", "system", NOW);
    }
}

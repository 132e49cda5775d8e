package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.IdentityRef;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotExecutionTest {
    private static final String KEY = "app/status";

    /** One switch on a fake platform, counting the calls that change it. */
    static final class Switch implements StateAction {
        final Map<String, String> platform = new HashMap<>(Map.of(KEY, "ACTIVE"));
        int mutations;

        @Override
        public Snapshot observe(ActionPlan plan) {
            return new Snapshot(Map.of(KEY, platform.get(KEY)), Instant.EPOCH);
        }

        @Override
        public List<PlatformCall> apply(ActionPlan plan) {
            mutations++;
            platform.put(KEY, "INACTIVE");
            return List.of(new PlatformCall("deactivate", "app", true));
        }

        @Override
        public List<PlatformCall> restore(ActionPlan plan) {
            mutations++;
            platform.put(KEY, "ACTIVE");
            return List.of(new PlatformCall("activate", "app", true));
        }
    }

    private static ActionPlan plan(Reversibility reversibility) {
        ActionRequest request = new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(null, IdentityRef.of("app"), null), Map.of());
        return new ActionPlan("demo", request, List.of(new PlatformCall("deactivate", "app", true)), reversibility,
                new Snapshot(Map.of(KEY, "ACTIVE"), Instant.EPOCH), new Snapshot(Map.of(KEY, "INACTIVE"), Instant.EPOCH),
                "deactivate app", Map.of());
    }

    private final SnapshotExecution execution = new SnapshotExecution("demo", 2);
    private final Switch action = new Switch();

    @Test
    void executeIsIdempotentByKeyAndByState() {
        ActionPlan plan = plan(Reversibility.REVERSIBLE);
        assertThat(execution.execute(action, plan, "k1").alreadyApplied()).isFalse();
        assertThat(execution.execute(action, plan, "k1").alreadyApplied()).isTrue();
        assertThat(execution.execute(action, plan, "k2").alreadyApplied()).isTrue();
        assertThat(action.mutations).isEqualTo(1);
        assertThat(execution.verify(action, plan).inPostState()).isTrue();
    }

    @Test
    void revertRestoresRefusesDriftUnlessForcedAndRefusesIrreversiblePlans() {
        ActionPlan plan = plan(Reversibility.REVERSIBLE);
        execution.execute(action, plan, "k1");
        action.platform.put(KEY, "SUSPENDED");
        assertThatThrownBy(() -> execution.revert(action, plan, false)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.DRIFT);
            assertThat(e.getMessage()).contains("app/status: expected INACTIVE, found SUSPENDED");
        });
        assertThat(execution.revert(action, plan, true).restored().state()).containsEntry(KEY, "ACTIVE");
        assertThat(execution.revert(action, plan, true).performed()).as("already in the pre-state").isEmpty();
        assertThatThrownBy(() -> execution.revert(action, plan(Reversibility.IRREVERSIBLE), true))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
    }

    @Test
    void differencesNameEveryKeyAndShortenLongValues() {
        Snapshot expected = new Snapshot(Map.of("a", "1", "b", "x".repeat(200)), Instant.EPOCH);
        Snapshot observed = new Snapshot(Map.of("a", "2", "c", "3"), Instant.EPOCH);
        assertThat(SnapshotExecution.differences(expected, observed))
                .isEqualTo("a: expected 1, found 2; b: expected " + "x".repeat(120) + "…, found nothing; c: expected nothing, found 3");
    }

    @Test
    void aOneValueSnapshotIsTakenAtTheClocksTimeAndReadBack() {
        java.time.Clock clock = java.time.Clock.fixed(Instant.parse("2026-12-06T01:02:03Z"), java.time.ZoneOffset.UTC);
        Snapshot one = SnapshotExecution.snapshot(clock, KEY, "ACTIVE");
        assertThat(one.state()).containsExactly(Map.entry(KEY, "ACTIVE"));
        assertThat(one.capturedAt()).isEqualTo(Instant.parse("2026-12-06T01:02:03Z"));
        assertThat(SnapshotExecution.onlyValue(one)).isEqualTo("ACTIVE");
        assertThatThrownBy(() -> SnapshotExecution.onlyValue(new Snapshot(Map.of("a", "1", "b", "2"), Instant.EPOCH)))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).startsWith("expected a one-value snapshot, found ");
                });
    }
}

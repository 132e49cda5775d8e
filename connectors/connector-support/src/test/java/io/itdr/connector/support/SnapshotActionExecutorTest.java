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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotActionExecutorTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T00:00:00Z"), ZoneOffset.UTC);

    /** Apps on a fake platform that one action disables, counting the calls that change them. */
    static final class AppSwitch implements PlannedAction {
        final Map<String, String> status = new HashMap<>(Map.of("app-1", "ENABLED"));
        int mutations;

        @Override
        public ActionPlan plan(ActionRequest request) {
            String app = request.target().identity().id();
            if (!status.containsKey(app)) {
                throw new ConnectorException(ErrorCode.NOT_FOUND, "no app " + app);
            }
            return new ActionPlan("demo", request, List.of(call("disable", app)), Reversibility.REVERSIBLE,
                    SnapshotExecution.snapshot(CLOCK, key(app), status.get(app)), SnapshotExecution.snapshot(CLOCK, key(app), "DISABLED"),
                    "Disable app " + app, Map.of("app", app));
        }

        @Override
        public Snapshot observe(ActionPlan plan) {
            String app = PlanDetails.require(plan, "app");
            return SnapshotExecution.snapshot(CLOCK, key(app), status.get(app));
        }

        @Override
        public List<PlatformCall> apply(ActionPlan plan) {
            return set(plan, SnapshotExecution.onlyValue(plan.postState()), "disable");
        }

        @Override
        public List<PlatformCall> restore(ActionPlan plan) {
            return set(plan, SnapshotExecution.onlyValue(plan.preState()), "enable");
        }

        private List<PlatformCall> set(ActionPlan plan, String value, String verb) {
            String app = PlanDetails.require(plan, "app");
            mutations++;
            status.put(app, value);
            return List.of(call(verb, app));
        }

        private static PlatformCall call(String verb, String app) {
            return new PlatformCall(verb, app, true);
        }

        private static String key(String app) {
            return "app/" + app + "/status";
        }
    }

    private final AppSwitch apps = new AppSwitch();
    private final SnapshotActionExecutor executor = new SnapshotActionExecutor(
            RungDispatch.<PlannedAction>builder("demo").rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, apps).build(), 100);

    private static ActionRequest disable(String app) {
        return new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(null, IdentityRef.of(app), null), Map.of());
    }

    @Test
    void itPlansExecutesVerifiesAndRevertsThroughTheRungsAction() {
        assertThat(executor.rungs()).containsOnly(Map.entry(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE));
        ActionPlan plan = executor.plan(disable("app-1"));
        assertThat(plan.summary()).isEqualTo("Disable app app-1");
        assertThat(apps.mutations).as("planning changes nothing").isZero();

        assertThat(executor.execute(plan, "k1").alreadyApplied()).isFalse();
        assertThat(executor.execute(plan, "k1").alreadyApplied()).isTrue();
        assertThat(executor.verify(plan).inPostState()).isTrue();
        assertThat(apps.status).containsEntry("app-1", "DISABLED");

        assertThat(executor.revert(plan, false).performed()).extracting(PlatformCall::operation).containsExactly("enable");
        assertThat(apps.status).containsEntry("app-1", "ENABLED");
        assertThat(apps.mutations).isEqualTo(2);
    }

    @Test
    void itRefusesRungsItDoesNotOfferAndPlansItDidNotMake() {
        ActionRequest stepUp = new ActionRequest(Rung.STEP_UP, new ActionTarget(null, IdentityRef.of("app-1"), null), Map.of());
        assertThatThrownBy(() -> executor.plan(stepUp)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
        ActionPlan plan = executor.plan(disable("app-1"));
        ActionPlan foreign = new ActionPlan("other", plan.request(), plan.calls(), plan.reversibility(), plan.preState(),
                plan.postState(), plan.summary(), plan.details());
        assertThatThrownBy(() -> executor.execute(foreign, "k")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        assertThatThrownBy(() -> executor.verify(foreign)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        assertThatThrownBy(() -> executor.revert(foreign, true)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL));
        assertThatThrownBy(() -> executor.execute(plan, null)).isInstanceOf(NullPointerException.class);
        assertThat(apps.mutations).isZero();
    }

    @Test
    void itNamesItselfByConnectorAndRungs() {
        assertThat(executor).hasToString("SnapshotActionExecutor[demo, [DISABLE_IDENTITY]]");
    }
}

package io.itdr.connector.azure.act;

import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Snapshot;
import java.util.List;
import java.util.function.Predicate;

/**
 * One rung carried out by its established action or, when the request asks for it, by an alternative one. A plan of the
 * alternative names it in its {@link RungDispatch#ACTION} detail; every other plan, including those made before the
 * alternative existed (without that detail), goes to the established action. Thread-safe when both actions are.
 */
final class ChosenAction implements PlannedAction {
    private final PlannedAction established;
    private final String alternativeName;
    private final PlannedAction alternative;
    private final Predicate<ActionRequest> wantsAlternative;

    ChosenAction(PlannedAction established, String alternativeName, PlannedAction alternative, Predicate<ActionRequest> wantsAlternative) {
        this.established = established;
        this.alternativeName = alternativeName;
        this.alternative = alternative;
        this.wantsAlternative = wantsAlternative;
    }

    private PlannedAction of(ActionPlan plan) {
        return alternativeName.equals(plan.details().get(RungDispatch.ACTION)) ? alternative : established;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        return wantsAlternative.test(request) ? alternative.plan(request) : established.plan(request);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        return of(plan).observe(plan);
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return of(plan).apply(plan);
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        return of(plan).restore(plan);
    }

    @Override
    public boolean observesWholeEffect() {
        return established.observesWholeEffect() && alternative.observesWholeEffect();
    }
}

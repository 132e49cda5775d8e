package io.itdr.server.metrics;

import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.connector.BulkheadedActionExecutor;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.query.ActionQueries;
import io.itdr.server.query.LedgerQueries;
import io.itdr.server.response.Breakers;

import io.itdr.core.act.ActionState;
import io.itdr.core.decide.BudgetTracker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * The engine's gauges for Prometheus ({@code /actuator/prometheus}): holds pending, actions by
 * state, budget left, breakers tripped and breakers reset per budget, the ledger's size, the state
 * restored at start-up and the identities tracked by detection, and each connector's
 * health and action bulkhead. Counters of events, findings and decisions are kept where they
 * happen ({@code io.itdr.server.intake.EventIntake}).
 */
@Component
public class EngineMetrics implements MeterBinder {
    private final ResponseEngine engine;
    private final ActionQueries actions;
    private final LedgerQueries ledger;
    private final ConnectorRuntime connectors;
    private final Breakers breakers;
    private final Clock clock;

    public EngineMetrics(ResponseEngine engine, ActionQueries actions, LedgerQueries ledger, ConnectorRuntime connectors, Breakers breakers,
                         Clock clock) {
        this.engine = engine;
        this.breakers = breakers;
        this.actions = actions;
        this.ledger = ledger;
        this.connectors = connectors;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("itdr.holds.pending", actions, a -> a.countByState().getOrDefault(ActionState.HELD, 0L))
                .description("actions held for approval").register(registry);
        for (ActionState state : ActionState.values()) {
            Gauge.builder("itdr.actions", actions, a -> a.countByState().getOrDefault(state, 0L))
                    .tag("state", state.label()).description("actions by lifecycle state").register(registry);
        }
        Gauge.builder("itdr.ledger.entries", ledger, LedgerQueries::size).description("entries in the audit ledger").register(registry);
        FunctionCounter.builder("itdr.policy.evaluation.errors", engine.policyEngine(), p -> p.evaluationErrorCount())
                .description("policy conditions that failed to evaluate (a CEL limit or runtime error): a rule that fails does not "
                        + "match, a guardrail that fails holds").register(registry);
        BudgetTracker budgets = engine.policyEngine().budgets();
        budgets.budgets().forEach(budget -> {
            Gauge.builder("itdr.budget.remaining", budgets, b -> remaining(b, budget.id()))
                    .tag("budget", budget.id()).description("disruptive actions left in the budget's window (lowest across keys)")
                    .register(registry);
            Gauge.builder("itdr.budget.breaker.open", budgets,
                            b -> b.trippedBreakers().stream().filter(k -> k.budgetId().equals(budget.id())).count())
                    .tag("budget", budget.id()).description("keys whose circuit breaker is tripped").register(registry);
            FunctionCounter.builder("itdr.budget.breaker.resets", breakers, b -> b.resets(budget.id()))
                    .tag("budget", budget.id()).description("tripped breakers reset by people (each ledgered)").register(registry);
        });
        ResponseEngine.RestoredState restored = engine.restored();
        Gauge.builder("itdr.state.restored.identities", restored, r -> r.detection().identities())
                .description("identities whose detector state was restored at start-up").register(registry);
        Gauge.builder("itdr.state.restored.budget.keys", restored, r -> r.governance().budgetKeys())
                .description("budget keys with units or a tripped breaker restored at start-up").register(registry);
        Gauge.builder("itdr.state.restored.breakers", restored, r -> r.governance().breakers())
                .description("tripped breakers restored at start-up").register(registry);
        Gauge.builder("itdr.state.restored.incidents", restored, r -> r.governance().incidents())
                .description("open incidents restored at start-up").register(registry);
        Gauge.builder("itdr.detection.identities", engine, ResponseEngine::trackedIdentities)
                .description("identities whose detector state is held").register(registry);
        for (ConnectorRuntime.Managed managed : connectors.running()) {
            Gauge.builder("itdr.connector.up", managed.status(), s -> s.view().healthy() ? 1 : 0)
                    .tag("connector", managed.id()).register(registry);
            managed.executor().ifPresent(executor -> Gauge.builder("itdr.connector.actions.inflight", executor,
                    BulkheadedActionExecutor::inFlight).tag("connector", managed.id()).register(registry));
        }
    }

    private double remaining(BudgetTracker budgets, String budgetId) {
        return budgets.usage(clock.instant()).stream()
                .filter(usage -> usage.budget().id().equals(budgetId))
                .mapToDouble(usage -> usage.budget().maxActions() - usage.used())
                .min()
                .orElseGet(() -> budgets.budgets().stream().filter(b -> b.id().equals(budgetId)).mapToDouble(b -> b.maxActions()).findFirst().orElse(0));
    }
}

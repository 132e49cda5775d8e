package io.itdr.server.response;

import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.pipeline.ResponseEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * The budgets' circuit breakers as people see and reset them: which are tripped, and resetting one
 * (or every tripped key of a budget) with a reason, through the core, which ledgers each reset
 * before it happens and writes it to the database at once (a reset breaker stays reset after a
 * restart, a tripped one stays tripped). Resets are counted per budget for the metrics. Thread-safe.
 */
@Component
public class Breakers {
    /**
     * A tripped breaker: the budget, the key it counts under, the units used in its window now, when
     * it tripped and the request that tripped it (a finding). Kept across restarts.
     */
    public record Tripped(String budget, String key, int used, int maxActions, Instant trippedAt, String trippedBy) {
    }

    /** The policy has no such budget. */
    public static final class UnknownBudgetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownBudgetException(String message) {
            super(message);
        }
    }

    private final ResponseEngine engine;
    private final Clock clock;
    private final Map<String, AtomicLong> resets = new ConcurrentHashMap<>();

    public Breakers(ResponseEngine engine, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The tripped breakers of the enforce-mode budgets, in the order they tripped. */
    public List<Tripped> tripped() {
        BudgetTracker budgets = engine.policyEngine().budgets();
        List<Tripped> out = new ArrayList<>();
        for (BudgetTracker.BudgetKey key : budgets.trippedBreakers()) {
            int max = budgets.budgets().stream().filter(b -> b.id().equals(key.budgetId())).mapToInt(b -> b.maxActions()).findFirst()
                    .orElse(0);
            var trip = budgets.trip(key.budgetId(), key.key());
            out.add(new Tripped(key.budgetId(), key.key(), budgets.used(key.budgetId(), key.key(), clock.instant()), max,
                    trip.map(t -> t.at()).orElse(null), trip.map(t -> t.by()).orElse(null)));
        }
        return out;
    }

    /**
     * Resets the tripped breaker of {@code budget} for {@code key}, or every tripped key of the
     * budget when {@code key} is null; each reset is ledgered with the actor and reason.
     *
     * @return the keys reset; empty when none was tripped
     * @throws UnknownBudgetException when the policy has no such budget
     */
    public List<String> reset(String budget, String key, String actor, String reason) {
        if (engine.policyEngine().budgets().budgets().stream().noneMatch(b -> b.id().equals(budget))) {
            throw new UnknownBudgetException("the policy has no budget '" + budget + "'");
        }
        List<String> keys = key != null ? List.of(key) : tripped().stream().filter(t -> t.budget().equals(budget)).map(Tripped::key).toList();
        List<String> reset = new ArrayList<>();
        for (String k : keys) {
            if (engine.resetBreaker(budget, k, actor, reason)) {
                reset.add(k);
                resets.computeIfAbsent(budget, b -> new AtomicLong()).incrementAndGet();
            }
        }
        return List.copyOf(reset);
    }

    /** How many breakers of {@code budget} people have reset since the server started. */
    public long resets(String budget) {
        AtomicLong count = resets.get(budget);
        return count == null ? 0 : count.get();
    }
}

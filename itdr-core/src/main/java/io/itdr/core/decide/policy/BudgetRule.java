package io.itdr.core.decide.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code maxActions} disruptive actions per {@code scope} key in any sliding window of
 * length {@code window}. Immutable.
 *
 * @param id         unique among budgets; names it in reasons ("per-owner"); never null
 * @param scope      what it counts per; never null
 * @param maxActions at least 1
 * @param window     positive; never null
 */
public record BudgetRule(String id, BudgetScope scope, int maxActions, Duration window) {
    public BudgetRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(window, "window");
        if (maxActions < 1) {
            throw new IllegalArgumentException("a budget allows at least one action: " + maxActions);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a budget window is positive: " + window);
        }
    }
}

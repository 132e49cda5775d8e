package io.itdr.core.decide;

import io.itdr.core.decide.policy.BudgetRule;
import io.itdr.core.decide.policy.BudgetScope;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Counts disruptive actions against a policy's budgets, and holds their circuit breakers. One of
 * the engine's few places of mutable state.
 *
 * <p><b>Window:</b> sliding. A unit consumed at {@code t} counts until {@code t + window}
 * (exclusive), so no window-length stretch of time ever holds more than {@code maxActions}.
 *
 * <p><b>Atomicity:</b> {@link #tryConsume} takes one unit from every applicable budget (global,
 * the platform's, the owner's) or from none; all state is guarded by one lock, so no interleaving
 * of callers can exceed a budget.
 *
 * <p><b>Breaker:</b> a request refused because a budget is full trips that budget key's breaker.
 * A tripped breaker refuses every further request under that key, even after the window has
 * room again, until {@link #reset} (an operator's decision). Reset re-arms the breaker only; units
 * already consumed still count until they leave the window.
 *
 * <p><b>State</b> lives in a {@link BudgetState}, keyed by budget id: trackers of two policies
 * over one state share their units and breakers for every budget id they have in common (a policy
 * activated at run time keeps the old one's counts), and the state is what survives a restart.
 *
 * <p>Thread-safe.
 */
public final class BudgetTracker {
    /** The key of identities without an owner in owner-scoped budgets. */
    public static final String NO_OWNER = "(no owner)";
    /** The key of global budgets. */
    public static final String GLOBAL_KEY = "*";

    private volatile List<BudgetRule> budgets;
    private final BudgetState state;
    private final Object lock;
    private final Map<BudgetKey, ArrayDeque<Instant>> consumed;
    private final Map<BudgetKey, BudgetState.Trip> tripped;

    /** A tracker with a state of its own, kept in memory only. */
    public BudgetTracker(List<BudgetRule> budgets) {
        this(budgets, new BudgetState());
    }

    /**
     * A tracker of {@code budgets} over {@code state}, which it may share with trackers of other
     * policies.
     */
    public BudgetTracker(List<BudgetRule> budgets, BudgetState state) {
        this.budgets = List.copyOf(Objects.requireNonNull(budgets, "budgets"));
        this.state = Objects.requireNonNull(state, "state");
        this.lock = state.lock;
        this.consumed = state.consumed;
        this.tripped = state.tripped;
    }

    /** A budget and the key it counts under ("per-owner", "team-a"). */
    public record BudgetKey(String budgetId, String key) {
        public BudgetKey {
            Objects.requireNonNull(budgetId, "budgetId");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * One budget key's state at a moment.
     *
     * @param budget  never null
     * @param key     the scope key; {@link #GLOBAL_KEY} for global budgets; never null
     * @param used    units in the window ending at that moment
     * @param tripped whether its breaker is tripped
     */
    public record BudgetUsage(BudgetRule budget, String key, int used, boolean tripped) {
        public BudgetUsage {
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(key, "key");
        }

        /** "per-owner team-a: 5/5 disruptive actions in PT1H" (global budgets omit the key). */
        public String describe() {
            return "budget " + budget.id() + (GLOBAL_KEY.equals(key) ? "" : " " + key) + ": " + used + "/"
                    + budget.maxActions() + " disruptive actions in " + budget.window();
        }
    }

    /**
     * What a request got.
     *
     * @param granted    whether a unit was taken from every applicable budget
     * @param refusedBy  the budget key that refused; null when granted
     * @param breakerWasTripped true when refused by a breaker tripped earlier (rather than by a
     *                   full window now)
     * @param usage      every applicable budget key after the request; never null
     */
    public record Admission(boolean granted, BudgetUsage refusedBy, boolean breakerWasTripped, List<BudgetUsage> usage) {
        public Admission {
            usage = List.copyOf(Objects.requireNonNull(usage, "usage"));
            if (granted == (refusedBy != null)) {
                throw new IllegalArgumentException("a refusal names its budget; a grant names none");
            }
        }
    }

    /** The budgets tracked. */
    public List<BudgetRule> budgets() {
        return budgets;
    }

    /**
     * Takes one unit from every budget that applies to an action on {@code platform} for an
     * identity owned by {@code owner}, or from none.
     *
     * @param now      the engine clock's time
     * @param platform never null
     * @param owner    the owner; null or blank when unknown (counted under {@link #NO_OWNER})
     */
    public Admission tryConsume(Instant now, String platform, String owner) {
        return tryConsume(now, platform, owner, "");
    }

    /**
     * As {@link #tryConsume(Instant, String, String)}; {@code cause} (a finding, for people) is
     * recorded with a breaker this request trips.
     */
    public Admission tryConsume(Instant now, String platform, String owner, String cause) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(platform, "platform");
        synchronized (lock) {
            List<BudgetKey> keys = new ArrayList<>(budgets.size());
            for (BudgetRule b : budgets) {
                keys.add(new BudgetKey(b.id(), keyFor(b.scope(), platform, owner)));
            }
            for (int i = 0; i < keys.size(); i++) {
                if (tripped.containsKey(keys.get(i))) {
                    return refuse(keys, i, now, true);
                }
            }
            for (int i = 0; i < keys.size(); i++) {
                if (window(keys.get(i), budgets.get(i), now).size() >= budgets.get(i).maxActions()) {
                    tripped.put(keys.get(i), new BudgetState.Trip(now, cause));
                    state.changed(keys.get(i));
                    return refuse(keys, i, now, false);
                }
            }
            for (int i = 0; i < keys.size(); i++) {
                consumed.computeIfAbsent(keys.get(i), k -> new ArrayDeque<>()).addLast(now);
                state.changed(keys.get(i));
            }
            return new Admission(true, null, false, usageOf(keys, now));
        }
    }

    /** Every budget key with units in the window ending at {@code now} or a tripped breaker. */
    public List<BudgetUsage> usage(Instant now) {
        synchronized (lock) {
            Set<BudgetKey> keys = new LinkedHashSet<>(consumed.keySet());
            keys.addAll(tripped.keySet());
            List<BudgetUsage> out = new ArrayList<>();
            for (BudgetKey k : keys) {
                if (!tracks(k.budgetId())) {
                    continue; // a budget of another policy over the same state
                }
                BudgetRule b = rule(k.budgetId());
                out.add(new BudgetUsage(b, k.key(), window(k, b, now).size(), tripped.containsKey(k)));
            }
            out.sort(Comparator.comparing((BudgetUsage u) -> u.budget().id()).thenComparing(BudgetUsage::key));
            return out;
        }
    }

    /** Units of one budget key in the window ending at {@code now}. */
    public int used(String budgetId, String key, Instant now) {
        synchronized (lock) {
            return window(new BudgetKey(budgetId, key), rule(budgetId), now).size();
        }
    }

    /** The tripped breakers, in the order they tripped. */
    public Set<BudgetKey> trippedBreakers() {
        synchronized (lock) {
            Set<BudgetKey> out = new LinkedHashSet<>();
            for (BudgetKey k : tripped.keySet()) {
                if (tracks(k.budgetId())) {
                    out.add(k);
                }
            }
            return Collections.unmodifiableSet(out);
        }
    }

    /**
     * Tracks the budgets of a newly activated policy: units and tripped breakers of budgets it keeps
     * (same id and scope) still count, under the new limits; those of budgets it drops or scopes
     * differently (their keys mean something else) are forgotten.
     */
    public void retarget(List<BudgetRule> next) {
        List<BudgetRule> copy = List.copyOf(Objects.requireNonNull(next, "next"));
        synchronized (lock) {
            Set<String> kept = new HashSet<>();
            for (BudgetRule b : copy) {
                if (budgets.stream().anyMatch(old -> old.id().equals(b.id()) && old.scope() == b.scope())) {
                    kept.add(b.id());
                }
            }
            for (BudgetKey k : new ArrayList<>(consumed.keySet())) {
                if (!kept.contains(k.budgetId())) {
                    consumed.remove(k);
                    state.changed(k);
                }
            }
            for (BudgetKey k : new ArrayList<>(tripped.keySet())) {
                if (!kept.contains(k.budgetId())) {
                    tripped.remove(k);
                    state.changed(k);
                }
            }
            budgets = copy;
        }
    }

    /**
     * Re-arms one breaker.
     *
     * @return whether it was tripped
     */
    public boolean reset(String budgetId, String key) {
        synchronized (lock) {
            BudgetKey k = new BudgetKey(budgetId, key);
            boolean was = tripped.remove(k) != null;
            if (was) {
                state.changed(k);
            }
            return was;
        }
    }

    /** When a tripped breaker tripped and what tripped it; empty when it is not tripped. */
    public Optional<BudgetState.Trip> trip(String budgetId, String key) {
        synchronized (lock) {
            return Optional.ofNullable(tripped.get(new BudgetKey(budgetId, key)));
        }
    }

    /** Re-arms every breaker. */
    public void resetAll() {
        synchronized (lock) {
            tripped.keySet().forEach(state::changed);
            tripped.clear();
        }
    }

    /** The key a budget of {@code scope} counts an action under. */
    public static String keyFor(BudgetScope scope, String platform, String owner) {
        return switch (scope) {
            case GLOBAL -> GLOBAL_KEY;
            case PLATFORM -> platform;
            case OWNER -> owner == null || owner.isBlank() ? NO_OWNER : owner;
        };
    }

    private Admission refuse(List<BudgetKey> keys, int index, Instant now, boolean breakerWasTripped) {
        List<BudgetUsage> usage = usageOf(keys, now);
        return new Admission(false, usage.get(index), breakerWasTripped, usage);
    }

    private List<BudgetUsage> usageOf(List<BudgetKey> keys, Instant now) {
        List<BudgetUsage> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            out.add(new BudgetUsage(budgets.get(i), keys.get(i).key(), window(keys.get(i), budgets.get(i), now).size(),
                    tripped.containsKey(keys.get(i))));
        }
        return out;
    }

    /** The units of a key still in the window ending at {@code now}, older ones dropped. Caller holds the lock. */
    private ArrayDeque<Instant> window(BudgetKey key, BudgetRule budget, Instant now) {
        ArrayDeque<Instant> units = consumed.get(key);
        if (units == null) {
            return new ArrayDeque<>(0);
        }
        Instant start = now.minus(budget.window());
        while (!units.isEmpty() && !units.peekFirst().isAfter(start)) {
            units.removeFirst();
        }
        if (units.isEmpty()) {
            consumed.remove(key); // keeps memory bounded by the keys active in a window
            state.changed(key);
        }
        return units;
    }

    private boolean tracks(String budgetId) {
        for (BudgetRule b : budgets) {
            if (b.id().equals(budgetId)) {
                return true;
            }
        }
        return false;
    }

    private BudgetRule rule(String budgetId) {
        for (BudgetRule b : budgets) {
            if (b.id().equals(budgetId)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no budget '" + budgetId + "'; the policy has " + budgets.stream().map(BudgetRule::id).toList());
    }
}

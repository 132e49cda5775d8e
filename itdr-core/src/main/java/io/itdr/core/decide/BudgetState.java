package io.itdr.core.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.decide.BudgetTracker.BudgetKey;
import io.itdr.core.state.StateJson;
import io.itdr.core.state.StateStore;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The units consumed and the breakers tripped of one set of budgets, keyed by budget id and scope
 * key ({@link BudgetKey}), independent of any policy: {@link BudgetTracker}s of successive policies
 * share it, and it is what a restart restores. Changes are noted per key so that {@link #changes}
 * writes only what changed since the last write (write-through: the policy engine writes after
 * every decision, a breaker reset at once).
 *
 * <p>Thread-safe: everything is guarded by one lock, the trackers' lock.
 */
public final class BudgetState {
    /** When a breaker tripped, and the request that tripped it (a finding, for people; may be empty). */
    public record Trip(Instant at, String by) {
        public Trip {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(by, "by");
        }
    }

    /** Version of an entry's JSON ({@code {"v":1,"b":budget,"k":key,"u":[times],"t":{"at","by"}}}). */
    static final int VERSION = 1;

    final Object lock = new Object();
    final Map<BudgetKey, ArrayDeque<Instant>> consumed = new HashMap<>();
    final Map<BudgetKey, Trip> tripped = new LinkedHashMap<>();
    private final Set<BudgetKey> changed = new LinkedHashSet<>();
    /** Whether changes are noted (only when a store keeps them). Guarded by the lock. */
    private boolean tracked;

    /** Caller holds the lock. */
    void changed(BudgetKey key) {
        if (tracked) {
            changed.add(key);
        }
    }

    /** Notes changes from now on, for {@link #changes}. */
    void track() {
        synchronized (lock) {
            tracked = true;
        }
    }

    /** Budget keys with units or a tripped breaker. */
    public int keys() {
        synchronized (lock) {
            Set<BudgetKey> keys = new LinkedHashSet<>(consumed.keySet());
            keys.addAll(tripped.keySet());
            return keys.size();
        }
    }

    /** Tripped breakers, of any budget id. */
    public int breakers() {
        synchronized (lock) {
            return tripped.size();
        }
    }

    /** The entries changed since the last call, for {@code section}; a key with nothing left is deleted. */
    List<StateStore.Change> changes(String section) {
        synchronized (lock) {
            List<StateStore.Change> out = new ArrayList<>(changed.size());
            for (BudgetKey key : changed) {
                out.add(new StateStore.Change(section, storeKey(key), entry(key)));
            }
            changed.clear();
            return out;
        }
    }

    /** Every key, as {@link #changes} would write it; for a full checkpoint. */
    List<StateStore.Change> all(String section) {
        synchronized (lock) {
            Set<BudgetKey> keys = new LinkedHashSet<>(consumed.keySet());
            keys.addAll(tripped.keySet());
            List<StateStore.Change> out = new ArrayList<>(keys.size());
            for (BudgetKey key : keys) {
                out.add(new StateStore.Change(section, storeKey(key), entry(key)));
            }
            changed.clear();
            return out;
        }
    }

    /**
     * Restores one entry written by {@link #changes}.
     *
     * @throws IllegalArgumentException when it is not such an entry, or of another version
     */
    void restore(String json) {
        JsonNode node = StateJson.parse(json, VERSION);
        BudgetKey key = new BudgetKey(StateJson.text(node, "b"), StateJson.text(node, "k"));
        ArrayDeque<Instant> units = new ArrayDeque<>();
        for (JsonNode unit : StateJson.array(node, "u")) {
            units.addLast(StateJson.instant(unit));
        }
        Trip trip = node.has("t") ? new Trip(StateJson.instant(node.get("t").get("at")), StateJson.text(node.get("t"), "by")) : null;
        synchronized (lock) {
            if (!units.isEmpty()) {
                consumed.put(key, units);
            }
            if (trip != null) {
                tripped.put(key, trip);
            }
        }
    }

    private String entry(BudgetKey key) {
        ArrayDeque<Instant> units = consumed.get(key);
        Trip trip = tripped.get(key);
        if ((units == null || units.isEmpty()) && trip == null) {
            return null;
        }
        ObjectNode node = StateJson.object(VERSION);
        node.put("b", key.budgetId());
        node.put("k", key.key());
        ArrayNode u = node.putArray("u");
        if (units != null) {
            units.forEach(t -> u.add(t.toString()));
        }
        if (trip != null) {
            node.putObject("t").put("at", trip.at().toString()).put("by", trip.by());
        }
        return node.toString();
    }

    /** The key of a budget key's entry: id and scope key, separated by a tab (neither holds one in practice; the body holds both). */
    static String storeKey(BudgetKey key) {
        return key.budgetId() + "\t" + key.key();
    }
}

package io.itdr.core.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.state.StateJson;
import io.itdr.core.state.StateStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recent findings per identity, for escalation: "N findings within a window". Times are finding
 * times (not the engine clock), so replaying telemetry escalates exactly as live processing did.
 * A finding id is counted once however often it is decided.
 *
 * <p>Bounded: entries older than the longest escalation window (behind the newest finding seen)
 * are dropped, at most {@value #MAX_PER_IDENTITY} are kept per identity, and identities with no
 * recent finding are swept out periodically. Thread-safe (per-identity updates are atomic).
 *
 * <p>Identities whose history changed are noted, so that {@link #changes} writes only them; an
 * identity swept out is deleted from the store with them.
 */
final class FindingHistory {
    static final int MAX_PER_IDENTITY = 1024;
    private static final int SWEEP_EVERY = 4096;

    private record Seen(String findingId, Instant time) {
    }

    /** Version of an entry's JSON ({@code {"v":1,"f":[[findingId, time], ...]}}, oldest first). */
    static final int VERSION = 1;

    private volatile Duration horizon;
    private final ConcurrentHashMap<String, Deque<Seen>> byIdentity = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    /** Whether changes are noted (only when a store keeps them: otherwise the notes would only grow). */
    private volatile boolean tracked;
    private final AtomicLong records = new AtomicLong();
    private volatile Instant newest = Instant.MIN;

    FindingHistory(Duration horizon) {
        this.horizon = Objects.requireNonNull(horizon, "horizon");
    }

    /** The longest escalation window of the policy in force; a policy activated later may change it. */
    void horizon(Duration horizon) {
        this.horizon = Objects.requireNonNull(horizon, "horizon");
    }

    /** Notes changes from now on, for {@link #changes}. */
    void track() {
        tracked = true;
    }

    /** Identities with a history. */
    int identities() {
        return byIdentity.size();
    }

    /**
     * Records a finding and returns the times of the identity's findings kept afterwards
     * (including this one).
     */
    List<Instant> record(String identityKey, String findingId, Instant time) {
        if (time.isAfter(newest)) {
            newest = time; // a benign race: a slightly stale "newest" only delays pruning
        }
        Instant cutoff = newest.minus(horizon);
        List<Instant> times = new ArrayList<>();
        byIdentity.compute(identityKey, (k, seen) -> {
            Deque<Seen> d = seen == null ? new ArrayDeque<>() : seen;
            if (d.stream().noneMatch(s -> s.findingId().equals(findingId))) {
                d.addLast(new Seen(findingId, time));
            }
            d.removeIf(s -> s.time().isBefore(cutoff));
            while (d.size() > MAX_PER_IDENTITY) {
                d.removeFirst();
            }
            d.forEach(s -> times.add(s.time()));
            if (tracked) {
                changed.add(k);
            }
            return d.isEmpty() ? null : d;
        });
        if (records.incrementAndGet() % SWEEP_EVERY == 0) {
            sweep(cutoff);
        }
        return times;
    }

    /** How many of {@code times} fall in the window of length {@code within} ending at {@code end} (inclusive). */
    static int countWithin(List<Instant> times, Instant end, Duration within) {
        Instant start = end.minus(within);
        int n = 0;
        for (Instant t : times) {
            if (t.isAfter(start) && !t.isAfter(end)) {
                n++;
            }
        }
        return n;
    }

    private void sweep(Instant cutoff) {
        for (String key : byIdentity.keySet()) {
            byIdentity.computeIfPresent(key, (k, d) -> {
                if (d.removeIf(s -> s.time().isBefore(cutoff)) && tracked) {
                    changed.add(k);
                }
                return d.isEmpty() ? null : d;
            });
        }
    }

    /** The identities changed since the last call, for {@code section}; an identity with no history left is deleted. */
    List<StateStore.Change> changes(String section) {
        List<StateStore.Change> out = new ArrayList<>();
        for (String key : List.copyOf(changed)) {
            changed.remove(key);
            String[] body = new String[1];
            byIdentity.computeIfPresent(key, (k, d) -> {
                body[0] = entry(d);
                return d;
            });
            out.add(new StateStore.Change(section, key, body[0]));
        }
        return out;
    }

    /** Every identity, as {@link #changes} would write it. */
    List<StateStore.Change> all(String section) {
        changed.addAll(byIdentity.keySet());
        return changes(section);
    }

    /**
     * Restores one identity's entry written by {@link #changes}.
     *
     * @throws IllegalArgumentException when it is not such an entry, or of another version
     */
    void restore(String identityKey, String json) {
        JsonNode node = StateJson.parse(json, VERSION);
        Deque<Seen> seen = new ArrayDeque<>();
        for (JsonNode pair : StateJson.array(node, "f")) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()) {
                throw new IllegalArgumentException("field f: expected [findingId, time] pairs");
            }
            Instant time = StateJson.instant(pair.get(1));
            seen.addLast(new Seen(pair.get(0).asText(), time));
            if (time.isAfter(newest)) {
                newest = time;
            }
        }
        if (!seen.isEmpty()) {
            byIdentity.put(identityKey, seen);
        }
    }

    private static String entry(Deque<Seen> seen) {
        if (seen.isEmpty()) {
            return null;
        }
        ObjectNode node = StateJson.object(VERSION);
        ArrayNode f = node.putArray("f");
        seen.forEach(s -> f.addArray().add(s.findingId()).add(s.time().toString()));
        return node.toString();
    }
}

package io.itdr.core.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
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
 */
final class FindingHistory {
    static final int MAX_PER_IDENTITY = 1024;
    private static final int SWEEP_EVERY = 4096;

    private record Seen(String findingId, Instant time) {
    }

    private volatile Duration horizon;
    private final ConcurrentHashMap<String, Deque<Seen>> byIdentity = new ConcurrentHashMap<>();
    private final AtomicLong records = new AtomicLong();
    private volatile Instant newest = Instant.MIN;

    FindingHistory(Duration horizon) {
        this.horizon = Objects.requireNonNull(horizon, "horizon");
    }

    /** Changes how long findings are kept (a policy with other escalation windows was activated). */
    void horizon(Duration horizon) {
        this.horizon = Objects.requireNonNull(horizon, "horizon");
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
                d.removeIf(s -> s.time().isBefore(cutoff));
                return d.isEmpty() ? null : d;
            });
        }
    }
}

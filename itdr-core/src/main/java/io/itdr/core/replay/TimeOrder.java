package io.itdr.core.replay;

import io.itdr.spi.event.IdentityEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Puts a stream of events into time order with bounded memory, and drops duplicates.
 *
 * <p>Exported logs arrive roughly ordered: records within a file jitter, files overlap. Events
 * are held until the newest time seen is {@code window} past them, then released oldest first.
 * An event older than one already released cannot be placed without breaking per-identity
 * order: it is refused as late (the caller rejects it with a reason). Memory holds one window of
 * events plus the ids of the last {@code dedupeCapacity} events (a duplicate further apart than
 * that is not recognised).
 *
 * <p>Not thread-safe.
 */
public final class TimeOrder {
    /** What became of an offered event. */
    public enum Offer { HELD, LATE, DUPLICATE }

    private record Held(IdentityEvent event, long seq) {
    }

    private final Duration window;
    private final Consumer<IdentityEvent> downstream;
    private final PriorityQueue<Held> held = new PriorityQueue<>((a, b) -> {
        int c = a.event().time().compareTo(b.event().time());
        return c != 0 ? c : Long.compare(a.seq(), b.seq());
    });
    private final RecentIds recentIds;
    private Instant newest = Instant.MIN;
    private Instant released = Instant.MIN;
    private long seq;

    public TimeOrder(Duration window, int dedupeCapacity, Consumer<IdentityEvent> downstream) {
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative");
        }
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.recentIds = new RecentIds(dedupeCapacity);
    }

    /** Offers one event; events may be released downstream during the call. */
    public Offer offer(IdentityEvent event) {
        if (event.time().isBefore(released)) {
            return Offer.LATE;
        }
        if (!recentIds.add(0, event.id())) {
            return Offer.DUPLICATE;
        }
        held.add(new Held(event, seq++));
        if (event.time().isAfter(newest)) {
            newest = event.time();
        }
        Instant horizon = newest.minus(window);
        while (!held.isEmpty() && !held.peek().event().time().isAfter(horizon)) {
            release(held.poll().event());
        }
        return Offer.HELD;
    }

    /** Releases everything still held; call at the end of input. */
    public void flush() {
        while (!held.isEmpty()) {
            release(held.poll().event());
        }
    }

    /** Events currently held (for tests and metrics). */
    public int heldCount() {
        return held.size();
    }

    /** How far behind the newest event time a late event was, for the rejection reason. */
    public Duration behind(IdentityEvent event) {
        return Duration.between(event.time(), released);
    }

    private void release(IdentityEvent event) {
        released = event.time();
        downstream.accept(event);
    }
}

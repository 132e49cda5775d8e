package io.itdr.core.pipeline;

import io.itdr.spi.event.IdentityEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * The live intake's reorder window across batches: events of one connector are held until the
 * newest event time seen is {@code window} past them, or until they were held {@code maxHold} of
 * wall-clock time (a quiet connector does not keep its last events), then released in time order
 * (ties by event id) whichever batch brought them. So an event that arrives in a later batch than a
 * newer event of its identity is still seen before it, as long as it is no more than the window
 * behind the newest event seen when it arrives.
 *
 * <p>An event behind what was already released (by time, then id) cannot be put in its place: it is
 * {@link Offer#LATE} and the caller processes it at once, in arrival order (as without a window).
 * Releasing an event whose hold expired releases every held event before it too, so what is
 * released is always in order. An event whose id is already held is a {@link Offer#DUPLICATE} and
 * is not held again.
 *
 * <p>A window of zero holds nothing across calls of {@link #release}: each batch is released whole
 * and in order. The window keeps its items in memory only; the caller keeps them durable (the
 * server's ingest backlog) and offers them again after a restart.
 *
 * <p>Not thread-safe: one per connector, used by one thread.
 *
 * @param <T> what the caller holds with each event (its backlog entry)
 */
public final class ReorderWindow<T> {
    /** What became of an offered event. */
    public enum Offer {
        /** Held until the window or the hold bound passes it. */
        HELD,
        /** Behind what was already released: to be processed at once. */
        LATE,
        /** Its id is held already: nothing to do with this copy. */
        DUPLICATE
    }

    private record Key(Instant time, String id) {
    }

    private record Held<T>(Key key, T item, Instant deadline) {
    }

    private static final Comparator<Key> ORDER = Comparator.comparing(Key::time).thenComparing(Key::id);

    private final Duration window;
    private final Duration maxHold;
    private final TreeMap<Key, Held<T>> held = new TreeMap<>(ORDER);
    private final Map<String, Key> heldIds = new HashMap<>();
    private final PriorityQueue<Held<T>> deadlines = new PriorityQueue<>(Comparator.comparing(Held::deadline));
    private Instant newest;
    private Key released;

    /**
     * @param window  how far behind the newest event time an event may arrive and still be put in
     *                order; zero or more
     * @param maxHold longest wall-clock time an event is held (counted from when it was received);
     *                zero or more
     */
    public ReorderWindow(Duration window, Duration maxHold) {
        this.window = Objects.requireNonNull(window, "window");
        this.maxHold = Objects.requireNonNull(maxHold, "maxHold");
        if (window.isNegative() || maxHold.isNegative()) {
            throw new IllegalArgumentException("the reorder window and its hold bound must not be negative");
        }
    }

    /** Offers {@code event} (with the caller's {@code item}), received at {@code receivedAt}. */
    public Offer offer(IdentityEvent event, T item, Instant receivedAt) {
        Key key = new Key(event.time(), event.id());
        if (released != null && ORDER.compare(key, released) <= 0) {
            return Offer.LATE;
        }
        if (heldIds.containsKey(event.id())) {
            return Offer.DUPLICATE;
        }
        Held<T> entry = new Held<>(key, item, receivedAt.plus(maxHold));
        held.put(key, entry);
        heldIds.put(event.id(), key);
        deadlines.add(entry);
        if (newest == null || event.time().isAfter(newest)) {
            newest = event.time();
        }
        return Offer.HELD;
    }

    /**
     * Takes out, in time order (ties by id), every held event the window passed (at most the newest
     * event time less the window) and every event held since {@code maxHold} before {@code now},
     * with the events before it.
     */
    public List<T> release(Instant now) {
        Key cut = null;
        if (newest != null && !held.isEmpty()) {
            // every held event at or before the horizon, whatever its id
            NavigableMap<Key, Held<T>> passed = held.headMap(new Key(newest.minus(window).plusNanos(1), ""), false);
            cut = passed.isEmpty() ? null : passed.lastKey();
        }
        while (!deadlines.isEmpty() && !deadlines.peek().deadline().isAfter(now)) {
            Held<T> expired = deadlines.poll();
            if (held.get(expired.key()) == expired && (cut == null || ORDER.compare(expired.key(), cut) > 0)) {
                cut = expired.key();
            }
        }
        if (cut == null) {
            return List.of();
        }
        NavigableMap<Key, Held<T>> out = held.headMap(cut, true);
        List<T> items = new ArrayList<>(out.size());
        for (Held<T> entry : out.values()) {
            items.add(entry.item());
            heldIds.remove(entry.key().id());
        }
        released = cut;
        out.clear();
        if (held.isEmpty()) {
            deadlines.clear();
        }
        return items;
    }

    /** Takes out everything held, in order (the end of input). */
    public List<T> releaseAll() {
        if (held.isEmpty()) {
            return List.of();
        }
        List<T> items = new ArrayList<>(held.size());
        held.values().forEach(entry -> items.add(entry.item()));
        released = held.lastKey();
        held.clear();
        heldIds.clear();
        deadlines.clear();
        return items;
    }

    /** When the next held event's hold runs out; empty when nothing is held. */
    public Optional<Instant> nextDeadline() {
        while (!deadlines.isEmpty() && held.get(deadlines.peek().key()) != deadlines.peek()) {
            deadlines.poll(); // released by the window before its hold ran out
        }
        return deadlines.isEmpty() ? Optional.empty() : Optional.of(deadlines.peek().deadline());
    }

    /** Events held now. */
    public int held() {
        return held.size();
    }
}

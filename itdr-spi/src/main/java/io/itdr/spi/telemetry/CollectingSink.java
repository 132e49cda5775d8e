package io.itdr.spi.telemetry;

import io.itdr.spi.event.IdentityEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A {@link NormalizationSink} that keeps what a normalizer produced, in order: every event with
 * the location it was given, and every rejection. For payloads small enough to hold (a polled
 * page, a pushed delivery, a test's fixture); a payload larger than memory goes through a sink
 * that passes each record on ({@link NormalizationSink#of}).
 *
 * <p>Not thread-safe: one normalizer fills it from one thread (as every sink is called), and it is
 * read after {@link EventNormalizer#normalize} returns. The lists it answers are copies.
 */
public final class CollectingSink implements NormalizationSink {
    private final List<IdentityEvent> events = new ArrayList<>();
    private final List<String> locations = new ArrayList<>();
    private final List<String> records = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();

    /**
     * Keeps {@code event} with no location.
     *
     * @throws NullPointerException when {@code event} is null
     */
    @Override
    public void accept(IdentityEvent event) {
        accept(event, null);
    }

    /**
     * Keeps {@code event} and where its record was.
     *
     * @param event    never null
     * @param location may be null when the normalizer does not know it
     * @throws NullPointerException when {@code event} is null
     */
    @Override
    public void accept(IdentityEvent event, String location) {
        accept(event, location, null);
    }

    /**
     * Keeps {@code event}, where its record was and the raw record.
     *
     * @param event    never null
     * @param location may be null when the normalizer does not know it
     * @param record   may be null when the normalizer has none
     * @throws NullPointerException when {@code event} is null
     * @since 1.1
     */
    @Override
    public void accept(IdentityEvent event, String location, String record) {
        events.add(Objects.requireNonNull(event, "event"));
        locations.add(location);
        records.add(record);
    }

    /**
     * Keeps {@code rejection}.
     *
     * @throws NullPointerException when {@code rejection} is null
     */
    @Override
    public void reject(Rejection rejection) {
        rejections.add(Objects.requireNonNull(rejection, "rejection"));
    }

    /** The events kept, in the order they came; never null, unmodifiable. */
    public List<IdentityEvent> events() {
        return List.copyOf(events);
    }

    /**
     * The location of each event, index for index with {@link #events()}; an entry is null where
     * the normalizer gave none. Never null, unmodifiable.
     */
    public List<String> locations() {
        return Collections.unmodifiableList(new ArrayList<>(locations));
    }

    /**
     * The raw record of each event, index for index with {@link #events()}; an entry is null where
     * the normalizer gave none. Never null, unmodifiable.
     *
     * @since 1.1
     */
    public List<String> records() {
        return Collections.unmodifiableList(new ArrayList<>(records));
    }

    /** The rejections kept, in the order they came; never null, unmodifiable. */
    public List<Rejection> rejections() {
        return List.copyOf(rejections);
    }

    @Override
    public String toString() {
        return "CollectingSink[" + events.size() + " events, " + rejections.size() + " rejections]";
    }
}

package io.itdr.spi.telemetry;

import io.itdr.spi.event.IdentityEvent;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Receives what an {@link EventNormalizer} makes of a payload, one record at a time, so a file
 * larger than memory streams through. Provided by the host; called from the normalizer's
 * thread only. {@link CollectingSink} keeps a small payload's results; {@link #of} passes each
 * record on.
 */
public interface NormalizationSink {

    /** One normalized event. */
    void accept(IdentityEvent event);

    /**
     * One normalized event and where its record was, in the form of {@link Rejection#location()}
     * ("file.json.gz:12"), so the host can point at it later (a late or duplicate record). The
     * default drops the location; normalizers that know it should call this one.
     */
    default void accept(IdentityEvent event, String location) {
        accept(event);
    }

    /**
     * One normalized event, where its record was, and the record itself as the platform wrote it:
     * one JSON object, as text ({@code {"eventVersion":"1.08",...}} for a CloudTrail record). Rules
     * (Sigma and the NHI rule pack) match the record's own fields, so a normalizer that has the
     * record should call this one. The host keeps the record beside the event through detection,
     * never in per-identity state. The default drops the record.
     *
     * @param event    never null
     * @param location may be null
     * @param record   the raw record as one JSON object; may be null when the normalizer has none
     * @since 1.1
     */
    default void accept(IdentityEvent event, String location, String record) {
        accept(event, location);
    }

    /** One record that could not be normalized. */
    void reject(Rejection rejection);

    /**
     * Whether this sink keeps the raw record handed to {@link #accept(IdentityEvent, String, String)}.
     * When false a normalizer may pass null instead of making the record's text (a replay without
     * rule sets, a benchmark that only counts). True by default: a sink that overrides the
     * three-argument {@code accept} is taken to want the record. Since SPI 1.3: a connector that
     * calls it needs a host on 1.3 or later.
     *
     * @since 1.3
     */
    default boolean wantsRecords() {
        return true;
    }

    /**
     * A sink that hands each event, with its location, to {@code events} and each rejection to
     * {@code rejections}, as they come, keeping nothing. The location is null when the normalizer
     * called {@link #accept(IdentityEvent)}. What the consumers throw reaches the normalizer's
     * caller unchanged. As thread-safe as the consumers; called from the normalizer's thread only.
     *
     * @param events     receives every event and its location (may be null); never null
     * @param rejections receives every rejection; never null
     * @return a new sink; never null
     * @throws NullPointerException when a consumer is null
     */
    /**
     * Receives an event, its location and its raw record, as {@link #accept(IdentityEvent, String,
     * String)} gives them; location and record may be null.
     *
     * @since 1.1
     */
    @FunctionalInterface
    interface RecordConsumer {
        void accept(IdentityEvent event, String location, String record);
    }

    /**
     * Like {@link #of(BiConsumer, Consumer)}, but {@code events} also receives the raw record
     * (null when the normalizer called a method without one).
     *
     * @param events     receives every event, its location and record; never null
     * @param rejections receives every rejection; never null
     * @return a new sink; never null
     * @since 1.1
     */
    static NormalizationSink withRecords(RecordConsumer events, Consumer<? super Rejection> rejections) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(rejections, "rejections");
        return new NormalizationSink() {
            @Override
            public void accept(IdentityEvent event) {
                events.accept(event, null, null);
            }

            @Override
            public void accept(IdentityEvent event, String location) {
                events.accept(event, location, null);
            }

            @Override
            public void accept(IdentityEvent event, String location, String record) {
                events.accept(event, location, record);
            }

            @Override
            public void reject(Rejection rejection) {
                rejections.accept(rejection);
            }
        };
    }

    static NormalizationSink of(BiConsumer<? super IdentityEvent, ? super String> events,
                                Consumer<? super Rejection> rejections) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(rejections, "rejections");
        return new NormalizationSink() {
            @Override
            public void accept(IdentityEvent event) {
                events.accept(event, null);
            }

            @Override
            public void accept(IdentityEvent event, String location) {
                events.accept(event, location);
            }

            @Override
            public void reject(Rejection rejection) {
                rejections.accept(rejection);
            }

            @Override
            public boolean wantsRecords() {
                return false; // the raw record is dropped
            }
        };
    }
}

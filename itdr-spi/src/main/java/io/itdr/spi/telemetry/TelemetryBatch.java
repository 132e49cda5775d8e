package io.itdr.spi.telemetry;

import io.itdr.spi.event.IdentityEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One page of polled telemetry.
 *
 * <p>The contract that gives "no gap, no duplicate": when the host persists {@link #next()}
 * after handling {@link #events()}, polling again from it returns exactly the records after
 * the last one in this batch. A record appears in one batch only, as an event or as a rejection.
 *
 * @param events     normalized events in platform order; never null
 * @param rejections records that could not be normalized; never null
 * @param next       the cursor to persist and poll from next; never null
 * @param hasMore    true when the platform has more records available right now (poll again
 *                   without waiting)
 * @param records    the raw record of each event as one JSON object (see
 *                   {@link NormalizationSink#accept(IdentityEvent, String, String)}), index for
 *                   index with {@code events}; an entry is null where the connector has none;
 *                   never null (an empty list stands for no records at all)
 */
public record TelemetryBatch(List<IdentityEvent> events, List<Rejection> rejections, Cursor next, boolean hasMore,
                             List<String> records) {
    public TelemetryBatch {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        rejections = List.copyOf(Objects.requireNonNull(rejections, "rejections"));
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(records, "records");
        if (records.isEmpty()) {
            records = Collections.nCopies(events.size(), null);
        } else if (records.size() != events.size()) {
            throw new IllegalArgumentException("records has " + records.size() + " entries for " + events.size()
                    + " events: give one per event (null where there is none) or none");
        } else {
            records = Collections.unmodifiableList(new ArrayList<>(records));
        }
    }

    /** A batch without raw records. */
    public TelemetryBatch(List<IdentityEvent> events, List<Rejection> rejections, Cursor next, boolean hasMore) {
        this(events, rejections, next, hasMore, List.of());
    }

    /**
     * A batch of what a normalizer put into {@code sink}, with the records it gave.
     *
     * @since 1.1
     */
    public static TelemetryBatch of(CollectingSink sink, Cursor next, boolean hasMore) {
        return new TelemetryBatch(sink.events(), sink.rejections(), next, hasMore, sink.records());
    }

    /** The raw record of event {@code index}, or null when the connector gave none. */
    public String record(int index) {
        return records.get(index);
    }
}

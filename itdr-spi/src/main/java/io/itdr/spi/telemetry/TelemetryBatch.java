package io.itdr.spi.telemetry;

import io.itdr.spi.event.IdentityEvent;
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
 */
public record TelemetryBatch(List<IdentityEvent> events, List<Rejection> rejections, Cursor next, boolean hasMore) {
    public TelemetryBatch {
        events = List.copyOf(Objects.requireNonNull(events, "events"));
        rejections = List.copyOf(Objects.requireNonNull(rejections, "rejections"));
        Objects.requireNonNull(next, "next");
    }
}

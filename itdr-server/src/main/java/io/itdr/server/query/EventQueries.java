package io.itdr.server.query;

import java.time.Instant;
import java.util.List;

/** The accepted events, as people list them. Implementations are thread-safe. */
public interface EventQueries {

    /**
     * One stored event: the normalized JSON in {@code json} when the server keeps event bodies,
     * null when only the digest is kept; the platform's raw record in {@code record} when it was
     * asked for and is kept, else null.
     */
    record EventRow(long seq, String connectorId, String eventId, String identityKey, Instant occurredAt,
                    Instant receivedAt, String digest, String json, String record) {
    }

    /** Whether each event's JSON is kept ({@code itdr.events.retention=full}), which dry-runs need. */
    boolean keepsBodies();

    /** The latest stored events, newest first. */
    List<EventRow> latest(int limit, long offset);

    /** As {@link #latest(int, long)}; with {@code records}, each event's raw record too (what dry-runs give rule sets). */
    List<EventRow> latest(int limit, long offset, boolean records);
}

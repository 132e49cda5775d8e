package io.itdr.core.pipeline;

import io.itdr.spi.event.IdentityEvent;
import java.time.Instant;
import java.util.List;

/**
 * Where accepted events are kept, and how the {@link Intake} tells new events from those it
 * processed before (a connector's batch that comes again after a crash, a platform that delivers
 * twice). The server keeps them in its database; a replay, whose input is already de-duplicated
 * by its time order, keeps none ({@link #NONE}).
 *
 * <p>Implementations are thread-safe.
 */
public interface EventStore {

    /** Keeps nothing; every event is new. */
    EventStore NONE = new EventStore() {
        @Override
        public List<IdentityEvent> unseen(String connectorId, List<IdentityEvent> batch) {
            return batch;
        }

        @Override
        public List<IdentityEvent> append(String connectorId, List<IdentityEvent> events, Instant receivedAt) {
            return events;
        }
    };

    /** The events of {@code batch} not stored yet (nor repeated within the batch), in the order given. */
    List<IdentityEvent> unseen(String connectorId, List<IdentityEvent> batch);

    /**
     * Stores the events of one connector that are not stored yet, durably before returning.
     *
     * @return the events that were new, in the order given
     */
    List<IdentityEvent> append(String connectorId, List<IdentityEvent> events, Instant receivedAt);

    /**
     * As {@link #append(String, List, Instant)}, with each event's raw platform record (null where
     * there is none), for a store that keeps records beside their events (a policy dry-run over
     * stored events then gives rule sets the record they match). The default drops the records.
     *
     * @param records the raw record of an event of {@code events}, or null; never null itself
     */
    default List<IdentityEvent> append(String connectorId, List<IdentityEvent> events,
                                       java.util.function.Function<IdentityEvent, String> records, Instant receivedAt) {
        return append(connectorId, events, receivedAt);
    }
}

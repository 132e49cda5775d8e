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
}

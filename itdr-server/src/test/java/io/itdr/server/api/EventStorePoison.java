package io.itdr.server.api;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An H2 trigger on {@code events} that refuses to store the events whose id starts with
 * {@link #PREFIX} while {@link #refusing}: one event that fails while the database takes every other
 * write, for {@link IngestDeadLetterTest}. Public with a public constructor: H2 creates it by name.
 */
public final class EventStorePoison implements org.h2.api.Trigger {
    static final String PREFIX = "evt-dl-poison-";
    static volatile boolean refusing = true;

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLException {
        String eventId = String.valueOf(newRow[2]); // seq, connector_id, event_id, ...
        if (refusing && eventId.startsWith(PREFIX)) {
            throw new SQLException("test poison: the event store refuses " + eventId);
        }
    }
}

package io.itdr.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Each connector's telemetry cursor (table {@code connector_cursors}), saved after the batch it
 * follows has been processed, so a restart resumes where processing ended: no gap, and at most the
 * last batch again (the engine drops events it has seen). Thread-safe; one poller per connector.
 */
public final class JdbcCursorStore {
    private final DataSource dataSource;

    public JdbcCursorStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public Optional<String> load(String connectorId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT cursor_value FROM connector_cursors WHERE connector_id = ?")) {
            select.setString(1, connectorId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException("the cursor of connector " + connectorId + " cannot be read: " + e.getMessage(), e);
        }
    }

    public void save(String connectorId, String cursor, Instant now) {
        Objects.requireNonNull(cursor, "cursor");
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE connector_cursors SET cursor_value = ?, updated_at = ? WHERE connector_id = ?")) {
                update.setString(1, cursor);
                Sql.setInstant(update, 2, now);
                update.setString(3, connectorId);
                if (update.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO connector_cursors (connector_id, cursor_value, updated_at) VALUES (?, ?, ?)")) {
                insert.setString(1, connectorId);
                insert.setString(2, cursor);
                Sql.setInstant(insert, 3, now);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("the cursor of connector " + connectorId + " cannot be saved: " + e.getMessage(), e);
        }
    }
}

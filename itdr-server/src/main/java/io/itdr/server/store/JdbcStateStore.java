package io.itdr.server.store;

import io.itdr.core.state.StateStore;
import io.itdr.core.state.StateStoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import javax.sql.DataSource;

/**
 * The engine's restart-surviving state (table {@code engine_state}, migration V3) on H2 or
 * PostgreSQL: one row per entry, its JSON in {@code body}; {@code seq} orders a section by last
 * write. A write deletes and re-inserts its entries in one transaction. Thread-safe.
 */
public final class JdbcStateStore implements StateStore {
    private static final int FETCH = 500;

    private final DataSource dataSource;
    private final Clock clock;
    private final AtomicLong seq;

    public JdbcStateStore(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.seq = new AtomicLong(maxSeq());
    }

    @Override
    public void read(String section, BiConsumer<String, String> entry) {
        try {
            Sql.inTransaction(dataSource, connection -> { // a transaction lets PostgreSQL stream FETCH rows at a time
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT state_key, body FROM engine_state WHERE section = ? ORDER BY seq, state_key")) {
                    select.setFetchSize(FETCH);
                    select.setString(1, section);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            entry.accept(rows.getString(1), rows.getString(2));
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StateStoreException("the engine state (" + section + ") cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            Sql.inTransaction(dataSource, connection -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM engine_state WHERE section = ? AND state_key = ?");
                     PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO engine_state (section, state_key, seq, body, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                    boolean inserts = false;
                    for (Change change : changes) {
                        delete.setString(1, change.section());
                        delete.setString(2, change.key());
                        delete.addBatch();
                        if (change.body() != null) {
                            insert.setString(1, change.section());
                            insert.setString(2, change.key());
                            insert.setLong(3, seq.incrementAndGet());
                            insert.setString(4, change.body());
                            Sql.setInstant(insert, 5, clock.instant());
                            insert.addBatch();
                            inserts = true;
                        }
                    }
                    delete.executeBatch();
                    if (inserts) {
                        insert.executeBatch();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StateStoreException("the engine state cannot be written (" + changes.size() + " entries): " + e.getMessage(), e);
        }
    }

    /** Entries held in {@code section}. */
    public long size(String section) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM engine_state WHERE section = ?")) {
            count.setString(1, section);
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new StateStoreException("the engine state cannot be counted: " + e.getMessage(), e);
        }
    }

    private long maxSeq() {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM engine_state")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new StateStoreException("the engine state cannot be read: " + e.getMessage(), e);
        }
    }
}

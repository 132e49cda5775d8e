package io.itdr.server.intake;

import io.itdr.core.normalize.EventJson;
import io.itdr.core.pipeline.Origin;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.Migrations;
import io.itdr.server.store.Sql;
import io.itdr.server.store.StoreException;
import io.itdr.spi.event.IdentityEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Pushed events stored durably before they are processed (table {@code ingest_backlog}): the push
 * is acknowledged once its events are here, and the {@link IngestWorkers} take them out in order,
 * run them through the engine (which stores them in {@code events}) and only then delete them. So
 * an acknowledged event is, at every moment, in the backlog or in the event store or both, and a
 * SIGKILL at any point loses none.
 *
 * <p>Dedupe is exact: an event is added only when neither the backlog nor the event store holds its
 * (connector, event id). The backlog is looked at first: the worker stores an event before it
 * deletes its backlog row, so an event that left the backlog between the two looks is found in the
 * event store. Pushes of one connector add one at a time (a lock per connector), so two pushes of
 * the same event cannot both find it missing; the unique key backs that up.
 *
 * <p>Thread-safe.
 */
@Component
public class IngestBacklog {
    /** One waiting event, as pushed. */
    public record Entry(long seq, String connectorId, Origin origin, Instant receivedAt, IdentityEvent event, String record) {
    }

    /** What one {@link #add} stored. */
    public record Added(int accepted, int duplicates) {
    }

    private static final int IN_LIST = 500;

    private final DataSource dataSource;
    private final JdbcEventStore events;
    private final boolean h2;
    private final Map<String, ReentrantLock> adding = new ConcurrentHashMap<>();

    public IngestBacklog(DataSource dataSource, JdbcEventStore events) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.events = Objects.requireNonNull(events, "events");
        this.h2 = "h2".equals(Migrations.vendor(dataSource));
    }

    /**
     * Stores the events of {@code batch} that neither wait here nor were stored by the engine, in
     * one transaction, with the raw record of each (index for index, null where none; empty for
     * none). Committed when it returns (on H2 with {@code WRITE_DELAY=0} a killed process keeps
     * it); {@link #sync()} forces it to the disk.
     */
    public Added add(String connectorId, List<IdentityEvent> batch, List<String> records, Origin origin, Instant receivedAt) {
        if (!origin.pushed()) {
            throw new IllegalArgumentException("only pushed events wait in the ingest backlog");
        }
        if (!records.isEmpty() && records.size() != batch.size()) {
            throw new IllegalArgumentException(records.size() + " records for " + batch.size() + " events");
        }
        if (batch.isEmpty()) {
            return new Added(0, 0);
        }
        ReentrantLock lock = adding.computeIfAbsent(connectorId, id -> new ReentrantLock());
        lock.lock();
        try (Connection connection = dataSource.getConnection()) {
            Set<String> known = waiting(connection, connectorId, batch);
            List<IdentityEvent> candidates = new ArrayList<>(batch.size());
            List<String> candidateRecords = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                IdentityEvent event = batch.get(i);
                if (known.add(event.id())) {
                    candidates.add(event);
                    candidateRecords.add(records.isEmpty() ? null : records.get(i));
                }
            }
            Set<String> fresh = new HashSet<>();
            events.unseen(connectorId, candidates).forEach(event -> fresh.add(event.id()));
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            int accepted = 0;
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ingest_backlog "
                    + "(connector_id, event_id, pushed_by, received_at, body, raw_record) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < candidates.size(); i++) {
                    IdentityEvent event = candidates.get(i);
                    if (!fresh.contains(event.id())) {
                        continue;
                    }
                    insert.setString(1, connectorId);
                    insert.setString(2, event.id());
                    insert.setString(3, origin.by());
                    Sql.setInstant(insert, 4, receivedAt);
                    insert.setString(5, EventJson.write(event));
                    insert.setString(6, candidateRecords.get(i));
                    insert.addBatch();
                    accepted++;
                }
                if (accepted > 0) {
                    insert.executeBatch();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            return new Added(accepted, batch.size() - accepted);
        } catch (SQLException e) {
            throw new StoreException(batch.size() + " pushed events of connector " + connectorId + " cannot be stored: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forces what was committed to the disk: on H2 {@code CHECKPOINT SYNC} (one fsync for every
     * chunk of a push, the group commit of the push); PostgreSQL syncs each commit itself.
     */
    public void sync() {
        if (!h2) {
            return;
        }
        try (Connection connection = dataSource.getConnection(); Statement sync = connection.createStatement()) {
            sync.execute("CHECKPOINT SYNC");
        } catch (SQLException e) {
            throw new StoreException("the ingest backlog cannot be synced to disk: " + e.getMessage(), e);
        }
    }

    /**
     * The oldest {@code max} waiting events of one connector after {@code afterSeq}, oldest first.
     * The query walks the index {@code (connector_id, seq)} in its order and stops after {@code max}
     * rows (H2's plan says "index sorted" only when the ORDER BY names both columns): ordered by
     * seq alone, H2 read every waiting row of the connector and sorted them, once per batch
     * (quadratic in the backlog; seen with 200,000 waiting). Rows of one connector are committed in
     * sequence order (one adder per connector), so none appears behind {@code afterSeq} later.
     */
    public List<Entry> next(String connectorId, long afterSeq, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT seq, pushed_by, received_at, body, raw_record "
                     + "FROM ingest_backlog WHERE connector_id = ? AND seq > ? ORDER BY connector_id, seq LIMIT ?")) {
            select.setString(1, connectorId);
            select.setLong(2, afterSeq);
            select.setInt(3, max);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong("seq");
                    IdentityEvent event;
                    try {
                        event = EventJson.read(rows.getString("body"));
                    } catch (RuntimeException e) {
                        throw new StoreException("waiting event " + seq + " of connector " + connectorId + " cannot be read: " + e.getMessage(), e);
                    }
                    entries.add(new Entry(seq, connectorId, Origin.pushedBy(rows.getString("pushed_by")), Sql.instant(rows, "received_at"),
                            event, rows.getString("raw_record")));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new StoreException("the ingest backlog of connector " + connectorId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Deletes processed entries (after the engine stored their events). */
    public void remove(List<Entry> processed) {
        if (processed.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            for (int from = 0; from < processed.size(); from += IN_LIST) {
                List<Entry> slice = processed.subList(from, Math.min(processed.size(), from + IN_LIST));
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM ingest_backlog WHERE seq IN ("
                        + String.join(", ", Collections.nCopies(slice.size(), "?")) + ")")) {
                    for (int i = 0; i < slice.size(); i++) {
                        delete.setLong(i + 1, slice.get(i).seq());
                    }
                    delete.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("processed events cannot be taken out of the ingest backlog: " + e.getMessage(), e);
        }
    }

    /** Events waiting, of every connector. */
    public long size() {
        return count("SELECT COUNT(*) FROM ingest_backlog", null);
    }

    /** Events of one connector waiting. */
    public long size(String connectorId) {
        return count("SELECT COUNT(*) FROM ingest_backlog WHERE connector_id = ?", connectorId);
    }

    /** The connectors that have events waiting. */
    public List<String> connectors() {
        try (Connection connection = dataSource.getConnection(); Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT DISTINCT connector_id FROM ingest_backlog")) {
            List<String> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new StoreException("the ingest backlog cannot be read: " + e.getMessage(), e);
        }
    }

    private long count(String sql, String connectorId) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            if (connectorId != null) {
                select.setString(1, connectorId);
            }
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("the ingest backlog cannot be counted: " + e.getMessage(), e);
        }
    }

    /** The ids of {@code batch} waiting in the backlog. */
    private Set<String> waiting(Connection connection, String connectorId, List<IdentityEvent> batch) throws SQLException {
        Set<String> known = new HashSet<>();
        for (int from = 0; from < batch.size(); from += IN_LIST) {
            List<IdentityEvent> slice = batch.subList(from, Math.min(batch.size(), from + IN_LIST));
            // H2 looks row values up in the unique key, PostgreSQL the IN list (as JdbcEventStore asks)
            try (PreparedStatement select = connection.prepareStatement(h2
                    ? "SELECT event_id FROM ingest_backlog WHERE (connector_id, event_id) IN ("
                            + String.join(", ", Collections.nCopies(slice.size(), "(?, ?)")) + ")"
                    : "SELECT event_id FROM ingest_backlog WHERE connector_id = ? AND event_id IN ("
                            + String.join(", ", Collections.nCopies(slice.size(), "?")) + ")")) {
                int index = 1;
                if (!h2) {
                    select.setString(index++, connectorId);
                }
                for (IdentityEvent event : slice) {
                    if (h2) {
                        select.setString(index++, connectorId);
                    }
                    select.setString(index++, event.id());
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        known.add(rows.getString(1));
                    }
                }
            }
        }
        return known;
    }
}

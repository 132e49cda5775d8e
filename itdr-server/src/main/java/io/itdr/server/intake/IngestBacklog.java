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
import java.util.Optional;
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
 * <p>With a reorder window ({@code itdr.ingest.reorder-window}) polled events wait here too (the
 * poller moves its cursor once they are stored; {@link Origin#POLLED}, stored with an empty
 * {@code pushed_by}): the workers hold the events of the window while their rows stay here, so a
 * held event survives a crash and is offered to the window again on restart.
 *
 * <p>Dedupe is exact: an event is added only when neither the backlog nor the event store holds its
 * (connector, event id). The backlog is looked at first: the worker stores an event before it
 * deletes its backlog row, so an event that left the backlog between the two looks is found in the
 * event store. Pushes of one connector add one at a time (a lock per connector), so two pushes of
 * the same event cannot both find it missing; the unique key backs that up.
 *
 * <p>An event whose processing keeps failing (a poison event) is counted ({@link #failed}) and,
 * after {@code itdr.ingest.max-attempts}, moved to the dead letters (table
 * {@code ingest_dead_letters}, {@link #deadLetter}) with the reason, so the rest of its connector's
 * backlog proceeds; an operator re-queues ({@link #requeue}) or drops ({@link #drop}) it. The dedupe
 * looks at the dead letters too: a dead-lettered event pushed again is a duplicate.
 *
 * <p>Thread-safe.
 */
@Component
public class IngestBacklog {
    /**
     * One waiting event, as pushed; {@code attempts} is how often its processing failed so far.
     * {@code event} is null when the stored body cannot be read, and {@code unreadable} says why
     * (null otherwise): such an entry fails like a poison event and ends in the dead letters.
     */
    public record Entry(long seq, String connectorId, Origin origin, Instant receivedAt, IdentityEvent event, String record, int attempts,
                        String unreadable) {
    }

    /**
     * An event set aside after {@code attempts} failed processings: {@code seq} (its place in the
     * backlog then, its id here), who pushed it (empty for a polled event) and when, the failure that set it aside
     * ({@code reason}) and when, and its stored body (the normalized event's JSON).
     */
    public record DeadLetter(long seq, String connectorId, String eventId, String pushedBy, Instant receivedAt, int attempts, String reason,
                             Instant deadAt, String body) {
    }

    /** Events waiting and dead letters of one connector. */
    public record Counts(long waiting, long deadLetters) {
    }

    /** Longest reason kept with a dead letter (the column's size). */
    static final int REASON_LENGTH = 2000;

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
                    insert.setString(3, pushedBy(origin));
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

    /** The {@code pushed_by} column of {@code origin}: who pushed, or empty for polled events (the column is not null). */
    private static String pushedBy(Origin origin) {
        return origin.pushed() ? origin.by() : "";
    }

    private static Origin origin(String pushedBy) {
        return pushedBy == null || pushedBy.isEmpty() ? Origin.POLLED : Origin.pushedBy(pushedBy);
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
             PreparedStatement select = connection.prepareStatement("SELECT seq, pushed_by, received_at, body, raw_record, attempts "
                     + "FROM ingest_backlog WHERE connector_id = ? AND seq > ? ORDER BY connector_id, seq LIMIT ?")) {
            select.setString(1, connectorId);
            select.setLong(2, afterSeq);
            select.setInt(3, max);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong("seq");
                    IdentityEvent event = null;
                    String unreadable = null;
                    try {
                        event = EventJson.read(rows.getString("body"));
                    } catch (RuntimeException | StackOverflowError e) {
                        // one unreadable row must not stop the rest: it fails alone and ends in the dead letters
                        unreadable = "waiting event " + seq + " of connector " + connectorId + " cannot be read: " + e;
                    }
                    entries.add(new Entry(seq, connectorId, origin(rows.getString("pushed_by")), Sql.instant(rows, "received_at"),
                            event, rows.getString("raw_record"), rows.getInt("attempts"), unreadable));
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

    /**
     * Counts one more failed processing of the waiting event {@code seq}; a write, so it fails when
     * the database takes none (then the failure was the storage's, not the event's).
     *
     * @return the failures counted now; 0 when the row is no longer waiting
     */
    public int failed(long seq) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE ingest_backlog SET attempts = attempts + 1 WHERE seq = ?")) {
                update.setLong(1, seq);
                if (update.executeUpdate() == 0) {
                    return 0;
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT attempts FROM ingest_backlog WHERE seq = ?")) {
                select.setLong(1, seq);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? rows.getInt(1) : 0;
                }
            }
        } catch (SQLException e) {
            throw new StoreException("a failed processing of waiting event " + seq + " cannot be counted: " + e.getMessage(), e);
        }
    }

    /**
     * Moves the waiting event {@code seq} to the dead letters with {@code reason} (cut to
     * {@value #REASON_LENGTH} characters), in one transaction.
     *
     * @return false when it was no longer waiting (nothing moved)
     */
    public boolean deadLetter(long seq, String reason, Instant at) {
        String kept = reason == null || reason.isBlank() ? "(no reason given)" : reason;
        kept = kept.length() > REASON_LENGTH ? kept.substring(0, REASON_LENGTH - 1) + "…" : kept;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO ingest_dead_letters "
                    + "(seq, connector_id, event_id, pushed_by, received_at, body, raw_record, attempts, reason, dead_at) "
                    + "SELECT seq, connector_id, event_id, pushed_by, received_at, body, raw_record, attempts, CAST(? AS VARCHAR(2000)), "
                    + "CAST(? AS TIMESTAMP WITH TIME ZONE) FROM ingest_backlog WHERE seq = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM ingest_backlog WHERE seq = ?")) {
                insert.setString(1, kept);
                Sql.setInstant(insert, 2, at);
                insert.setLong(3, seq);
                int moved = insert.executeUpdate();
                delete.setLong(1, seq);
                delete.executeUpdate();
                connection.commit();
                return moved == 1;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("waiting event " + seq + " cannot be moved to the dead letters: " + e.getMessage(), e);
        }
    }

    /** The dead letters of one connector, oldest first: {@code limit} of them after skipping {@code offset}. */
    public List<DeadLetter> deadLetters(String connectorId, int limit, long offset) {
        return readDeadLetters(connectorId, "ORDER BY connector_id, seq LIMIT ? OFFSET ?", select -> {
            select.setInt(2, limit);
            select.setLong(3, offset);
        });
    }

    /** One dead letter of {@code connectorId}. */
    public Optional<DeadLetter> deadLetter(String connectorId, long seq) {
        return readDeadLetters(connectorId, "AND seq = ?", select -> select.setLong(2, seq)).stream().findFirst();
    }

    private interface Parameters {
        void set(PreparedStatement select) throws SQLException;
    }

    private List<DeadLetter> readDeadLetters(String connectorId, String rest, Parameters parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT seq, event_id, pushed_by, received_at, attempts, reason, dead_at, body "
                     + "FROM ingest_dead_letters WHERE connector_id = ? " + rest)) {
            select.setString(1, connectorId);
            parameters.set(select);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    letters.add(new DeadLetter(rows.getLong("seq"), connectorId, rows.getString("event_id"), rows.getString("pushed_by"),
                            Sql.instant(rows, "received_at"), rows.getInt("attempts"), rows.getString("reason"), Sql.instant(rows, "dead_at"),
                            rows.getString("body")));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw new StoreException("the dead letters of connector " + connectorId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the dead letter {@code seq} of {@code connectorId} back into the backlog, at its end (a
     * new seq, its failures counted from zero), in one transaction; the worker must be woken.
     *
     * @return its new seq; empty when there is no such dead letter
     */
    public Optional<Long> requeue(String connectorId, long seq) {
        ReentrantLock lock = adding.computeIfAbsent(connectorId, id -> new ReentrantLock());
        lock.lock(); // one adder per connector keeps its rows committed in seq order
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement find = connection.prepareStatement("SELECT event_id FROM ingest_dead_letters WHERE seq = ? AND connector_id = ?");
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO ingest_backlog "
                         + "(connector_id, event_id, pushed_by, received_at, body, raw_record) "
                         + "SELECT connector_id, event_id, pushed_by, received_at, body, raw_record FROM ingest_dead_letters WHERE seq = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM ingest_dead_letters WHERE seq = ?");
                 PreparedStatement placed = connection.prepareStatement("SELECT seq FROM ingest_backlog WHERE connector_id = ? AND event_id = ?")) {
                find.setLong(1, seq);
                find.setString(2, connectorId);
                String eventId;
                try (ResultSet rows = find.executeQuery()) {
                    if (!rows.next()) {
                        connection.rollback();
                        return Optional.empty();
                    }
                    eventId = rows.getString(1);
                }
                insert.setLong(1, seq);
                insert.executeUpdate();
                delete.setLong(1, seq);
                delete.executeUpdate();
                placed.setString(1, connectorId);
                placed.setString(2, eventId);
                long now;
                try (ResultSet rows = placed.executeQuery()) {
                    rows.next();
                    now = rows.getLong(1);
                }
                connection.commit();
                return Optional.of(now);
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("dead letter " + seq + " of connector " + connectorId + " cannot be re-queued: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes the dead letter {@code seq} of {@code connectorId}: the event is gone (pushed again,
     * it is taken as new).
     *
     * @return false when there was no such dead letter
     */
    public boolean drop(String connectorId, long seq) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM ingest_dead_letters WHERE seq = ? AND connector_id = ?")) {
            delete.setLong(1, seq);
            delete.setString(2, connectorId);
            return delete.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("dead letter " + seq + " of connector " + connectorId + " cannot be dropped: " + e.getMessage(), e);
        }
    }

    /** Events waiting and dead letters, per connector that has either (two grouped counts). */
    public Map<String, Counts> counts() {
        Map<String, long[]> both = new java.util.TreeMap<>();
        try (Connection connection = dataSource.getConnection(); Statement select = connection.createStatement()) {
            try (ResultSet rows = select.executeQuery("SELECT connector_id, COUNT(*) FROM ingest_backlog GROUP BY connector_id")) {
                while (rows.next()) {
                    both.computeIfAbsent(rows.getString(1), id -> new long[2])[0] = rows.getLong(2);
                }
            }
            try (ResultSet rows = select.executeQuery("SELECT connector_id, COUNT(*) FROM ingest_dead_letters GROUP BY connector_id")) {
                while (rows.next()) {
                    both.computeIfAbsent(rows.getString(1), id -> new long[2])[1] = rows.getLong(2);
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the ingest backlog cannot be counted: " + e.getMessage(), e);
        }
        Map<String, Counts> counts = new java.util.TreeMap<>();
        both.forEach((id, n) -> counts.put(id, new Counts(n[0], n[1])));
        return counts;
    }

    /** Events waiting, of every connector. */
    public long size() {
        return count("SELECT COUNT(*) FROM ingest_backlog", null);
    }

    /** Events of one connector waiting. */
    public long size(String connectorId) {
        return count("SELECT COUNT(*) FROM ingest_backlog WHERE connector_id = ?", connectorId);
    }

    /** Dead letters of one connector. */
    public long deadLetterCount(String connectorId) {
        return count("SELECT COUNT(*) FROM ingest_dead_letters WHERE connector_id = ?", connectorId);
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
            // after the backlog: a row the worker moves from there to the dead letters is found in one of them
            try (PreparedStatement select = connection.prepareStatement("SELECT event_id FROM ingest_dead_letters WHERE connector_id = ? "
                    + "AND event_id IN (" + String.join(", ", Collections.nCopies(slice.size(), "?")) + ")")) {
                int index = 1;
                select.setString(index++, connectorId);
                for (IdentityEvent event : slice) {
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

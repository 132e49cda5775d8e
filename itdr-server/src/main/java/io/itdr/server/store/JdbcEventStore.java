package io.itdr.server.store;

import io.itdr.core.pipeline.EventStore;
import io.itdr.server.query.EventQueries;

import io.itdr.core.normalize.EventJson;
import io.itdr.spi.event.IdentityEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Events accepted from connectors (table {@code events}), written in batches: one transaction and
 * one batched insert per call. With {@link Retention#DIGEST} only the SHA-256 of each event's
 * normalized JSON is kept (enough to prove what was seen), with {@link Retention#FULL} the JSON
 * too, and the platform's raw record when the event came with one, deflate-compressed ({@link
 * RawRecords}): what policy dry-runs read, the record for rule sets. An event already stored under the same connector and event id
 * is skipped, so redelivered batches store nothing twice. Thread-safe.
 */
public final class JdbcEventStore implements EventStore, EventQueries {
    /** What is kept of each event. */
    public enum Retention { FULL, DIGEST }

    /** One event as stored. */
    public record StoredEvent(long seq, String connectorId, Instant receivedAt, String digest, IdentityEvent event) {
    }

    private static final java.util.function.Function<IdentityEvent, String> NO_RECORDS = event -> null;

    private static final int IN_LIST = 500;
    /** Rows per multi-row insert: 8 parameters each, far below either driver's limit of parameters per statement. */
    static final int ROWS_PER_INSERT = 250;

    private final DataSource dataSource;
    private final Retention retention;
    /** H2 (no {@code ON CONFLICT}): looks ids up as row values and inserts with {@code VALUES}; else PostgreSQL. */
    private final boolean rowValueLookup;

    public JdbcEventStore(DataSource dataSource, Retention retention) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.rowValueLookup = "h2".equals(Migrations.vendor(dataSource));
    }

    public Retention retention() {
        return retention;
    }

    @Override
    public boolean keepsBodies() {
        return retention == Retention.FULL;
    }

    /**
     * Stores the events of one connector that are not stored yet, in one transaction. PostgreSQL:
     * one statement for the whole call, its columns as arrays, skipping what the unique key {@code
     * (connector_id, event_id)} already holds ({@code ON CONFLICT DO NOTHING RETURNING}: exact under
     * concurrent writers, no separate duplicate query). H2, which has no such clause, looks the ids up
     * in that key first, in the same transaction, and inserts multi-row {@code VALUES} of up to
     * {@value #ROWS_PER_INSERT} rows.
     *
     * @return the events that were new (in the order given); the caller processes only these
     */
    @Override
    public List<IdentityEvent> append(String connectorId, List<IdentityEvent> events, Instant receivedAt) {
        return append(connectorId, events, NO_RECORDS, receivedAt);
    }

    /** As {@link #append(String, List, Instant)}, keeping each event's raw record (compressed) under {@link Retention#FULL}. */
    @Override
    public List<IdentityEvent> append(String connectorId, List<IdentityEvent> events,
                                      java.util.function.Function<IdentityEvent, String> records, Instant receivedAt) {
        Objects.requireNonNull(records, "records");
        if (events.isEmpty()) {
            return List.of();
        }
        try {
            List<IdentityEvent> stored = Sql.inTransaction(dataSource, connection -> {
                Set<String> known = rowValueLookup ? existingIds(connection, connectorId, events) : new HashSet<>();
                List<IdentityEvent> candidates = new ArrayList<>(events.size());
                for (IdentityEvent event : events) {
                    if (known.add(event.id())) { // not stored, and the first of its id in this batch
                        candidates.add(event);
                    }
                }
                Set<String> inserted = new HashSet<>();
                if (rowValueLookup) {
                    for (int from = 0; from < candidates.size(); from += ROWS_PER_INSERT) {
                        insert(connection, connectorId, candidates.subList(from, Math.min(candidates.size(), from + ROWS_PER_INSERT)),
                                records, receivedAt);
                    }
                } else if (!candidates.isEmpty()) {
                    insertArrays(connection, connectorId, candidates, records, receivedAt, inserted);
                }
                if (rowValueLookup) {
                    return candidates;
                }
                List<IdentityEvent> fresh = new ArrayList<>(inserted.size());
                for (IdentityEvent event : candidates) {
                    if (inserted.contains(event.id())) {
                        fresh.add(event);
                    }
                }
                return fresh;
            });
            if (rowValueLookup) {
                syncH2();
            }
            return stored;
        } catch (SQLException e) {
            throw new StoreException(events.size() + " events of connector " + connectorId + " cannot be stored: " + e.getMessage(), e);
        }
    }

    /**
     * H2 writes a commit to its file at once with {@code WRITE_DELAY=0} (the server's URL), which a
     * killed process does not lose, but leaves it in the operating system's cache, which a power
     * loss does; {@code CHECKPOINT SYNC} forces it, and every commit before it (ledger, cases), to
     * the disk: one fsync per stored batch, the only durable H2 mode (PLATFORM-FACTS, "Databases in
     * tests"). PostgreSQL syncs each commit itself.
     */
    private void syncH2() throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement sync = connection.createStatement()) {
            sync.execute("CHECKPOINT SYNC");
        }
    }

    /** H2: one multi-row insert (the rows were looked up in the unique key first, in the same transaction). */
    private void insert(Connection connection, String connectorId, List<IdentityEvent> rows,
                        java.util.function.Function<IdentityEvent, String> records, Instant receivedAt)
            throws SQLException {
        StringBuilder sql = new StringBuilder(100 + rows.size() * 27)
                .append("INSERT INTO events (connector_id, event_id, identity_key, occurred_at, received_at, digest, body, raw_record) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?, ?)");
        }
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (IdentityEvent event : rows) {
                String json = EventJson.write(event);
                insert.setString(index++, connectorId);
                insert.setString(index++, event.id());
                insert.setString(index++, event.identityKey());
                Sql.setInstant(insert, index++, event.time());
                Sql.setInstant(insert, index++, receivedAt);
                insert.setString(index++, sha256(json));
                insert.setString(index++, retention == Retention.FULL ? json : null);
                String record = retention == Retention.FULL ? records.apply(event) : null;
                if (record == null) {
                    insert.setNull(index++, java.sql.Types.VARBINARY);
                } else {
                    insert.setBytes(index++, RawRecords.compress(record));
                }
            }
            insert.executeUpdate();
        }
    }

    /**
     * PostgreSQL: all rows in one statement of eight parameters, each column of the rows one array
     * ({@code unnest}), inserted in the order given; the ids actually inserted are added to {@code
     * inserted}. Against the multi-row {@code VALUES} it replaces (eight parameters a row, 250 rows a
     * statement) it is one round trip and one parse a batch, and a statement pgjdbc can keep prepared.
     * Measured on the benchmark input's first 100,000 events (the store alone, a loaded machine):
     * PostgreSQL's CPU per inserted event 22 µs against 27-33 µs with {@code VALUES}; {@code COPY}
     * into a temporary table and an {@code INSERT ... SELECT} from it did no better (30-33 µs).
     */
    private void insertArrays(Connection connection, String connectorId, List<IdentityEvent> rows,
                              java.util.function.Function<IdentityEvent, String> records, Instant receivedAt, Set<String> inserted)
            throws SQLException {
        int n = rows.size();
        String[] ids = new String[n];
        String[] keys = new String[n];
        String[] times = new String[n];
        String[] digests = new String[n];
        String[] bodies = new String[n];
        byte[][] raws = new byte[n][];
        for (int i = 0; i < n; i++) {
            IdentityEvent event = rows.get(i);
            String json = EventJson.write(event);
            ids[i] = event.id();
            keys[i] = event.identityKey();
            times[i] = event.time().toString();
            digests[i] = sha256(json);
            bodies[i] = retention == Retention.FULL ? json : null;
            String record = retention == Retention.FULL ? records.apply(event) : null;
            raws[i] = record == null ? null : RawRecords.compress(record);
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO events (connector_id, event_id, identity_key, "
                + "occurred_at, received_at, digest, body, raw_record) SELECT ?, e.event_id, e.identity_key, e.occurred_at, ?, "
                + "e.digest, e.body, e.raw_record FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::text[], ?::text[], ?::bytea[]) "
                + "WITH ORDINALITY AS e(event_id, identity_key, occurred_at, digest, body, raw_record, ord) ORDER BY e.ord "
                + "ON CONFLICT (connector_id, event_id) DO NOTHING RETURNING event_id")) {
            insert.setString(1, connectorId);
            Sql.setInstant(insert, 2, receivedAt);
            insert.setArray(3, connection.createArrayOf("text", ids));
            insert.setArray(4, connection.createArrayOf("text", keys));
            insert.setArray(5, connection.createArrayOf("text", times));
            insert.setArray(6, connection.createArrayOf("text", digests));
            insert.setArray(7, connection.createArrayOf("text", bodies));
            insert.setArray(8, connection.createArrayOf("bytea", raws));
            try (ResultSet result = insert.executeQuery()) {
                while (result.next()) {
                    inserted.add(result.getString(1));
                }
            }
        }
    }

    /** The events of {@code batch} not stored yet (nor repeated within the batch), in the order given. */
    @Override
    public List<IdentityEvent> unseen(String connectorId, List<IdentityEvent> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection()) {
            Set<String> known = existingIds(connection, connectorId, batch);
            List<IdentityEvent> fresh = new ArrayList<>(batch.size());
            for (IdentityEvent event : batch) {
                if (known.add(event.id())) {
                    fresh.add(event);
                }
            }
            return fresh;
        } catch (SQLException e) {
            throw new StoreException("stored events of connector " + connectorId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Stored events with their bodies (only under {@link Retention#FULL}), oldest first from
     * {@code afterSeq}; what policy dry-runs replay.
     */
    public List<StoredEvent> read(long afterSeq, int max) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT seq, connector_id, received_at, digest, body "
                     + "FROM events WHERE seq > ? AND body IS NOT NULL ORDER BY seq LIMIT ?")) {
            select.setLong(1, afterSeq);
            select.setInt(2, max);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong("seq");
                    IdentityEvent event;
                    try {
                        event = EventJson.read(rows.getString("body"));
                    } catch (RuntimeException e) {
                        throw new StoreException("stored event " + seq + " cannot be read: " + e.getMessage(), e);
                    }
                    events.add(new StoredEvent(seq, rows.getString("connector_id"), Sql.instant(rows, "received_at"),
                            rows.getString("digest"), event));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new StoreException("stored events cannot be read: " + e.getMessage(), e);
        }
    }

    /** A page of stored events, newest first, with or without bodies (listing; dry-runs of the latest events). */
    @Override
    public List<EventRow> latest(int limit, long offset) {
        return latest(limit, offset, false);
    }

    /** As {@link #latest(int, long)}; with {@code records}, each row's raw record too (decompressed), null where none is kept. */
    @Override
    public List<EventRow> latest(int limit, long offset, boolean records) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT seq, connector_id, event_id, identity_key, occurred_at, "
                     + "received_at, digest, body" + (records ? ", raw_record" : "") + " FROM events ORDER BY seq DESC LIMIT ? OFFSET ?")) {
            select.setInt(1, limit);
            select.setLong(2, offset);
            List<EventRow> rows = new ArrayList<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new EventRow(result.getLong("seq"), result.getString("connector_id"), result.getString("event_id"),
                            result.getString("identity_key"), Sql.instant(result, "occurred_at"), Sql.instant(result, "received_at"),
                            result.getString("digest"), result.getString("body"),
                            records ? record(result.getLong("seq"), result.getBytes("raw_record")) : null));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("stored events cannot be listed: " + e.getMessage(), e);
        }
    }

    public long count() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM events");
             ResultSet rows = select.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("stored events cannot be counted: " + e.getMessage(), e);
        }
    }

    /** Deletes events received before {@code cutoff} (retention); returns how many. */
    public int deleteReceivedBefore(Instant cutoff) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM events WHERE received_at < ?")) {
            Sql.setInstant(delete, 1, cutoff);
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("expired events cannot be deleted: " + e.getMessage(), e);
        }
    }

    /**
     * The ids of {@code events} stored under the connector. PostgreSQL looks each id up in the unique
     * key {@code (connector_id, event_id)}: the ids go as one array, and each is probed on its own
     * ({@code LATERAL ... LIMIT 1}), a plan that does not depend on the table's statistics. Asked as
     * {@code connector_id = ? AND event_id IN (...)} (or {@code = ANY}), PostgreSQL planned it, on a
     * table not analyzed yet, as a scan of every stored id of the connector, filtered: quadratic in
     * the events stored (EXPLAIN ANALYZE after 100,000 events: 89.5 ms a batch of 1,000, against 4.7
     * ms probed). H2 looks row values {@code (connector_id, event_id) IN ((?, ?), ...)} up in the
     * unique key (its {@code IN} on the second column scans every stored row of the connector).
     */
    private Set<String> existingIds(Connection connection, String connectorId, List<IdentityEvent> events) throws SQLException {
        Set<String> known = new HashSet<>();
        if (!rowValueLookup) {
            String[] ids = new String[events.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = events.get(i).id();
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT u.id FROM unnest(?::text[]) AS u(id) CROSS JOIN LATERAL "
                    + "(SELECT 1 FROM events e WHERE e.connector_id = ? AND e.event_id = u.id LIMIT 1) AS stored")) {
                select.setArray(1, connection.createArrayOf("text", ids));
                select.setString(2, connectorId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        known.add(rows.getString(1));
                    }
                }
            }
            return known;
        }
        for (int from = 0; from < events.size(); from += IN_LIST) {
            List<IdentityEvent> slice = events.subList(from, Math.min(events.size(), from + IN_LIST));
            try (PreparedStatement select = connection.prepareStatement("SELECT event_id FROM events WHERE (connector_id, event_id) IN ("
                    + String.join(", ", Collections.nCopies(slice.size(), "(?, ?)")) + ")")) {
                int index = 1;
                for (IdentityEvent event : slice) {
                    select.setString(index++, connectorId);
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

    private static String record(long seq, byte[] compressed) {
        if (compressed == null) {
            return null;
        }
        try {
            return RawRecords.decompress(compressed);
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored event " + seq + ": its raw record cannot be read: " + e.getMessage(), e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

package io.itdr.server.store;

import io.itdr.server.query.LedgerQueries;

import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerException;
import io.itdr.core.audit.LedgerHead;
import io.itdr.core.audit.LedgerVerification;
import io.itdr.core.audit.LedgerVerifier;
import io.itdr.core.model.Stage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * The audit ledger in the database (table {@code ledger}), hash-chained exactly like the core's
 * ledgers ({@link LedgerEntry#chain}). An append commits before it returns, so with H2 opened
 * with {@code WRITE_DELAY=0} or with PostgreSQL a returned entry is on disk; if the commit fails the
 * caller gets a {@link LedgerException} and must not carry out what the entry records. Rows cannot
 * be updated, deleted or truncated: triggers refuse it (migrations {@code V1_1}; on H2, whose
 * triggers do not fire on TRUNCATE, a referencing guard table, {@code h2/V1_2}).
 *
 * <p>Thread-safe: appends are serialised in this process. Another process appending to the same
 * table (a second replica) makes this one's insert collide on the sequence number; the append then
 * re-reads the head and chains again, so the chain stays linear.
 */
public final class JdbcLedger implements Ledger, LedgerQueries {
    private static final String COLUMNS =
            "seq, time_utc, incident_id, stage, kind, actor, identity_key, evidence, result, prev_hash, hash";
    private static final int CHAIN_ATTEMPTS = 3;

    private final DataSource dataSource;
    private final Clock clock;
    /** The last entry as this process knows it; null when not read yet or possibly stale. */
    private LedgerEntry head;
    private boolean headLoaded;
    private final List<Consumer<LedgerEntry>> listeners = new CopyOnWriteArrayList<>();

    public JdbcLedger(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Called with each entry once it is committed (the activity log, notifications); must not block. */
    public void onAppended(Consumer<LedgerEntry> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void appended(List<LedgerEntry> entries) {
        for (LedgerEntry entry : entries) {
            for (Consumer<LedgerEntry> listener : listeners) {
                try {
                    listener.accept(entry);
                } catch (RuntimeException e) {
                    // the entry is committed: a listener's failure must not look like a failed append
                    LoggerFactory.getLogger(JdbcLedger.class).warn("ledger listener failed on entry {}: {}", entry.seq(), e.toString());
                }
            }
        }
    }

    @Override
    public LedgerEntry append(LedgerDraft draft) {
        Objects.requireNonNull(draft, "draft");
        return appendAll(List.of(draft)).get(0);
    }

    /**
     * Appends several entries in one transaction (one commit, batched inserts): all of them or, when
     * it throws, none.
     *
     * @throws LedgerException when the entries cannot be written
     */
    public synchronized List<LedgerEntry> appendAll(List<LedgerDraft> drafts) {
        if (drafts.isEmpty()) {
            return List.of();
        }
        SQLException last = null;
        for (int attempt = 1; attempt <= CHAIN_ATTEMPTS; attempt++) {
            try {
                List<LedgerEntry> entries = Sql.inTransaction(dataSource, connection -> insert(connection, drafts));
                head = entries.get(entries.size() - 1);
                headLoaded = true;
                appended(entries);
                return entries;
            } catch (SQLException e) {
                last = e;
                headLoaded = false; // another writer may have appended: chain again from the stored head
                if (!isUniqueViolation(e)) {
                    break;
                }
            }
        }
        throw new LedgerException("the ledger cannot be written (" + drafts.size() + " entries, first " + drafts.get(0).kind()
                + "): " + Objects.requireNonNull(last).getMessage(), last);
    }

    private List<LedgerEntry> insert(Connection connection, List<LedgerDraft> drafts) throws SQLException {
        LedgerEntry previous = headLoaded ? head : readLast(connection).orElse(null);
        List<LedgerEntry> entries = new ArrayList<>(drafts.size());
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO ledger (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (LedgerDraft draft : drafts) {
                LedgerEntry entry = LedgerEntry.chain(previous, draft, clock.instant());
                insert.setLong(1, entry.seq());
                Sql.setInstant(insert, 2, entry.time());
                insert.setString(3, entry.incidentId());
                insert.setString(4, entry.stage().name());
                insert.setString(5, entry.kind());
                insert.setString(6, entry.actor());
                insert.setString(7, entry.identityKey());
                insert.setString(8, StoreJson.write(entry.evidence()));
                insert.setString(9, entry.result());
                insert.setString(10, entry.prevHash());
                insert.setString(11, entry.hash());
                insert.addBatch();
                entries.add(entry);
                previous = entry;
            }
            insert.executeBatch();
        }
        return entries;
    }

    @Override
    public List<LedgerEntry> read(long fromSeq, int max) {
        if (fromSeq < 1) {
            throw new IllegalArgumentException("fromSeq starts at 1: " + fromSeq);
        }
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        if (max == 0) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM ledger WHERE seq >= ? ORDER BY seq LIMIT ?")) {
            select.setLong(1, fromSeq);
            select.setInt(2, max);
            List<LedgerEntry> entries = new ArrayList<>(Math.min(max, 1024));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new LedgerException("the ledger cannot be read from entry " + fromSeq + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size() {
        return last().map(LedgerEntry::seq).orElse(0L);
    }

    @Override
    public Optional<LedgerEntry> last() {
        try (Connection connection = dataSource.getConnection()) {
            return readLast(connection);
        } catch (SQLException e) {
            throw new LedgerException("the ledger's last entry cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The latest {@code max} entries about one identity, oldest first (an action's evidence is
     * among its identity's entries; the index {@code ledger_identity} serves this).
     */
    @Override
    public List<LedgerEntry> forIdentity(String identityKey, int max) {
        Objects.requireNonNull(identityKey, "identityKey");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM ledger WHERE identity_key = ? ORDER BY seq DESC LIMIT ?")) {
            select.setString(1, identityKey);
            select.setInt(2, max);
            List<LedgerEntry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(entry(rows));
                }
            }
            Collections.reverse(entries);
            return entries;
        } catch (SQLException e) {
            throw new LedgerException("the ledger entries of " + identityKey + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the whole stored chain, page by page (memory stays flat in the ledger's length): every
     * hash recomputed, every link to the previous entry, no gap in the sequence.
     */
    @Override
    public LedgerVerification verify() {
        return verify(null);
    }

    /** {@link #verify()}, and the chain must also reach {@code head} and match it there (null: no head). */
    @Override
    public LedgerVerification verify(LedgerHead head) {
        return LedgerVerifier.verify(() -> new PagedEntries(1000), head);
    }

    private Optional<LedgerEntry> readLast(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM ledger ORDER BY seq DESC LIMIT 1");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(entry(rows)) : Optional.empty();
        }
    }

    private static LedgerEntry entry(ResultSet rows) throws SQLException {
        long seq = rows.getLong("seq");
        String row = "ledger entry " + seq;
        return new LedgerEntry(seq, Sql.instant(rows, "time_utc"), rows.getString("incident_id"), stage(rows.getString("stage"), row),
                rows.getString("kind"), rows.getString("actor"), rows.getString("identity_key"),
                StoreJson.readTextMap(rows.getString("evidence"), row), rows.getString("result"),
                rows.getString("prev_hash"), rows.getString("hash"));
    }

    private static Stage stage(String name, String row) {
        try {
            return Stage.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StoreException(row + " has an unknown stage '" + name + "'");
        }
    }

    private static boolean isUniqueViolation(SQLException e) {
        // 23505: unique violation in both H2 and PostgreSQL
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** The stored entries in order, read a page at a time. */
    private final class PagedEntries implements Iterator<LedgerEntry> {
        private final int pageSize;
        private List<LedgerEntry> page = List.of();
        private int index;
        private long next = 1;
        private boolean exhausted;

        PagedEntries(int pageSize) {
            this.pageSize = pageSize;
        }

        @Override
        public boolean hasNext() {
            if (index < page.size()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            page = read(next, pageSize);
            index = 0;
            if (page.size() < pageSize) {
                exhausted = true;
            }
            if (!page.isEmpty()) {
                next = page.get(page.size() - 1).seq() + 1;
            }
            return !page.isEmpty();
        }

        @Override
        public LedgerEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return page.get(index++);
        }
    }
}

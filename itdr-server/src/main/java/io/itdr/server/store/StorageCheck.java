package io.itdr.server.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Whether the database can hold what the server must write (hardening issue, finding 5): checked
 * before it is opened and after its migrations, so an unusable store stops the start with a
 * message saying what is wrong instead of answering health UP and failing every write.
 *
 * <ul>
 *   <li>Before opening an H2 file database: a zero-byte file is refused (H2 would silently make
 *       a new empty database there, with a new bootstrap admin token, and the old ledger would be
 *       gone without a trace); a file or folder the process cannot write is refused.</li>
 *   <li>After migrating: a database that reports itself read-only is refused, and a write is
 *       tried (a row inserted and rolled back) so that any other reason writes fail shows now.</li>
 * </ul>
 * A file H2 finds corrupted fails while it is opened or migrated; {@link StorageUnusableException}
 * then names the database and the cause. Stateless.
 */
public final class StorageCheck {
    private StorageCheck() {
    }

    /**
     * Checks the file behind an H2 file URL ({@code jdbc:h2:file:./data/itdr;…} or {@code jdbc:h2:./data/itdr}) before it is
     * opened; other URLs (in-memory, server, PostgreSQL) pass.
     *
     * @throws StorageUnusableException naming the file and what to do
     */
    public static void beforeOpen(String url) {
        Optional<Path> file = h2File(url);
        if (file.isEmpty()) {
            return;
        }
        Path path = file.get();
        if (Files.exists(path)) {
            long size;
            try {
                size = Files.size(path);
            } catch (IOException e) {
                throw new StorageUnusableException("the database file " + path + " cannot be read: " + e.getMessage(), e);
            }
            if (size == 0) {
                throw new StorageUnusableException("the database file " + path + " is empty (0 bytes): it is not a database, and "
                        + "starting would silently create a new one without the ledger; restore it from a backup, or delete it to "
                        + "start a new database on purpose");
            }
            if (!Files.isWritable(path)) {
                throw new StorageUnusableException("the database file " + path + " is read-only for this process: every write "
                        + "(events, ledger, actions) would fail; make it writable or point spring.datasource.url elsewhere");
            }
        } else {
            Path folder = path.toAbsolutePath().getParent();
            if (folder != null && Files.exists(folder) && !Files.isWritable(folder)) {
                throw new StorageUnusableException("the database folder " + folder + " is read-only for this process: the "
                        + "database " + path.getFileName() + " cannot be created there");
            }
        }
    }

    /**
     * Proves the opened and migrated database takes writes.
     *
     * @throws StorageUnusableException when it is read-only or a trial write fails
     */
    public static void writable(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getMetaData().isReadOnly()) {
                throw new StorageUnusableException("the database " + describe(connection) + " is read-only: every write "
                        + "(events, ledger, actions) would fail");
            }
            probe(connection);
        } catch (SQLException e) {
            throw new StorageUnusableException("the database does not take writes: " + e.getMessage(), e);
        }
    }

    /** Inserts a row and rolls it back: nothing stays, and a database that cannot write says so here. */
    static void probe(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO connector_cursors (connector_id, cursor_value, updated_at) VALUES (?, ?, ?)")) {
            insert.setString(1, "#write-probe-" + UUID.randomUUID().toString().substring(0, 8));
            insert.setString(2, "");
            insert.setTimestamp(3, Timestamp.from(Instant.EPOCH));
            insert.executeUpdate();
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    private static String describe(Connection connection) throws SQLException {
        return connection.getMetaData().getURL();
    }

    /** The file of an H2 file database URL (H2 2.x keeps it as {@code <name>.mv.db}); empty for any other URL. */
    static Optional<Path> h2File(String url) {
        if (url == null || !url.toLowerCase(Locale.ROOT).startsWith("jdbc:h2:")) {
            return Optional.empty();
        }
        String rest = url.substring("jdbc:h2:".length());
        int options = rest.indexOf(';');
        String name = options < 0 ? rest : rest.substring(0, options);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:") || lower.startsWith("zip:")) {
            return Optional.empty();
        }
        if (lower.startsWith("file:")) {
            name = name.substring("file:".length());
        }
        if (name.isBlank()) {
            return Optional.empty();
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Optional.of(Path.of(name + ".mv.db"));
    }
}

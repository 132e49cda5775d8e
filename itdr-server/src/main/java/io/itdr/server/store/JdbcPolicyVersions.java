package io.itdr.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The policies activated at run time (table {@code policy_versions}): appended, never changed, so
 * the newest is the one a restart starts with and the rest are its history. Thread-safe; version
 * numbers are assigned in one transaction (two servers activating at once: one fails on the key).
 */
public final class JdbcPolicyVersions {
    /**
     * One activated version.
     *
     * @param version        1, 2, 3… in activation order
     * @param sha256         hex SHA-256 of the policy's UTF-8 bytes
     * @param name           the policy's name
     * @param policyVersion  the policy's own version label
     * @param body           the policy text (YAML); empty in history listings
     * @param activatedBy    the ledger actor who activated it
     * @param activatedAt    when
     * @param reason         why, in their words
     * @param previousSha256 the hash of the policy it replaced; null when unknown
     */
    public record StoredVersion(long version, String sha256, String name, String policyVersion, String body, String activatedBy,
                                Instant activatedAt, String reason, String previousSha256) {
        public StoredVersion {
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(activatedBy, "activatedBy");
            Objects.requireNonNull(activatedAt, "activatedAt");
            Objects.requireNonNull(reason, "reason");
        }
    }

    private static final String COLUMNS = "version, sha256, name, policy_version, activated_by, activated_at, reason, previous_sha256";

    private final DataSource dataSource;

    public JdbcPolicyVersions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The newest version with its text; empty when no policy was ever activated at run time. */
    public Optional<StoredVersion> latest() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + ", body FROM policy_versions "
                     + "ORDER BY version DESC FETCH FIRST 1 ROWS ONLY");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(read(rows, rows.getString("body"))) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("the activated policy cannot be read: " + e.getMessage(), e);
        }
    }

    /** The newest {@code limit} versions, newest first, without their text. */
    public List<StoredVersion> history(int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM policy_versions "
                     + "ORDER BY version DESC FETCH FIRST ? ROWS ONLY")) {
            select.setInt(1, limit);
            List<StoredVersion> out = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    out.add(read(rows, ""));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("the policy history cannot be read: " + e.getMessage(), e);
        }
    }

    /** Appends a version numbered one above the newest; returns it as stored. */
    public StoredVersion append(String sha256, String name, String policyVersion, String body, String activatedBy, Instant activatedAt,
                                String reason, String previousSha256) {
        try {
            return Sql.inTransaction(dataSource, connection -> {
                long next;
                try (PreparedStatement max = connection.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM policy_versions");
                     ResultSet rows = max.executeQuery()) {
                    rows.next();
                    next = rows.getLong(1) + 1;
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO policy_versions (" + COLUMNS
                        + ", body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setLong(1, next);
                    insert.setString(2, sha256);
                    insert.setString(3, name);
                    insert.setString(4, policyVersion);
                    insert.setString(5, activatedBy);
                    Sql.setInstant(insert, 6, activatedAt);
                    insert.setString(7, reason);
                    insert.setString(8, previousSha256);
                    insert.setString(9, body);
                    insert.executeUpdate();
                }
                return new StoredVersion(next, sha256, name, policyVersion, body, activatedBy, activatedAt, reason, previousSha256);
            });
        } catch (SQLException e) {
            throw new StoreException("the activated policy cannot be stored: " + e.getMessage(), e);
        }
    }

    private static StoredVersion read(ResultSet rows, String body) throws SQLException {
        return new StoredVersion(rows.getLong("version"), rows.getString("sha256"), rows.getString("name"), rows.getString("policy_version"),
                body, rows.getString("activated_by"), Sql.instant(rows, "activated_at"), rows.getString("reason"),
                rows.getString("previous_sha256"));
    }
}

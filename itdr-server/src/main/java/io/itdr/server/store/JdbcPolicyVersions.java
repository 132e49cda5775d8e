package io.itdr.server.store;

import io.itdr.server.query.PolicyVersionQueries;
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
public final class JdbcPolicyVersions implements PolicyVersionQueries {
    private static final String COLUMNS = "version, sha256, name, policy_version, activated_by, activated_at, reason, previous_sha256";

    private final DataSource dataSource;

    public JdbcPolicyVersions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public Optional<PolicyVersion> latest() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + ", body FROM policy_versions "
                     + "ORDER BY version DESC FETCH FIRST 1 ROWS ONLY");
             ResultSet rows = select.executeQuery()) {
            return rows.next() ? Optional.of(read(rows, rows.getString("body"))) : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("the activated policy cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public List<PolicyVersion> history(int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM policy_versions "
                     + "ORDER BY version DESC FETCH FIRST ? ROWS ONLY")) {
            select.setInt(1, limit);
            List<PolicyVersion> out = new ArrayList<>();
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
    public PolicyVersion append(String sha256, String name, String policyVersion, String body, String activatedBy, Instant activatedAt,
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
                return new PolicyVersion(next, sha256, name, policyVersion, body, activatedBy, activatedAt, reason, previousSha256);
            });
        } catch (SQLException e) {
            throw new StoreException("the activated policy cannot be stored: " + e.getMessage(), e);
        }
    }

    private static PolicyVersion read(ResultSet rows, String body) throws SQLException {
        return new PolicyVersion(rows.getLong("version"), rows.getString("sha256"), rows.getString("name"), rows.getString("policy_version"),
                body, rows.getString("activated_by"), Sql.instant(rows, "activated_at"), rows.getString("reason"),
                rows.getString("previous_sha256"));
    }
}

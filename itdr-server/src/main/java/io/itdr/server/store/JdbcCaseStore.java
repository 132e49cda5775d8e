package io.itdr.server.store;

import io.itdr.core.pipeline.CaseStore;
import io.itdr.server.query.CaseQueries;

import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * What detection and decision produced, grouped into incidents (tables {@code incidents},
 * {@code findings}, {@code decisions}). The incidents are the core's, formed before deciding
 * ({@link Decision#incidentId()}, the policy's {@code incidents.window}); only a decision without one
 * is grouped here, by the server's own window: a finding joins the identity's open incident when
 * that incident saw a finding within the grouping window before this one, otherwise it opens a new
 * incident. Thread-safe; findings of
 * one identity are recorded in order (the engine processes one identity's events in order).
 */
public final class JdbcCaseStore implements CaseStore, CaseQueries {
    private final DataSource dataSource;
    private final Duration groupingWindow;

    public JdbcCaseStore(DataSource dataSource, Duration groupingWindow) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.groupingWindow = Objects.requireNonNull(groupingWindow, "groupingWindow");
    }

    /**
     * Stores a finding and the decision taken on it, in one transaction, and files the finding
     * under an incident. Recording the same finding again changes nothing.
     *
     * @return the id of the incident the finding belongs to
     */
    @Override
    public void record(Finding finding, Decision decision, Instant now) {
        file(finding, decision, now);
    }

    /**
     * As {@link #record}, saying where the finding was filed.
     *
     * @return the id of the incident the finding belongs to
     */
    public String file(Finding finding, Decision decision, Instant now) {
        try {
            return Sql.inTransaction(dataSource, connection -> {
                Optional<String> known = incidentOf(connection, finding.id());
                if (known.isPresent()) {
                    return known.get();
                }
                String incidentId = decision.incidentId() != null ? fileUnderCoreIncident(connection, finding, decision.incidentId())
                        : fileUnderIncident(connection, finding);
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO findings (id, incident_id, identity_key, "
                        + "platform, detector, confidence, occurred_at, created_at, summary, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, finding.id());
                    insert.setString(2, incidentId);
                    insert.setString(3, finding.identityKey());
                    insert.setString(4, finding.platform());
                    insert.setString(5, finding.detector());
                    insert.setDouble(6, finding.confidence());
                    Sql.setInstant(insert, 7, finding.time());
                    Sql.setInstant(insert, 8, now);
                    insert.setString(9, finding.summary());
                    insert.setString(10, StoreJson.write(finding));
                    insert.executeUpdate();
                }
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO decisions (id, finding_id, identity_key, "
                        + "rule_id, intended_rung, rung, hold, mode, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, decision.id());
                    insert.setString(2, finding.id());
                    insert.setString(3, decision.identityKey());
                    insert.setString(4, decision.ruleId());
                    insert.setString(5, decision.intendedRung().policyName());
                    insert.setString(6, decision.rung().policyName());
                    insert.setBoolean(7, decision.hold());
                    insert.setString(8, decision.mode().policyName());
                    Sql.setInstant(insert, 9, now);
                    insert.setString(10, StoreJson.write(decision));
                    insert.executeUpdate();
                }
                return incidentId;
            });
        } catch (SQLException e) {
            throw new StoreException("finding " + finding.id() + " cannot be stored: " + e.getMessage(), e);
        }
    }

    /** Files the finding under the incident the core formed before deciding (created on its first finding). */
    private static String fileUnderCoreIncident(Connection connection, Finding finding, String incidentId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE incidents SET finding_count = finding_count + 1, "
                + "updated_at = CASE WHEN updated_at < ? THEN ? ELSE updated_at END WHERE id = ?")) {
            Sql.setInstant(update, 1, finding.time());
            Sql.setInstant(update, 2, finding.time());
            update.setString(3, incidentId);
            if (update.executeUpdate() == 1) {
                return incidentId;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO incidents (id, identity_key, platform, status, "
                + "opened_at, updated_at, finding_count, summary) VALUES (?, ?, ?, 'open', ?, ?, 1, ?)")) {
            insert.setString(1, incidentId);
            insert.setString(2, finding.identityKey());
            insert.setString(3, finding.platform());
            Sql.setInstant(insert, 4, finding.time());
            Sql.setInstant(insert, 5, finding.time());
            insert.setString(6, finding.summary());
            insert.executeUpdate();
        }
        return incidentId;
    }

    /** Groups a finding the core filed under no incident (decisions stored before incidents were formed in the core). */
    private String fileUnderIncident(Connection connection, Finding finding) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, finding_count, updated_at FROM incidents "
                + "WHERE identity_key = ? AND status = 'open' ORDER BY updated_at DESC LIMIT 1")) {
            select.setString(1, finding.identityKey());
            try (ResultSet rows = select.executeQuery()) {
                if (rows.next() && !Sql.instant(rows, "updated_at").plus(groupingWindow).isBefore(finding.time())) {
                    String id = rows.getString("id");
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE incidents SET finding_count = finding_count + 1, updated_at = ? WHERE id = ?")) {
                        Sql.setInstant(update, 1, finding.time());
                        update.setString(2, id);
                        update.executeUpdate();
                    }
                    return id;
                }
            }
        }
        String id = "inc-" + JdbcEventStore.sha256(finding.id()).substring(0, 16);
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO incidents (id, identity_key, platform, status, "
                + "opened_at, updated_at, finding_count, summary) VALUES (?, ?, ?, 'open', ?, ?, 1, ?)")) {
            insert.setString(1, id);
            insert.setString(2, finding.identityKey());
            insert.setString(3, finding.platform());
            Sql.setInstant(insert, 4, finding.time());
            Sql.setInstant(insert, 5, finding.time());
            insert.setString(6, finding.summary());
            insert.executeUpdate();
        }
        return id;
    }

    private static Optional<String> incidentOf(Connection connection, String findingId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT incident_id FROM findings WHERE id = ?")) {
            select.setString(1, findingId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** Findings newest first; {@code incidentId} filters when not null. */
    @Override
    public List<Finding> findings(String incidentId, int limit, long offset) {
        return incidentId == null
                ? bodies("SELECT id, body FROM findings ORDER BY created_at DESC, id LIMIT ? OFFSET ?", Finding.class, limit, offset)
                : bodies("SELECT id, body FROM findings WHERE incident_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
                        Finding.class, incidentId, limit, offset);
    }

    @Override
    public Optional<Finding> finding(String id) {
        return bodies("SELECT id, body FROM findings WHERE id = ?", Finding.class, id).stream().findFirst();
    }

    /** Decisions newest first; {@code findingId} filters when not null. */
    @Override
    public List<Decision> decisions(String findingId, int limit, long offset) {
        return findingId == null
                ? bodies("SELECT id, body FROM decisions ORDER BY created_at DESC, id LIMIT ? OFFSET ?", Decision.class, limit, offset)
                : bodies("SELECT id, body FROM decisions WHERE finding_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
                        Decision.class, findingId, limit, offset);
    }

    @Override
    public Optional<Decision> decision(String id) {
        return bodies("SELECT id, body FROM decisions WHERE id = ?", Decision.class, id).stream().findFirst();
    }

    @Override
    public List<Incident> incidents(int limit, long offset) {
        return incidentRows("SELECT * FROM incidents ORDER BY updated_at DESC, id LIMIT ? OFFSET ?", limit, offset);
    }

    @Override
    public Optional<Incident> incident(String id) {
        return incidentRows("SELECT * FROM incidents WHERE id = ?", id).stream().findFirst();
    }

    /** Findings per detector, for metrics. */
    public Map<String, Long> findingsByDetector() {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT detector, COUNT(*) AS n FROM findings GROUP BY detector");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString("detector"), rows.getLong("n"));
            }
            return counts;
        } catch (SQLException e) {
            throw new StoreException("findings cannot be counted: " + e.getMessage(), e);
        }
    }

    private <T> List<T> bodies(String sql, Class<T> type, Object... arguments) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, arguments);
            List<T> values = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    values.add(StoreJson.read(rows.getString("body"), type, type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + rows.getString("id")));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new StoreException(type.getSimpleName() + "s cannot be read: " + e.getMessage(), e);
        }
    }

    private List<Incident> incidentRows(String sql, Object... arguments) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, arguments);
            List<Incident> incidents = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    incidents.add(new Incident(rows.getString("id"), rows.getString("identity_key"), rows.getString("platform"),
                            rows.getString("status"), Sql.instant(rows, "opened_at"), Sql.instant(rows, "updated_at"),
                            rows.getInt("finding_count"), rows.getString("summary")));
                }
            }
            return incidents;
        } catch (SQLException e) {
            throw new StoreException("incidents cannot be read: " + e.getMessage(), e);
        }
    }

    static void bind(PreparedStatement statement, Object... arguments) throws SQLException {
        for (int i = 0; i < arguments.length; i++) {
            statement.setObject(i + 1, arguments[i]);
        }
    }
}

package io.itdr.server.store;

import io.itdr.server.query.ActionQueries;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.ActionStore;
import io.itdr.core.act.StaleActionException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Action records in the database (table {@code actions}): the whole record as JSON in {@code body},
 * the fields people filter on in columns beside it. Every write commits before it returns, so an
 * intent is stored before the connector is called (DESIGN §6). Updates check the version in the
 * same statement ({@code WHERE version = ?}), so two writers, in this process or in two replicas,
 * can never both move one action. Thread-safe.
 */
public final class JdbcActionStore implements ActionStore, ActionQueries {
    private final DataSource dataSource;

    public JdbcActionStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public void insert(ActionRecord record) {
        Objects.requireNonNull(record, "record");
        if (record.version() != 1) {
            throw new IllegalArgumentException("a new action starts at version 1, not " + record.version() + ": " + record.id());
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO actions (id, version, state, decision_id, "
                     + "identity_key, platform, requester, approver, approval_expires_at, created_at, updated_at, body) "
                     + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, record.id());
            insert.setLong(2, record.version());
            insert.setString(3, record.state().label());
            insert.setString(4, record.decisionId());
            insert.setString(5, record.identityKey());
            insert.setString(6, record.platform());
            insert.setString(7, record.requester());
            insert.setString(8, record.approver());
            Sql.setInstant(insert, 9, record.approvalExpiresAt());
            Sql.setInstant(insert, 10, record.createdAt());
            Sql.setInstant(insert, 11, record.updatedAt());
            insert.setString(12, StoreJson.write(record));
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new IllegalStateException("action " + record.id() + " already exists", e);
            }
            throw new StoreException("action " + record.id() + " cannot be stored: " + e.getMessage(), e);
        }
    }

    @Override
    public void update(ActionRecord next) {
        Objects.requireNonNull(next, "next");
        int changed;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE actions SET version = ?, state = ?, approver = ?, "
                     + "approval_expires_at = ?, updated_at = ?, body = ? WHERE id = ? AND version = ?")) {
            update.setLong(1, next.version());
            update.setString(2, next.state().label());
            update.setString(3, next.approver());
            Sql.setInstant(update, 4, next.approvalExpiresAt());
            Sql.setInstant(update, 5, next.updatedAt());
            update.setString(6, StoreJson.write(next));
            update.setString(7, next.id());
            update.setLong(8, next.version() - 1);
            changed = update.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("action " + next.id() + " cannot be updated: " + e.getMessage(), e);
        }
        if (changed == 0) {
            ActionRecord stored = find(next.id())
                    .orElseThrow(() -> new IllegalStateException("no action " + next.id() + " to update"));
            throw new StaleActionException("action " + next.id() + " is at version " + stored.version() + " ("
                    + stored.state().label() + "), not " + (next.version() - 1) + " as the update assumed");
        }
    }

    @Override
    public Optional<ActionRecord> find(String actionId) {
        List<ActionRecord> found = select("SELECT id, body FROM actions WHERE id = ?", List.of(actionId));
        return found.stream().findFirst();
    }

    @Override
    public List<ActionRecord> inStates(Set<ActionState> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        String marks = states.stream().map(s -> "?").collect(Collectors.joining(", "));
        return select("SELECT id, body FROM actions WHERE state IN (" + marks + ") ORDER BY created_at, id",
                states.stream().map(ActionState::label).sorted().map(Object.class::cast).toList());
    }

    /** Records an approval or rejection with its reason (the ledger has it too; this is for queries). */
    public void recordVerdict(Verdict verdict) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO approvals (action_id, verdict, actor, reason, decided_at) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, verdict.actionId());
            insert.setString(2, verdict.verdict());
            insert.setString(3, verdict.actor());
            insert.setString(4, verdict.reason());
            Sql.setInstant(insert, 5, verdict.decidedAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("the verdict on action " + verdict.actionId() + " cannot be stored: " + e.getMessage(), e);
        }
    }

    /** The verdicts on one action, oldest first. */
    @Override
    public List<Verdict> verdicts(String actionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT action_id, verdict, actor, reason, decided_at FROM approvals WHERE action_id = ? ORDER BY id")) {
            select.setString(1, actionId);
            List<Verdict> verdicts = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    verdicts.add(new Verdict(rows.getString("action_id"), rows.getString("verdict"), rows.getString("actor"),
                            rows.getString("reason"), Sql.instant(rows, "decided_at")));
                }
            }
            return verdicts;
        } catch (SQLException e) {
            throw new StoreException("the verdicts on action " + actionId + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A page of actions, newest first; {@code state} and {@code identityKey} filter when not null.
     */
    @Override
    public List<ActionRecord> page(ActionState state, String identityKey, int limit, long offset) {
        StringBuilder sql = new StringBuilder("SELECT id, body FROM actions WHERE 1 = 1");
        List<Object> arguments = new ArrayList<>();
        if (state != null) {
            sql.append(" AND state = ?");
            arguments.add(state.label());
        }
        if (identityKey != null) {
            sql.append(" AND identity_key = ?");
            arguments.add(identityKey);
        }
        sql.append(" ORDER BY created_at DESC, id LIMIT ? OFFSET ?");
        arguments.add(limit);
        arguments.add(offset);
        return select(sql.toString(), arguments);
    }

    /** How many actions are in each state (for metrics); states with none are absent. */
    @Override
    public Map<ActionState, Long> countByState() {
        Map<ActionState, Long> counts = new EnumMap<>(ActionState.class);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT state, COUNT(*) AS n FROM actions GROUP BY state");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                String label = rows.getString("state");
                for (ActionState state : ActionState.values()) {
                    if (state.label().equals(label)) {
                        counts.put(state, rows.getLong("n"));
                    }
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new StoreException("actions cannot be counted: " + e.getMessage(), e);
        }
    }

    private List<ActionRecord> select(String sql, List<?> arguments) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < arguments.size(); i++) {
                select.setObject(i + 1, arguments.get(i));
            }
            List<ActionRecord> records = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    records.add(StoreJson.read(rows.getString("body"), ActionRecord.class, "action " + rows.getString("id")));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new StoreException("actions cannot be read: " + e.getMessage(), e);
        }
    }
}

package io.itdr.server.store;

import io.itdr.core.act.KillSwitch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** The kill switch's last state (table {@code automation}, one row), so it survives a restart. Thread-safe. */
public final class JdbcAutomationStore {
    private final DataSource dataSource;

    public JdbcAutomationStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public Optional<KillSwitch.State> load() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT engaged, actor, reason, since FROM automation WHERE id = 1");
             ResultSet rows = select.executeQuery()) {
            return rows.next()
                    ? Optional.of(new KillSwitch.State(rows.getBoolean("engaged"), rows.getString("actor"), rows.getString("reason"),
                    Sql.instant(rows, "since")))
                    : Optional.empty();
        } catch (SQLException e) {
            throw new StoreException("the kill switch state cannot be read: " + e.getMessage(), e);
        }
    }

    public void save(KillSwitch.State state) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE automation SET engaged = ?, actor = ?, reason = ?, since = ? WHERE id = 1")) {
                bind(update, state);
                if (update.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO automation (engaged, actor, reason, since, id) VALUES (?, ?, ?, ?, 1)")) {
                bind(insert, state);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("the kill switch state cannot be saved: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement statement, KillSwitch.State state) throws SQLException {
        statement.setBoolean(1, state.engaged());
        statement.setString(2, state.actor());
        statement.setString(3, state.reason());
        Sql.setInstant(statement, 4, state.since());
    }
}

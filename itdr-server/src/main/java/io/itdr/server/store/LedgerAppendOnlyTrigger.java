package io.itdr.server.store;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * H2's half of the ledger's append-only rule (migration {@code h2/V1_1}): refuses every UPDATE and
 * DELETE of a ledger row, whoever issues it. PostgreSQL has the same rule as a PL/pgSQL trigger.
 */
public final class LedgerAppendOnlyTrigger implements Trigger {
    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        String operation = newRow == null ? "DELETE" : "UPDATE";
        throw new SQLException("the ledger is append-only: " + operation + " of entry " + oldRow[0] + " refused", "42501");
    }
}

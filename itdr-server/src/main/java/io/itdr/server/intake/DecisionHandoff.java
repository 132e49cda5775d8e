package io.itdr.server.intake;

import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.Sql;
import io.itdr.server.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Closes the window between filing a decision and handing it to the action coordinator (fault row
 * 1): the engine stores the event, finding and decision before it plans any action, so a process
 * killed in between left a decision without its action, and the stored event made every
 * redelivery a duplicate: the containment was lost. Each decision is marked handled ({@code
 * decisions.handled_at}) once the coordinator returned for it ({@link #handled}); at start-up,
 * after the housekeeping settled what was left executing, every decision filed before the start and
 * never marked is handed to the coordinator again ({@link #sweep}): it plans the action (or holds
 * it, as the policy says), and an action that exists is returned as it is, never carried out twice
 * (action ids are deterministic). A hand-off that fails (the ledger down) stays unmarked and is
 * tried at the next start.
 *
 * <p>Thread-safe.
 */
@Component
public class DecisionHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionHandoff.class);

    private final DataSource dataSource;
    private final JdbcCaseStore cases;
    private final ResponseEngine engine;
    private final Clock clock;

    public DecisionHandoff(DataSource dataSource, JdbcCaseStore cases, ResponseEngine engine, Clock clock) {
        this.dataSource = dataSource;
        this.cases = cases;
        this.engine = engine;
        this.clock = clock;
    }

    /** The coordinator returned for {@code decisionId}: whatever it planned (or did not) is stored or ledgered. */
    public void handled(String decisionId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE decisions SET handled_at = ? WHERE id = ? AND handled_at IS NULL")) {
            Sql.setInstant(update, 1, clock.instant());
            update.setString(2, decisionId);
            update.executeUpdate();
        } catch (SQLException e) {
            // unmarked, the decision is handed over once more at the next start: harmless, its action exists
            throw new StoreException("decision " + decisionId + " cannot be marked handled: " + e.getMessage(), e);
        }
    }

    /**
     * Hands every decision filed before now and never marked handled to the coordinator again;
     * returns how many. Runs at start-up after the housekeeping (order 0) and before the ingest
     * workers (order 2); public for tests.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(1)
    public int sweep() {
        Instant start = clock.instant();
        List<String[]> unhandled = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, finding_id FROM decisions WHERE handled_at IS NULL "
                     + "AND created_at < ? ORDER BY created_at, id")) {
            Sql.setInstant(select, 1, start);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    unhandled.add(new String[] {rows.getString(1), rows.getString(2)});
                }
            }
        } catch (SQLException e) {
            throw new StoreException("decisions not handed to the coordinator cannot be read: " + e.getMessage(), e);
        }
        int handed = 0;
        for (String[] row : unhandled) {
            Optional<Decision> decision = cases.decision(row[0]);
            Optional<Finding> finding = cases.finding(row[1]);
            if (decision.isEmpty() || finding.isEmpty()) {
                LOG.error("decision {} was filed without its finding {}; not handed to the coordinator", Printable.escape(row[0]),
                        Printable.escape(row[1]));
                continue;
            }
            try {
                LOG.warn("decision {} was filed but not handed to the coordinator before the process stopped; handing it over now",
                        Printable.escape(row[0]));
                List<String> states = engine.coordinator().handle(decision.get(), finding.get()).stream()
                        .map(a -> a.id() + " " + a.state().name().toLowerCase(java.util.Locale.ROOT)).toList();
                handled(row[0]);
                LOG.info("decision {} handed to the coordinator: {}", Printable.escape(row[0]),
                        states.isEmpty() ? "no action planned" : Printable.escape(String.join(", ", states)));
                handed++;
            } catch (RuntimeException e) {
                LOG.error("decision {} could not be handed to the coordinator; tried again at the next start: {}", Printable.escape(row[0]),
                        Printable.escape(e.toString()));
            }
        }
        return handed;
    }
}

package io.itdr.core.decide;

import io.itdr.core.state.StateStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy engine's mutable state, owned apart from any one policy so that it survives both a
 * restart and a policy activated at run time: the units and breakers of the enforce-mode and the
 * simulated (shadow) budgets, keyed by budget id ({@link BudgetState}); the escalation history;
 * the open incidents.
 *
 * <p><b>Persistence.</b> Restored from a {@link StateStore} when built, and written through to it:
 * the policy engine calls {@link #flush} after every decision, a breaker reset calls it at once, so
 * what a decision consumed or tripped is stored before the decision is ledgered and acted on. After
 * a restart every budget holds exactly the units and breakers it held (windows are measured on the
 * engine clock, so units that left the window meanwhile are gone). With {@link StateStore#NONE}
 * (replay, dry-runs, benchmarks) everything stays in memory and nothing is noted for writing.
 *
 * <p>Bounded as the parts are in memory: budget keys with units in a window or a tripped breaker;
 * the escalation history's horizon and {@value FindingHistory#MAX_PER_IDENTITY} findings per
 * identity; {@value Incidents#MAX_IDENTITIES} open incidents and {@value Incidents#MAX_FINDINGS}
 * finding assignments. What memory drops the store deletes with the next write.
 *
 * <p>Thread-safe.
 */
public final class GovernanceState {
    private static final Logger LOG = LoggerFactory.getLogger(GovernanceState.class);
    /** Store section of the enforce-mode budgets, by budget id and key. */
    public static final String BUDGETS = "budget";
    /** Store section of the simulated budgets of shadow-mode decisions. */
    public static final String SHADOW_BUDGETS = "budget.shadow";
    /** Store section of the escalation history, by identity key. */
    public static final String ESCALATION = "escalation";
    /** Store section of the open incidents, by identity key. */
    public static final String INCIDENTS = "incident";
    /** Store section of the findings' incidents, by finding id. */
    public static final String INCIDENT_FINDINGS = "incident.finding";

    /**
     * What a restore found.
     *
     * @param budgetKeys       budget keys (enforce and shadow) with units or a tripped breaker
     * @param breakers         tripped breakers of the enforce-mode budgets
     * @param escalation       identities with an escalation history
     * @param incidents        identities with an open incident
     * @param unreadable       entries skipped because they could not be read (another format version, damage)
     */
    public record Restored(int budgetKeys, int breakers, int escalation, int incidents, int unreadable) {
        public static final Restored NOTHING = new Restored(0, 0, 0, 0, 0);
    }

    private final StateStore store;
    private final BudgetState budgets = new BudgetState();
    private final BudgetState shadowBudgets = new BudgetState();
    private final FindingHistory history = new FindingHistory(Duration.ZERO);
    private final Incidents incidents = new Incidents(Duration.ofHours(1));
    private final Restored restored;

    private GovernanceState(StateStore store) {
        this.store = Objects.requireNonNull(store, "store");
        if (store == StateStore.NONE) {
            restored = Restored.NOTHING;
            return;
        }
        int[] unreadable = new int[1];
        read(BUDGETS, (key, body) -> budgets.restore(body), unreadable);
        read(SHADOW_BUDGETS, (key, body) -> shadowBudgets.restore(body), unreadable);
        read(ESCALATION, history::restore, unreadable);
        read(INCIDENTS, incidents::restoreOpen, unreadable);
        read(INCIDENT_FINDINGS, incidents::restoreFinding, unreadable);
        budgets.track();
        shadowBudgets.track();
        history.track();
        incidents.track();
        restored = new Restored(budgets.keys() + shadowBudgets.keys(), budgets.breakers(),
                history.identities(), incidents.open(), unreadable[0]);
        if (unreadable[0] > 0) {
            LOG.warn("governance state: {} stored entries could not be read and were skipped (they start afresh)", unreadable[0]);
        }
    }

    /** State in memory only: nothing is read or written. */
    public static GovernanceState inMemory() {
        return new GovernanceState(StateStore.NONE);
    }

    /**
     * State restored from {@code store} and written through to it.
     *
     * @throws io.itdr.core.state.StateStoreException when the store cannot be read
     */
    public static GovernanceState restoredFrom(StateStore store) {
        return new GovernanceState(store);
    }

    /** What was restored when this state was built. */
    public Restored restored() {
        return restored;
    }

    /** The units and breakers of the enforce-mode budgets. */
    public BudgetState budgets() {
        return budgets;
    }

    /** The units and breakers of the simulated budgets of shadow-mode decisions. */
    public BudgetState shadowBudgets() {
        return shadowBudgets;
    }

    FindingHistory history() {
        return history;
    }

    Incidents incidents() {
        return incidents;
    }

    /** Adopts a policy's windows: its incident window and longest escalation window. */
    void adopt(Duration incidentWindow, Duration escalationHorizon) {
        incidents.window(incidentWindow);
        history.horizon(escalationHorizon);
    }

    /**
     * Writes what changed since the last write, in one atomic write; nothing when nothing changed
     * or there is no store.
     *
     * @throws io.itdr.core.state.StateStoreException when the store cannot be written (the changes
     *         stay in memory and are not retried: the caller's step fails, as when the ledger fails)
     */
    public synchronized void flush() {
        if (store == StateStore.NONE) {
            return;
        }
        List<StateStore.Change> changes = new ArrayList<>();
        changes.addAll(budgets.changes(BUDGETS));
        changes.addAll(shadowBudgets.changes(SHADOW_BUDGETS));
        changes.addAll(history.changes(ESCALATION));
        changes.addAll(incidents.changes(INCIDENTS, INCIDENT_FINDINGS));
        if (!changes.isEmpty()) {
            store.write(changes);
        }
    }

    private void read(String section, BiConsumer<String, String> restore, int[] unreadable) {
        store.read(section, (key, body) -> {
            try {
                restore.accept(key, body);
            } catch (IllegalArgumentException e) {
                unreadable[0]++;
                LOG.debug("governance state {} {}: {}", section, key, e.getMessage());
            }
        });
    }
}

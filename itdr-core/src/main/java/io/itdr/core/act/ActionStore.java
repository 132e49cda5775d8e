package io.itdr.core.act;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where action records live, keyed by action id. Changes go through {@link ActionJournal}, which
 * writes the ledger entry for each. Implementations are thread-safe and check versions on update
 * (optimistic locking), so two writers can never both move one action.
 */
public interface ActionStore {

    /**
     * Stores a new record.
     *
     * @throws IllegalStateException when an action with this id already exists
     */
    void insert(ActionRecord record);

    /**
     * Replaces the stored record with {@code next}, which must be exactly one version newer.
     *
     * @throws StaleActionException when the stored version is not {@code next.version() - 1}
     * @throws IllegalStateException when no action with this id exists
     */
    void update(ActionRecord next);

    Optional<ActionRecord> find(String actionId);

    /** The actions currently in any of {@code states}, oldest first (creation time, then id). */
    List<ActionRecord> inStates(Set<ActionState> states);
}

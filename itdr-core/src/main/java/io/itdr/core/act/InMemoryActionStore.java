package io.itdr.core.act;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** An {@link ActionStore} in memory: for tests, replays and the CLI. Thread-safe. */
public final class InMemoryActionStore implements ActionStore {
    private static final Comparator<ActionRecord> OLDEST_FIRST =
            Comparator.comparing(ActionRecord::createdAt).thenComparing(ActionRecord::id);

    private final ConcurrentMap<String, ActionRecord> records = new ConcurrentHashMap<>();

    @Override
    public void insert(ActionRecord record) {
        Objects.requireNonNull(record, "record");
        if (record.version() != 1) {
            throw new IllegalArgumentException("a new action starts at version 1, not " + record.version() + ": " + record.id());
        }
        if (records.putIfAbsent(record.id(), record) != null) {
            throw new IllegalStateException("action " + record.id() + " already exists");
        }
    }

    @Override
    public void update(ActionRecord next) {
        Objects.requireNonNull(next, "next");
        records.compute(next.id(), (id, stored) -> {
            if (stored == null) {
                throw new IllegalStateException("no action " + id + " to update");
            }
            if (stored.version() != next.version() - 1) {
                throw new StaleActionException("action " + id + " is at version " + stored.version() + " (" + stored.state().label()
                        + "), not " + (next.version() - 1) + " as the update assumed");
            }
            return next;
        });
    }

    @Override
    public Optional<ActionRecord> find(String actionId) {
        return Optional.ofNullable(records.get(Objects.requireNonNull(actionId, "actionId")));
    }

    @Override
    public List<ActionRecord> inStates(Set<ActionState> states) {
        Objects.requireNonNull(states, "states");
        return records.values().stream().filter(r -> states.contains(r.state())).sorted(OLDEST_FIRST).toList();
    }
}

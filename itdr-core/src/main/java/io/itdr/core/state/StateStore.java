package io.itdr.core.state;

import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Where the engine keeps the state that must survive a restart: budgets and their breakers,
 * escalation history, open incidents and each identity's detector state. Entries are small JSON
 * documents, each carrying its own format version, grouped in sections (those of
 * {@link io.itdr.core.decide.GovernanceState} and {@code detector}) and keyed within a section (a
 * budget key, an identity key, a finding id).
 *
 * <p>The server keeps them in its database; {@link #NONE} keeps nothing, so an engine without a
 * store (a replay, a benchmark, a dry-run) holds everything in memory only, as before. The store
 * holds no more entries than the engine does in memory: every entry the engine forgets (an evicted
 * identity, an expired budget window) is deleted with the next write.
 *
 * <p>Implementations are thread-safe; {@link #write} is atomic (all changes or none).
 */
public interface StateStore {
    /** Keeps nothing and reads nothing back. */
    StateStore NONE = new StateStore() {
        @Override
        public void read(String section, BiConsumer<String, String> entry) {
        }

        @Override
        public void write(List<Change> changes) {
        }

        @Override
        public String toString() {
            return "StateStore.NONE";
        }
    };

    /**
     * One entry to write.
     *
     * @param section never null
     * @param key     never null
     * @param body    the entry's JSON; null deletes the entry
     */
    record Change(String section, String key, String body) {
        public Change {
            Objects.requireNonNull(section, "section");
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Reads every entry of {@code section}, least recently written first.
     *
     * @throws StateStoreException when the store cannot be read
     */
    void read(String section, BiConsumer<String, String> entry);

    /**
     * Writes and deletes entries, all or none; an entry written again moves to the end of the
     * section's order.
     *
     * @throws StateStoreException when the store cannot be written
     */
    void write(List<Change> changes);
}

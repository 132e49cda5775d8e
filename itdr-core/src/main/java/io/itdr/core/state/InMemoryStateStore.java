package io.itdr.core.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A {@link StateStore} in memory, for tests of snapshot and restore: it outlives the engine that
 * wrote it, as a database outlives a server. Thread-safe.
 */
public final class InMemoryStateStore implements StateStore {
    private final Map<String, LinkedHashMap<String, String>> sections = new LinkedHashMap<>();
    private long writes;

    @Override
    public synchronized void read(String section, BiConsumer<String, String> entry) {
        Map<String, String> entries = sections.get(section);
        if (entries != null) {
            new LinkedHashMap<>(entries).forEach(entry);
        }
    }

    @Override
    public synchronized void write(List<Change> changes) {
        writes++;
        for (Change change : changes) {
            LinkedHashMap<String, String> entries = sections.computeIfAbsent(change.section(), s -> new LinkedHashMap<>());
            entries.remove(change.key());
            if (change.body() != null) {
                entries.put(change.key(), change.body());
            }
        }
    }

    /** Entries held in {@code section}. */
    public synchronized int size(String section) {
        Map<String, String> entries = sections.get(section);
        return entries == null ? 0 : entries.size();
    }

    /** The entry of {@code key} in {@code section}; null when none. */
    public synchronized String get(String section, String key) {
        Map<String, String> entries = sections.get(section);
        return entries == null ? null : entries.get(key);
    }

    /** How many times {@link #write} was called. */
    public synchronized long writes() {
        return writes;
    }
}

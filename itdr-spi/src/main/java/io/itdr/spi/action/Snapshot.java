package io.itdr.spi.action;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The state of the platform objects an action touches, as flat key → value pairs
 * ({@code "accessKey/AKIA123/status" → "Active"}). Stored with every action so it can be rolled
 * back; compared to detect drift. Values never hold secrets.
 *
 * @param state      the observed values, kept sorted by key; never null
 * @param capturedAt when they were read; never null
 */
public record Snapshot(Map<String, String> state, Instant capturedAt) {
    public Snapshot {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(capturedAt, "capturedAt");
        state = java.util.Collections.unmodifiableMap(new TreeMap<>(state));
    }

    /** Whether both snapshots record the same values, whatever their capture times. */
    public boolean sameStateAs(Snapshot other) {
        return state.equals(other.state);
    }
}

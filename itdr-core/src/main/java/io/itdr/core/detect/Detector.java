package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.core.model.Finding;
import java.util.List;

/**
 * One detection rule with bounded per-identity state. The {@link DetectionEngine} keeps one
 * {@code S} per identity (created by {@link #newState()}) in that identity's state and calls
 * {@link #detect} for every event of the identity, in event-time order.
 *
 * <p>A detector instance holds no mutable state of its own and is thread-safe; its {@code S} is
 * touched only by the engine's thread, under the engine's lock. Every {@code S} must be bounded
 * in size whatever the event stream (fixed caps with eviction), and a detector reports an
 * incident once, not on every later event of it; each implementation documents both. (The
 * built-in detectors share one state object per identity instead, {@code IdentityState}, each
 * owning a group of its fields.)
 *
 * <p><b>Restarts.</b> A detector whose state should survive a restart returns a positive
 * {@link #stateVersion()} and writes its state for one identity with {@link #snapshot} as compact
 * JSON, read back by {@link #restore}. A snapshot of another version is never restored: that
 * identity's state for this detector starts afresh (its baseline re-learns). The default keeps
 * nothing across restarts.
 *
 * @param <S> the detector's state for one identity
 */
public interface Detector<S> {

    /** Stable id the policy refers to ("token_replay"). */
    String id();

    /** OWASP NHI Top 10 (2025), MITRE ATT&amp;CK and NIST CSF 2.0 tags of its findings. */
    List<String> frameworkTags();

    /** Fresh state for an identity not seen before. */
    S newState();

    /**
     * Examines one event of the identity and updates its state.
     *
     * @param observation the event, its identity record and derived facts; never null
     * @param state       this identity's state; never null
     * @param findings    where findings are added; never null
     */
    void detect(Observation observation, S state, List<Finding> findings);

    /** The version of {@link #snapshot}'s format, raised when it changes; 0 (the default) when state is not kept. */
    default int stateVersion() {
        return 0;
    }

    /**
     * One identity's state as JSON, for a checkpoint; null when there is nothing to keep (the
     * identity then starts with {@link #newState()} after a restart). Called under the engine's
     * lock; must not change {@code state} (LRU order included).
     */
    default JsonNode snapshot(S state) {
        return null;
    }

    /**
     * Whether {@link #restore(JsonNode, int)} reads a snapshot of {@code version}: the current
     * version, and older ones a detector still reads after changing its format.
     */
    default boolean reads(int version) {
        return version > 0 && version == stateVersion();
    }

    /**
     * The state {@link #snapshot} wrote in {@code version}, one that {@link #reads} accepts; by
     * default the current version's {@link #restore(JsonNode)}.
     *
     * @throws IllegalArgumentException when it cannot be read (that identity's state then starts afresh)
     */
    default S restore(JsonNode snapshot, int version) {
        return restore(snapshot);
    }

    /**
     * The state {@link #snapshot} wrote, in the current {@link #stateVersion()}; the detector's
     * current settings apply (a smaller cap keeps the most recent entries).
     *
     * @param snapshot never null
     * @throws IllegalArgumentException when it cannot be read (that identity's state then starts afresh)
     */
    default S restore(JsonNode snapshot) {
        throw new IllegalArgumentException("detector " + id() + " keeps no state across restarts");
    }
}

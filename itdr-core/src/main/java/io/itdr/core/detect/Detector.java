package io.itdr.core.detect;

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
 * incident once, not on every later event of it; each implementation documents both.
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
}

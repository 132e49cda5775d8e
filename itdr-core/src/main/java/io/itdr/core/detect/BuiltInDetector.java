package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A built-in detector: its per-identity state is a group of fields of the identity's one
 * {@link IdentityState} (the engine passes that object as the state), rather than an object of
 * its own. Rule sets and other detectors keep their own state objects.
 */
interface BuiltInDetector extends Detector<IdentityState> {

    /**
     * Reads {@code snapshot} (of a {@code version} that {@link #reads} accepts) into this
     * detector's fields of {@code state}; changes nothing when it throws.
     *
     * @throws IllegalArgumentException when it cannot be read (that detector's part then starts afresh)
     */
    void restoreInto(IdentityState state, JsonNode snapshot, int version);

    /** A state of its own (the engine shares one among the built-in detectors instead). */
    @Override
    default IdentityState newState() {
        return new IdentityState(null);
    }

    @Override
    default IdentityState restore(JsonNode snapshot, int version) {
        IdentityState state = newState();
        restoreInto(state, snapshot, version);
        return state;
    }

    @Override
    default IdentityState restore(JsonNode snapshot) {
        return restore(snapshot, stateVersion());
    }
}

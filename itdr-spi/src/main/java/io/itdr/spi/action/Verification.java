package io.itdr.spi.action;

import java.util.Objects;

/**
 * A read-back of the platform after an action.
 *
 * @param inPostState whether the observed state equals the plan's post-state
 * @param observed    what was read; never null
 * @param detail      what differs, for people; never null (empty when nothing differs)
 */
public record Verification(boolean inPostState, Snapshot observed, String detail) {
    public Verification {
        Objects.requireNonNull(observed, "observed");
        Objects.requireNonNull(detail, "detail");
    }
}

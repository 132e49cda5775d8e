package io.itdr.core.detect;

import java.util.Objects;

/**
 * An event a detector counts as more of a finding it already reported for the identity (see
 * {@link Observation#repeated}): evidence for that finding, not a finding of its own.
 *
 * @param detector the detector id of the finding it belongs to ({@code sigma:<rule id>} for a rule)
 * @param variant  that finding's {@code variant} attribute; null when it has none
 */
public record Repeat(String detector, String variant) {
    public Repeat {
        Objects.requireNonNull(detector, "detector");
    }

    /** The key a finding and its repeats share: detector and variant. */
    public String key() {
        return variant == null ? detector : detector + "|" + variant;
    }
}

package io.itdr.spi.telemetry;

import java.util.Objects;

/**
 * What the platform said about a finding it supposedly raised ({@link FindingConfirmer}). Since SPI 1.2.
 * Immutable.
 *
 * @param status never null
 * @param detail one line for people and the ledger ("GetFindings returned the finding, severity 8.0"); never null, no secrets
 */
public record Confirmation(Status status, String detail) {
    /** The platform's answer. */
    public enum Status {
        /** The platform holds the finding, of the same type, for the same resource. */
        CONFIRMED,
        /** The platform does not hold it (unknown id, or another type or resource than pushed). */
        REFUTED,
        /** The platform could not be asked (no permission, unreachable, no id in the event). */
        UNAVAILABLE
    }

    public Confirmation {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static Confirmation confirmed(String detail) {
        return new Confirmation(Status.CONFIRMED, detail);
    }

    public static Confirmation refuted(String detail) {
        return new Confirmation(Status.REFUTED, detail);
    }

    public static Confirmation unavailable(String detail) {
        return new Confirmation(Status.UNAVAILABLE, detail);
    }
}

package io.itdr.connector.azure.normalize;

/**
 * Thrown by a mapper when one record cannot become an event; the normalizer turns it into a
 * {@link io.itdr.spi.telemetry.Rejection} at the record's location and goes on. Carries no stack
 * trace: it is an expected outcome, not a bug.
 */
final class RejectedRecord extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RejectedRecord(String reason) {
        super(reason, null, false, false);
    }
}

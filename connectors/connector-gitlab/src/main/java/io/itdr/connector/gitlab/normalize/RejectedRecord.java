package io.itdr.connector.gitlab.normalize;

/** One audit event that cannot become an event: turned into a rejection at its location. No stack trace: expected. */
final class RejectedRecord extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RejectedRecord(String reason) {
        super(reason, null, false, false);
    }
}

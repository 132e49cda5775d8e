package io.itdr.connector.tck;

/**
 * A failure of one mutating platform call on its way, which the kit asks a {@link Sandbox} for
 * with {@link Sandbox#faultNextMutatingCall}: the next mutating call meets it, later calls are
 * answered normally. The transport faults are named as WireMock's {@code Fault} enum names them,
 * so a WireMock sandbox maps one to the other with {@code Fault.valueOf(fault.name())}.
 */
public enum MutatingFault {
    /**
     * The platform refuses the call before doing anything: its throttling answer (HTTP 429, or its
     * own throttling error) with a retry-after of {@link ConnectorTck#RETRY_AFTER}.
     */
    THROTTLED(false),
    /** The platform made the change; the connection is then reset instead of answering. */
    CONNECTION_RESET_BY_PEER(true),
    /** The platform made the change; the connection is then closed with nothing sent. */
    EMPTY_RESPONSE(true),
    /** The platform made the change; the answer is a 200 whose chunked body breaks off malformed. */
    MALFORMED_RESPONSE_CHUNK(true),
    /** The platform made the change; garbage bytes are sent instead of an answer, then the connection closes. */
    RANDOM_DATA_THEN_CLOSE(true);

    private final boolean applied;

    MutatingFault(boolean applied) {
        this.applied = applied;
    }

    /** Whether the platform has carried out the call when the fault hits (the answer is lost), or not (it refused). */
    public boolean applied() {
        return applied;
    }
}

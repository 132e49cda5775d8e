package io.itdr.server.connector;

import java.time.Instant;

/**
 * What the server last saw of one connector: polls, events accepted and rejected, the last error.
 * Thread-safe (all methods synchronized; values are small).
 */
public final class ConnectorStatus {
    /** A copy for readers. */
    public record View(String connectorId, boolean healthy, Instant lastPollAt, Instant lastSuccessAt, String lastError,
                       long eventsAccepted, long eventsRejected, long polls, long pollFailures) {
    }

    private final String connectorId;
    private Instant lastPollAt;
    private Instant lastSuccessAt;
    private String lastError;
    private boolean healthy = true;
    private long eventsAccepted;
    private long eventsRejected;
    private long polls;
    private long pollFailures;

    ConnectorStatus(String connectorId) {
        this.connectorId = connectorId;
    }

    public synchronized void polled(Instant at, int accepted, int rejected) {
        lastPollAt = at;
        lastSuccessAt = at;
        polls++;
        eventsAccepted += accepted;
        eventsRejected += rejected;
        healthy = true;
        lastError = null;
    }

    public synchronized void pushed(int accepted, int rejected) {
        eventsAccepted += accepted;
        eventsRejected += rejected;
    }

    public synchronized void failed(Instant at, String error) {
        lastPollAt = at;
        polls++;
        pollFailures++;
        healthy = false;
        lastError = error;
    }

    synchronized void checked(boolean ok, String error) {
        healthy = ok;
        lastError = error;
    }

    public synchronized View view() {
        return new View(connectorId, healthy, lastPollAt, lastSuccessAt, lastError, eventsAccepted, eventsRejected, polls, pollFailures);
    }
}

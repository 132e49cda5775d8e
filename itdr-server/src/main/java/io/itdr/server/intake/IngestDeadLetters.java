package io.itdr.server.intake;

import io.itdr.core.audit.AdminChanges;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.server.store.JdbcLedger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What an operator does with the pushed events the {@link IngestWorkers} set aside (the dead
 * letters of the {@link IngestBacklog}): reads them, puts one back into its connector's backlog once
 * the cause is fixed, or deletes it. Both changes are ledgered with the person and their reason
 * before they are made ({@link AdminChanges}: {@code admin.ingest_requeued},
 * {@code admin.ingest_dropped}). Thread-safe.
 */
@Component
public class IngestDeadLetters {
    private final IngestBacklog backlog;
    private final IngestWorkers workers;
    private final AdminChanges changes;

    public IngestDeadLetters(IngestBacklog backlog, IngestWorkers workers, JdbcLedger ledger) {
        this.backlog = backlog;
        this.workers = workers;
        this.changes = new AdminChanges(ledger);
    }

    /** The connector's dead letters, oldest first. */
    public List<IngestBacklog.DeadLetter> list(String connectorId, int limit, long offset) {
        return backlog.deadLetters(connectorId, limit, offset);
    }

    /** One dead letter of the connector. */
    public Optional<IngestBacklog.DeadLetter> find(String connectorId, long seq) {
        return backlog.deadLetter(connectorId, seq);
    }

    /** The connector's events waiting and dead letters. */
    public IngestBacklog.Counts counts(String connectorId) {
        return backlog.counts().getOrDefault(connectorId, new IngestBacklog.Counts(0, 0));
    }

    /**
     * Puts dead letter {@code seq} of {@code connectorId} back at the end of the connector's
     * backlog (its failures counted from zero), ledgered first, and wakes the connector's worker.
     *
     * @return the event's new place in the backlog; empty when there is no such dead letter
     *         (nothing is ledgered then)
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot record it (nothing changes)
     */
    public Optional<Long> requeue(String connectorId, long seq, String actor, String reason) {
        Optional<IngestBacklog.DeadLetter> letter = backlog.deadLetter(connectorId, seq);
        if (letter.isEmpty()) {
            return Optional.empty();
        }
        changes.record(LedgerKinds.ADMIN_INGEST_REQUEUED, actor, reason, evidence(letter.get()),
                "dead-lettered event " + letter.get().eventId() + " of connector " + connectorId + " put back into the ingest backlog");
        Optional<Long> placed = backlog.requeue(connectorId, seq);
        placed.ifPresent(at -> workers.wake(connectorId));
        return placed;
    }

    /**
     * Deletes dead letter {@code seq} of {@code connectorId}, ledgered first.
     *
     * @return false when there is no such dead letter (nothing is ledgered then)
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot record it (nothing changes)
     */
    public boolean drop(String connectorId, long seq, String actor, String reason) {
        Optional<IngestBacklog.DeadLetter> letter = backlog.deadLetter(connectorId, seq);
        if (letter.isEmpty()) {
            return false;
        }
        changes.record(LedgerKinds.ADMIN_INGEST_DROPPED, actor, reason, evidence(letter.get()),
                "dead-lettered event " + letter.get().eventId() + " of connector " + connectorId + " deleted");
        return backlog.drop(connectorId, seq);
    }

    private static Map<String, String> evidence(IngestBacklog.DeadLetter letter) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("connector", letter.connectorId());
        evidence.put("dead_letter.seq", Long.toString(letter.seq()));
        evidence.put("event.id", letter.eventId());
        if (letter.pushedBy() == null || letter.pushedBy().isEmpty()) {
            evidence.put("event.origin", "polled"); // held for the reorder window, not pushed
        } else {
            evidence.put("event.pushed_by", letter.pushedBy());
        }
        evidence.put("attempts", Integer.toString(letter.attempts()));
        evidence.put("dead_letter.reason", letter.reason());
        return evidence;
    }
}

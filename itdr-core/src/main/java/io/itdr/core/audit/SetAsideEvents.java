package io.itdr.core.audit;

import io.itdr.core.model.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Pushed events the server sets aside unprocessed because their processing kept failing (poison
 * events in the ingest backlog, moved to its dead letters): each is ledgered
 * ({@link LedgerKinds#INGEST_DEAD_LETTERED}, actor {@link Actors#SYSTEM}) <em>before</em> it is
 * moved, so no acknowledged event leaves processing unrecorded; a move that then fails leaves an
 * entry for a move that did not happen, never the reverse.
 *
 * <p>Thread-safe when the ledger is.
 */
public final class SetAsideEvents {
    /** Longest failure text kept in the entry. */
    static final int REASON_LENGTH = 2000;

    private final Ledger ledger;

    public SetAsideEvents(Ledger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /**
     * Ledgers one event set aside.
     *
     * @param connectorId the connector it was pushed to; never blank
     * @param seq         its place in the backlog
     * @param eventId     the event's id; null when its stored body could not be read
     * @param identityKey the identity it concerns; null when unknown
     * @param pushedBy    who pushed it; never blank
     * @param attempts    how often its processing failed
     * @param reason      the last failure; cut to {@value #REASON_LENGTH} characters
     * @throws LedgerException when the ledger cannot record it (then the event must stay where it is)
     */
    public LedgerEntry record(String connectorId, long seq, String eventId, String identityKey, String pushedBy, int attempts, String reason) {
        LedgerEntry.requireText(connectorId, "connector");
        LedgerEntry.requireText(pushedBy, "pushed by");
        String why = reason == null || reason.isBlank() ? "(no reason given)" : reason;
        why = why.length() > REASON_LENGTH ? why.substring(0, REASON_LENGTH) : why;
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("connector", connectorId);
        evidence.put("backlog.seq", Long.toString(seq));
        if (eventId != null) {
            evidence.put("event.id", eventId);
        }
        evidence.put("event.pushed_by", pushedBy);
        evidence.put("attempts", Integer.toString(attempts));
        evidence.put("reason", why);
        return ledger.append(new LedgerDraft(null, Stage.DETECTION, LedgerKinds.INGEST_DEAD_LETTERED, Actors.SYSTEM, identityKey, evidence,
                "pushed event set aside after " + attempts + " failed attempts; the connector's backlog goes on"));
    }
}

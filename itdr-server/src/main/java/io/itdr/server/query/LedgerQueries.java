package io.itdr.server.query;

import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerHead;
import io.itdr.core.audit.LedgerReport;
import io.itdr.core.audit.LedgerVerification;
import java.util.List;
import java.util.Optional;

/** The audit ledger, read only: only the core appends to it. Implementations are thread-safe. */
public interface LedgerQueries {

    /** Up to {@code max} entries from sequence number {@code fromSeq} on, oldest first. */
    List<LedgerEntry> read(long fromSeq, int max);

    /** The latest {@code max} entries about one identity, oldest first. */
    List<LedgerEntry> forIdentity(String identityKey, int max);

    long size();

    /** Checks the whole chain and names the first broken entry. */
    LedgerVerification verify();

    /** Checks the whole chain, which must also reach {@code head} and match it there; null checks the chain only. */
    LedgerVerification verify(LedgerHead head);

    /** The last entry; empty when the ledger is empty. */
    Optional<LedgerEntry> last();

    /**
     * Checks the chain against the latest signed checkpoint and reports the head, so that a removed
     * tail is found and the head can be compared with a copy kept elsewhere.
     *
     * @param checkpoints where the checkpoints are kept; null when none are
     */
    default LedgerReport report(LedgerCheckpoints checkpoints) {
        return LedgerReport.check(this::verify, seq -> read(seq, 1).stream().findFirst(), checkpoints);
    }
}

package io.itdr.core.audit;

import java.util.List;
import java.util.Optional;

/**
 * The append-only, hash-chained audit ledger (DESIGN §6). There is no update or delete.
 *
 * <p>Implementations are thread-safe: appends are serialised, so sequence numbers have no gaps
 * and each entry chains to the one appended just before it.
 */
public interface Ledger {

    /**
     * Appends an entry: assigns the next sequence number, the time from the ledger's clock, and the
     * chained hash. When this returns the entry is durable as far as the implementation promises.
     *
     * @throws LedgerException when the entry cannot be written; the caller must then not carry out
     *         what the entry would have recorded
     */
    LedgerEntry append(LedgerDraft draft);

    /**
     * Up to {@code max} entries from sequence {@code fromSeq} (≥ 1) on, in order; empty when there
     * are none.
     *
     * @throws LedgerException when the stored entries cannot be read
     */
    List<LedgerEntry> read(long fromSeq, int max);

    /** How many entries the ledger holds; also the sequence number of the last one. */
    long size();

    /** The last entry; empty for an empty ledger. */
    Optional<LedgerEntry> last();
}

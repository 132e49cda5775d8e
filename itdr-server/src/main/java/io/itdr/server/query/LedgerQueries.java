package io.itdr.server.query;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerVerification;
import java.util.List;

/** The audit ledger, read only: only the core appends to it. Implementations are thread-safe. */
public interface LedgerQueries {

    /** Up to {@code max} entries from sequence number {@code fromSeq} on, oldest first. */
    List<LedgerEntry> read(long fromSeq, int max);

    /** The latest {@code max} entries about one identity, oldest first. */
    List<LedgerEntry> forIdentity(String identityKey, int max);

    long size();

    /** Checks the whole chain and names the first broken entry. */
    LedgerVerification verify();
}

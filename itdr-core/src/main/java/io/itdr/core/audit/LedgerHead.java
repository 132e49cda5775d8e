package io.itdr.core.audit;

import java.util.Objects;

/**
 * A checkpoint of a ledger: the sequence and hash of its last entry at some moment. Published
 * or stored outside the ledger, it lets {@link LedgerVerifier} detect a truncated tail, which a
 * hash chain alone cannot (removing the last entries leaves a valid shorter chain). Immutable.
 *
 * @param seq  the last entry's sequence, ≥ 1
 * @param hash the last entry's hash; never null
 */
public record LedgerHead(long seq, String hash) {
    public LedgerHead {
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
        if (!HashInput.isSha256Hex(hash)) {
            throw new IllegalArgumentException("hash must be 64 lowercase hex characters: '" + hash + "'");
        }
    }

    public static LedgerHead of(LedgerEntry entry) {
        Objects.requireNonNull(entry, "entry");
        return new LedgerHead(entry.seq(), entry.hash());
    }
}

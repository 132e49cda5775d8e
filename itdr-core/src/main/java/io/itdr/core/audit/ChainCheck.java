package io.itdr.core.audit;

/**
 * Walks a ledger entry by entry and stops at the first break. Shared by {@link LedgerVerifier}
 * and {@link JsonlFileLedger} (which verifies a file before appending to it). Not thread-safe.
 */
final class ChainCheck {
    private final LedgerHead head;
    private long intactEntries;
    private String expectedPrevHash = LedgerEntry.GENESIS_HASH;
    private LedgerEntry last;
    private LedgerVerification broken;

    /** @param head a checkpoint the ledger must reach and match; may be null */
    ChainCheck(LedgerHead head) {
        this.head = head;
    }

    /**
     * Checks the next entry. {@code where} prefixes the reason ("line 7: ", or empty).
     *
     * @return false once the chain is broken (later entries are then ignored)
     */
    boolean accept(LedgerEntry entry, String where) {
        if (broken != null) {
            return false;
        }
        long expectedSeq = intactEntries + 1;
        if (entry.seq() != expectedSeq) {
            return fail(where + "expected entry " + expectedSeq + " but found entry " + entry.seq()
                    + " (an entry was removed, inserted or moved)");
        }
        if (!entry.prevHash().equals(expectedPrevHash)) {
            return fail(where + "entry " + expectedSeq + " does not chain to "
                    + (expectedSeq == 1 ? "the genesis hash" : "entry " + (expectedSeq - 1))
                    + " (an entry was removed, inserted or altered)");
        }
        if (!entry.hash().equals(entry.computeHash())) {
            return fail(where + "entry " + expectedSeq + " does not match its hash (its content was altered)");
        }
        if (head != null && head.seq() == expectedSeq && !head.hash().equals(entry.hash())) {
            return fail(where + "entry " + expectedSeq + " differs from the head checkpoint (the ledger was rewritten)");
        }
        intactEntries = expectedSeq;
        expectedPrevHash = entry.hash();
        last = entry;
        return true;
    }

    /** Records that the next entry could not be read at all (garbled line, torn write). */
    void unreadable(String reason) {
        if (broken == null) {
            fail(reason);
        }
    }

    /**
     * Records that entry {@code seq}, though readable, is not whole (its line was torn), so the
     * break is at that entry even if it was accepted already.
     */
    void tornAt(long seq, String reason) {
        if (broken == null) {
            broken = LedgerVerification.broken(Math.min(intactEntries, seq - 1), seq, reason);
        }
    }

    boolean isBroken() {
        return broken != null;
    }

    /** The last intact entry; null when there is none. */
    LedgerEntry last() {
        return last;
    }

    LedgerVerification finish() {
        if (broken != null) {
            return broken;
        }
        if (head != null && intactEntries < head.seq()) {
            return LedgerVerification.broken(intactEntries, intactEntries + 1, "the ledger ends at entry "
                    + intactEntries + " but the head checkpoint names entry " + head.seq() + " (entries were cut off)");
        }
        return LedgerVerification.intact(intactEntries);
    }

    private boolean fail(String reason) {
        broken = LedgerVerification.broken(intactEntries, intactEntries + 1, reason);
        return false;
    }
}

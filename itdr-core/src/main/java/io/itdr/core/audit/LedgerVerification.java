package io.itdr.core.audit;

/**
 * The outcome of {@link LedgerVerifier}. Immutable.
 *
 * @param intact         whether every entry checked is in place and unaltered
 * @param entriesChecked how many entries were found intact (all of them when intact; those before
 *                       the first broken one otherwise)
 * @param firstBrokenSeq the position (the sequence number it should carry, from 1) of the first
 *                       entry that is altered, missing, out of order or unreadable; null when intact
 * @param reason         what is wrong, naming the entry (and file line); null when intact
 */
public record LedgerVerification(boolean intact, long entriesChecked, Long firstBrokenSeq, String reason) {
    public LedgerVerification {
        if (intact != (firstBrokenSeq == null) || intact != (reason == null)) {
            throw new IllegalArgumentException("an intact ledger has no broken entry and no reason; a broken one has both");
        }
    }

    public static LedgerVerification intact(long entriesChecked) {
        return new LedgerVerification(true, entriesChecked, null, null);
    }

    public static LedgerVerification broken(long entriesChecked, long firstBrokenSeq, String reason) {
        return new LedgerVerification(false, entriesChecked, firstBrokenSeq, reason);
    }
}

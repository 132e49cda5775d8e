package io.itdr.core.audit;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A ledger's verification together with its head and the latest signed checkpoint it was checked
 * against: the chain must be intact and must contain the checkpointed entry with the same hash, so a
 * ledger rewritten or cut short after the checkpoint is reported. Every earlier checkpoint is checked
 * too (one read each). Immutable.
 *
 * @param intact         the chain is intact, reaches the checkpoint and matches it, and every
 *                       checkpoint's signature verifies
 * @param entriesChecked entries found intact
 * @param firstBrokenSeq the first broken entry; null when intact, or when only a checkpoint is bad
 * @param reason         what is wrong; null when intact
 * @param head           the last intact entry (compare it with a copy kept elsewhere); null when empty
 * @param checkpoint     the latest verified checkpoint; null when none is configured or written yet
 */
public record LedgerReport(boolean intact, long entriesChecked, Long firstBrokenSeq, String reason, LedgerHead head,
                           LedgerCheckpoint checkpoint) {

    /**
     * @param verify      checks the chain, against a head when one is given (null otherwise)
     * @param entryAt     reads the entry at a sequence number
     * @param checkpoints where the checkpoints are; null when none are kept
     */
    public static LedgerReport check(Function<LedgerHead, LedgerVerification> verify, LongFunction<Optional<LedgerEntry>> entryAt,
                                     LedgerCheckpoints checkpoints) {
        Objects.requireNonNull(verify, "verify");
        Objects.requireNonNull(entryAt, "entryAt");
        LedgerCheckpoints.Reading reading = checkpoints == null ? new LedgerCheckpoints.Reading(null, List.of(), 0, List.of()) : checkpoints.read();
        LedgerCheckpoint checkpoint = reading.latest();
        LedgerVerification v = verify.apply(checkpoint == null ? null : checkpoint.head());
        LedgerHead head = v.entriesChecked() == 0 ? null
                : entryAt.apply(v.entriesChecked()).map(LedgerHead::of).orElse(null);
        if (!v.intact()) {
            String reason = v.reason();
            if (checkpoint != null && v.entriesChecked() < checkpoint.seq()) {
                String what = v.reason().contains("cut off") ? "tail removed: " : "";
                reason = what + reason + "; the checkpoint of " + checkpoint.time() + " names entry " + checkpoint.seq()
                        + " with hash " + checkpoint.hash();
            }
            return new LedgerReport(false, v.entriesChecked(), v.firstBrokenSeq(), reason, head, checkpoint);
        }
        // Entries up to the head are fixed by the chain; each earlier checkpoint must still name its entry
        // (a ledger wiped and refilled past the latest checkpoint differs from the earlier ones).
        for (LedgerCheckpoint earlier : reading.verified()) {
            Optional<LedgerEntry> entry = entryAt.apply(earlier.seq());
            if (entry.isEmpty() || !entry.get().hash().equals(earlier.hash())) {
                return new LedgerReport(false, earlier.seq() - 1, earlier.seq(), "entry " + earlier.seq()
                        + " differs from the checkpoint of " + earlier.time() + " (the ledger was rewritten)", head, checkpoint);
            }
        }
        if (!reading.problems().isEmpty()) {
            return new LedgerReport(false, v.entriesChecked(), null, String.join("; ", reading.problems()), head, checkpoint);
        }
        return new LedgerReport(true, v.entriesChecked(), null, null, head, checkpoint);
    }
}

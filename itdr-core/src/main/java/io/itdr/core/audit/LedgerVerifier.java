package io.itdr.core.audit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Checks a ledger's hash chain and reports the first entry that was altered, removed, inserted,
 * moved or cannot be read. A chain alone cannot show that entries were cut off its end; pass a
 * {@link LedgerHead} recorded elsewhere to detect that too. Stateless and thread-safe.
 */
public final class LedgerVerifier {

    private LedgerVerifier() {
    }

    public static LedgerVerification verify(Iterable<LedgerEntry> entries) {
        return verify(entries, null);
    }

    /** @param head a checkpoint the ledger must reach and match; may be null */
    public static LedgerVerification verify(Iterable<LedgerEntry> entries, LedgerHead head) {
        Objects.requireNonNull(entries, "entries");
        ChainCheck check = new ChainCheck(head);
        for (LedgerEntry entry : entries) {
            if (!check.accept(entry, "")) {
                break;
            }
        }
        return check.finish();
    }

    /**
     * Verifies a file written by {@link JsonlFileLedger}; reasons name the line.
     *
     * @throws LedgerException when the file cannot be read at all (missing, no permission)
     */
    public static LedgerVerification verifyFile(Path file) {
        return verifyFile(file, null);
    }

    /** @param head a checkpoint the ledger must reach and match; may be null */
    public static LedgerVerification verifyFile(Path file, LedgerHead head) {
        Objects.requireNonNull(file, "file");
        try {
            return JsonlLedgerFormat.scan(file, head).finish();
        } catch (IOException e) {
            throw new LedgerException("cannot read ledger file " + file + ": " + e.getMessage(), e);
        }
    }
}

package io.itdr.core.audit;

/**
 * The ledger could not write (or read) an entry. Whatever the entry would have recorded must not
 * happen: no action runs without its ledger entry (DESIGN §6).
 */
public class LedgerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerException(String message) {
        super(message);
    }

    public LedgerException(String message, Throwable cause) {
        super(message, cause);
    }
}

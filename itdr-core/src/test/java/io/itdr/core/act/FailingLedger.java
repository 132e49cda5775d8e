package io.itdr.core.act;

import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** A ledger that refuses appends of one kind (or all, for "*") while armed, like a full disk. */
final class FailingLedger implements Ledger {
    private final InMemoryLedger delegate;
    private volatile String failingKind;

    FailingLedger(Clock clock) {
        this.delegate = new InMemoryLedger(clock);
    }

    void failOn(String kind) {
        failingKind = kind;
    }

    void heal() {
        failingKind = null;
    }

    @Override
    public LedgerEntry append(LedgerDraft draft) {
        String kind = failingKind;
        if (kind != null && (kind.equals("*") || kind.equals(draft.kind()))) {
            throw new LedgerException("disk full while writing " + draft.kind());
        }
        return delegate.append(draft);
    }

    @Override
    public List<LedgerEntry> read(long fromSeq, int max) {
        return delegate.read(fromSeq, max);
    }

    @Override
    public long size() {
        return delegate.size();
    }

    @Override
    public Optional<LedgerEntry> last() {
        return delegate.last();
    }
}

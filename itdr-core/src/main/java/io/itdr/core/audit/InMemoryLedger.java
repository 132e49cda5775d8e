package io.itdr.core.audit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A ledger held in memory: for tests, replays and the CLI. Lost when the process ends.
 * Thread-safe (appends and reads are serialised on this object).
 */
public final class InMemoryLedger implements Ledger {
    private final Clock clock;
    private final List<LedgerEntry> entries = new ArrayList<>();

    public InMemoryLedger(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized LedgerEntry append(LedgerDraft draft) {
        LedgerEntry entry = LedgerEntry.chain(entries.isEmpty() ? null : entries.get(entries.size() - 1),
                draft, clock.instant());
        entries.add(entry);
        return entry;
    }

    @Override
    public synchronized List<LedgerEntry> read(long fromSeq, int max) {
        checkReadArguments(fromSeq, max);
        if (fromSeq > entries.size()) {
            return List.of();
        }
        int from = (int) (fromSeq - 1);
        return List.copyOf(entries.subList(from, (int) Math.min(entries.size(), (long) from + max)));
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public synchronized Optional<LedgerEntry> last() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    static void checkReadArguments(long fromSeq, int max) {
        if (fromSeq < 1) {
            throw new IllegalArgumentException("fromSeq starts at 1: " + fromSeq);
        }
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
    }
}

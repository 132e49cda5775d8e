package io.itdr.core.audit;

import static io.itdr.core.audit.LedgerEntryTest.draft;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.fixture.clock.SettableClock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerVerifierTest {
    private List<LedgerEntry> entries;

    @BeforeEach
    void fiveEntries() {
        InMemoryLedger ledger = new InMemoryLedger(SettableClock.start());
        for (int i = 1; i <= 5; i++) {
            ledger.append(draft("kind" + i));
        }
        entries = new ArrayList<>(ledger.read(1, 5));
    }

    @Test
    void intactChain() {
        assertThat(LedgerVerifier.verify(entries)).isEqualTo(LedgerVerification.intact(5));
        assertThat(LedgerVerifier.verify(entries, LedgerHead.of(entries.get(4)))).isEqualTo(LedgerVerification.intact(5));
    }

    @Test
    void modifiedFieldIsReportedAtThatEntry() {
        LedgerEntry e = entries.get(2);
        entries.set(2, new LedgerEntry(e.seq(), e.time(), e.incidentId(), e.stage(), e.kind(), e.actor(), e.identityKey(),
                e.evidence(), "forged", e.prevHash(), e.hash()));

        LedgerVerification result = LedgerVerifier.verify(entries);

        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenSeq()).isEqualTo(3);
        assertThat(result.entriesChecked()).isEqualTo(2);
        assertThat(result.reason()).contains("entry 3").contains("altered");
    }

    @Test
    void rehashedModificationBreaksTheNextLink() {
        LedgerEntry e = entries.get(2);
        LedgerEntry forged = new LedgerEntry(e.seq(), e.time(), e.incidentId(), e.stage(), e.kind(), e.actor(), e.identityKey(),
                e.evidence(), "forged", e.prevHash(), LedgerEntry.GENESIS_HASH);
        entries.set(2, new LedgerEntry(e.seq(), e.time(), e.incidentId(), e.stage(), e.kind(), e.actor(), e.identityKey(),
                e.evidence(), "forged", e.prevHash(), forged.computeHash()));

        LedgerVerification result = LedgerVerifier.verify(entries);

        assertThat(result.firstBrokenSeq()).isEqualTo(4);
        assertThat(result.reason()).contains("does not chain to entry 3");
    }

    @Test
    void removedEntryIsReportedWhereItIsMissing() {
        entries.remove(1);

        LedgerVerification result = LedgerVerifier.verify(entries);

        assertThat(result.firstBrokenSeq()).isEqualTo(2);
        assertThat(result.reason()).contains("expected entry 2 but found entry 3");
    }

    @Test
    void reorderedEntriesAreReportedAtTheFirstMovedOne() {
        Collections.swap(entries, 1, 3);

        assertThat(LedgerVerifier.verify(entries).firstBrokenSeq()).isEqualTo(2);
    }

    @Test
    void insertedEntryIsReported() {
        LedgerEntry forged = LedgerEntry.chain(entries.get(1), draft("forged"), entries.get(1).time());
        entries.add(2, forged);

        LedgerVerification result = LedgerVerifier.verify(entries);

        assertThat(result.firstBrokenSeq()).isEqualTo(4);
        assertThat(result.reason()).contains("expected entry 4 but found entry 3");
    }

    @Test
    void truncatedTailNeedsAHeadCheckpoint() {
        LedgerHead head = LedgerHead.of(entries.get(4));
        List<LedgerEntry> truncated = entries.subList(0, 3);

        assertThat(LedgerVerifier.verify(truncated).intact()).as("a shorter chain is still a valid chain").isTrue();
        LedgerVerification withHead = LedgerVerifier.verify(truncated, head);
        assertThat(withHead.intact()).isFalse();
        assertThat(withHead.firstBrokenSeq()).isEqualTo(4);
        assertThat(withHead.reason()).contains("cut off");
    }

    @Test
    void rewrittenLedgerDiffersFromItsHeadCheckpoint() {
        LedgerHead head = LedgerHead.of(entries.get(4));
        InMemoryLedger rewritten = new InMemoryLedger(SettableClock.start());
        for (int i = 1; i <= 5; i++) {
            rewritten.append(draft("other" + i));
        }

        LedgerVerification result = LedgerVerifier.verify(rewritten.read(1, 5), head);

        assertThat(result.firstBrokenSeq()).isEqualTo(5);
        assertThat(result.reason()).contains("head checkpoint");
    }
}

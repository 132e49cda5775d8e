package io.itdr.core.audit;

import static io.itdr.core.audit.LedgerEntryTest.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.fixture.clock.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InMemoryLedgerTest {
    private final SettableClock clock = SettableClock.start();
    private final InMemoryLedger ledger = new InMemoryLedger(clock);

    @Test
    void appendAssignsSequenceTimeAndChain() {
        LedgerEntry first = ledger.append(draft("a"));
        clock.advance(Duration.ofSeconds(5));
        LedgerEntry second = ledger.append(draft("b"));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prevHash()).isEqualTo(LedgerEntry.GENESIS_HASH);
        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.time()).isEqualTo(clock.instant());
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(ledger.last()).contains(second);
    }

    @Test
    void readsPages() {
        for (int i = 0; i < 5; i++) {
            ledger.append(draft("k" + i));
        }

        assertThat(ledger.read(2, 2)).extracting(LedgerEntry::seq).containsExactly(2L, 3L);
        assertThat(ledger.read(4, 10)).extracting(LedgerEntry::seq).containsExactly(4L, 5L);
        assertThat(ledger.read(6, 10)).isEmpty();
        assertThat(ledger.read(1, 0)).isEmpty();
        assertThatThrownBy(() -> ledger.read(0, 1)).hasMessageContaining("fromSeq");
    }

    @Test
    void emptyLedgerHasNoLastEntry() {
        assertThat(ledger.last()).isEmpty();
        assertThat(ledger.size()).isZero();
        assertThat(LedgerVerifier.verify(ledger.read(1, 10))).isEqualTo(LedgerVerification.intact(0));
    }

    @Test
    void concurrentAppendsFormOneUnbrokenChain() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 250; i++) {
                        ledger.append(draft("t" + thread + "-" + i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(ledger.size()).isEqualTo(1000);
        assertThat(LedgerVerifier.verify(ledger.read(1, 1000))).isEqualTo(LedgerVerification.intact(1000));
    }
}

package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Stage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity log and notifications follow the ledger: listeners see each committed entry, and cannot break an append. */
class JdbcLedgerListenerTest {
    @TempDir
    Path dir;

    @Test
    void listenersSeeEachCommittedEntryInOrderAndAFailingOneBreaksNothing() {
        JdbcLedger ledger = new JdbcLedger(TestDatabases.h2(dir), Clock.systemUTC());
        List<Long> seen = new CopyOnWriteArrayList<>();
        ledger.onAppended(entry -> {
            throw new IllegalStateException("a broken listener");
        });
        ledger.onAppended(entry -> seen.add(entry.seq()));

        LedgerEntry first = ledger.append(draft("a"));
        List<LedgerEntry> more = ledger.appendAll(List.of(draft("b"), draft("c")));

        assertThat(first.seq()).isEqualTo(1);
        assertThat(more).extracting(LedgerEntry::seq).containsExactly(2L, 3L);
        assertThat(seen).containsExactly(1L, 2L, 3L);
        assertThat(ledger.verify().intact()).isTrue();
    }

    private static LedgerDraft draft(String id) {
        return new LedgerDraft(null, Stage.DETECTION, "finding", "detector:token_replay", "aws/1/role", Map.of("finding.id", id), "x");
    }
}

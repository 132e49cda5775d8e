package io.itdr.server.api;

import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerReport;
import io.itdr.server.query.LedgerQueries;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit ledger: entries in sequence from {@code from}, and a check of the whole hash chain. *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/ledger")
public class LedgerController {
    /** A page of entries; {@code next} is the sequence to read from next, null at the end. */
    public record Entries(List<LedgerEntry> entries, long from, int limit, Long next) {
        public Entries {
            entries = List.copyOf(entries);
        }
    }

    private final LedgerQueries ledger;
    private final ObjectProvider<LedgerCheckpoints> checkpoints;

    public LedgerController(LedgerQueries ledger, ObjectProvider<LedgerCheckpoints> checkpoints) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
    }

    @GetMapping
    public Entries entries(@RequestParam(defaultValue = "1") long from, @RequestParam(defaultValue = "100") int limit) {
        if (from < 1) {
            throw ApiProblem.badInput("from", "sequence numbers start at 1, not " + from);
        }
        Paging paging = Paging.of(limit, 0);
        List<LedgerEntry> entries = ledger.read(from, paging.limit());
        Long next = entries.size() < paging.limit() ? null : entries.get(entries.size() - 1).seq() + 1;
        return new Entries(entries, from, paging.limit(), next);
    }

    /**
     * Recomputes every hash and link and checks the chain against the signed checkpoints when they
     * are kept: {@code {intact, entriesChecked, firstBrokenSeq, reason, head, checkpoint}}.
     */
    @GetMapping("/verify")
    public LedgerReport verify() {
        return ledger.report(checkpoints.getIfAvailable());
    }
}

package io.itdr.core.audit;

import io.itdr.core.model.Stage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Administrative changes made outside the response pipeline (issuing and revoking API tokens,
 * activating a policy): each is ledgered with its actor and reason <em>before</em> it is made, so
 * nothing administrative happens unrecorded; a change that then fails leaves an entry for a change
 * that did not happen, never the reverse. Kinds are the {@code admin.*} ones in {@link LedgerKinds}.
 *
 * <p>Thread-safe when the ledger is.
 */
public final class AdminChanges {
    private final Ledger ledger;

    public AdminChanges(Ledger ledger) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /**
     * Ledgers one administrative change (stage containment: governance of what may act).
     *
     * @param kind     an {@code admin.*} kind; never blank
     * @param actor    who makes it ({@link Actors}); never blank
     * @param reason   why, in the person's words; never blank
     * @param evidence what changes (ids, names, hashes); never null, no null values
     * @param result   the change in a few words
     * @throws IllegalArgumentException when the reason or actor is blank
     * @throws LedgerException when the ledger cannot record it (then the change must not be made)
     */
    public LedgerEntry record(String kind, String actor, String reason, Map<String, String> evidence, String result) {
        LedgerEntry.requireText(reason, "reason");
        if (!kind.startsWith("admin.")) {
            throw new IllegalArgumentException("administrative kinds start with 'admin.': " + kind);
        }
        Map<String, String> all = new LinkedHashMap<>(evidence);
        all.put("reason", reason);
        return ledger.append(new LedgerDraft(null, Stage.CONTAINMENT, kind, actor, null, all, result));
    }
}

package io.itdr.core.audit;

import io.itdr.core.model.Stage;
import java.util.Map;
import java.util.Objects;

/**
 * What a stage asks the {@link Ledger} to record; the ledger adds sequence, time and hashes.
 * Immutable.
 *
 * @param incidentId  the incident it belongs to; may be null
 * @param stage       never null
 * @param kind        what happened ({@link LedgerKinds}); never null or blank
 * @param actor       who did it ({@link Actors}); never null or blank
 * @param identityKey the identity concerned; may be null
 * @param evidence    why, as flat key → value pairs (trigger event ids, finding, rule, policy
 *                    hash, guardrail inputs); never null, no null keys or values
 * @param result      the outcome in a few words; never null (may be empty)
 */
public record LedgerDraft(String incidentId, Stage stage, String kind, String actor, String identityKey,
                          Map<String, String> evidence, String result) {
    public LedgerDraft {
        Objects.requireNonNull(stage, "stage");
        LedgerEntry.requireText(kind, "kind");
        LedgerEntry.requireText(actor, "actor");
        evidence = LedgerEntry.sortedEvidence(evidence);
        Objects.requireNonNull(result, "result");
    }
}

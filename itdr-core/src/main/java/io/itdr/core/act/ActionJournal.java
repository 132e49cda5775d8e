package io.itdr.core.act;

import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Stage;
import io.itdr.spi.action.ActionPlan;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The one place that changes action records: each change is written to the {@link Ledger} first
 * and stored only once the ledger accepted it, so the store never shows a state the ledger lacks;
 * when the ledger throws, nothing is stored and the caller must not go on (no action runs without
 * its ledger entry).
 *
 * <p>Thread-safe. Changes are serialised, and each checks that the record it starts from is still
 * the stored version ({@link StaleActionException} otherwise), so a stale change never reaches
 * the ledger. Share one journal per store: coordinator, rollback and expiry all use it.
 */
public final class ActionJournal {
    private final Ledger ledger;
    private final ActionStore store;
    private final Clock clock;
    private final Object changeLock = new Object();
    private final Function<String, String> incidentOfFinding;

    public ActionJournal(Ledger ledger, ActionStore store, Clock clock) {
        this(ledger, store, clock, findingId -> null);
    }

    /**
     * @param incidentOfFinding the incident a finding id belongs to, or null when unknown: every
     *                          entry about an action of that finding carries it
     */
    public ActionJournal(Ledger ledger, ActionStore store, Clock clock, Function<String, String> incidentOfFinding) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.incidentOfFinding = Objects.requireNonNull(incidentOfFinding, "incidentOfFinding");
    }

    public Instant now() {
        return clock.instant();
    }

    public Optional<ActionRecord> find(String actionId) {
        return store.find(actionId);
    }

    /** @throws ActionRefusedException {@code NOT_FOUND} when no action has this id */
    public ActionRecord require(String actionId) {
        return store.find(Objects.requireNonNull(actionId, "actionId"))
                .orElseThrow(() -> new ActionRefusedException(Refusal.NOT_FOUND, "no action " + actionId));
    }

    public List<ActionRecord> inStates(Set<ActionState> states) {
        return store.inStates(states);
    }

    /**
     * Ledgers a newly planned record ({@code action.planned}), then stores it.
     *
     * @throws IllegalStateException when an action with this id exists (nothing is ledgered)
     */
    public ActionRecord open(ActionRecord planned, Stage stage, String actor, String result, Map<String, String> evidence) {
        if (planned.state() != ActionState.PLANNED || planned.version() != 1) {
            throw new IllegalArgumentException("a new action starts planned at version 1: " + planned.id());
        }
        synchronized (changeLock) {
            if (store.find(planned.id()).isPresent()) {
                throw new IllegalStateException("action " + planned.id() + " already exists");
            }
            ledger.append(draft(planned, planned.state().ledgerKind(), stage, actor, result, evidence));
            store.insert(planned);
            return planned;
        }
    }

    /** Ledgers a state change ({@code action.<next state>}), then stores {@code next}. */
    public ActionRecord advance(ActionRecord current, ActionRecord next, Stage stage, String actor, String result,
                                Map<String, String> evidence) {
        if (current.state() == next.state()) {
            throw new IllegalArgumentException("advance changes the state; use amend for action " + current.id());
        }
        return commit(current, next, next.state().ledgerKind(), stage, actor, result, evidence);
    }

    /** Ledgers a change that keeps the state (a failed verification, a confirmation) under {@code kind}, then stores it. */
    public ActionRecord amend(ActionRecord current, ActionRecord next, String kind, Stage stage, String actor,
                              String result, Map<String, String> evidence) {
        return commit(current, next, kind, stage, actor, result, evidence);
    }

    /** Ledgers something that happened to an action without changing its record (a refused rollback). */
    public LedgerEntry note(ActionRecord record, String kind, Stage stage, String actor, String result,
                            Map<String, String> evidence) {
        return ledger.append(draft(record, kind, stage, actor, result, evidence));
    }

    /**
     * Ledgers an entry that belongs to no stored action (shadow mode, actions never planned); one
     * that names no incident but cites a finding ({@code finding.id}) gets that finding's incident.
     */
    public LedgerEntry append(LedgerDraft draft) {
        if (draft.incidentId() == null && draft.evidence().containsKey("finding.id")) {
            String incident = incidentOfFinding.apply(draft.evidence().get("finding.id"));
            if (incident != null) {
                draft = new LedgerDraft(incident, draft.stage(), draft.kind(), draft.actor(), draft.identityKey(), draft.evidence(),
                        draft.result());
            }
        }
        return ledger.append(draft);
    }

    private ActionRecord commit(ActionRecord current, ActionRecord next, String kind, Stage stage, String actor,
                                String result, Map<String, String> evidence) {
        if (!next.id().equals(current.id()) || next.version() != current.version() + 1) {
            throw new IllegalArgumentException("action " + next.id() + " v" + next.version()
                    + " does not follow " + current.id() + " v" + current.version());
        }
        synchronized (changeLock) {
            ActionRecord stored = require(current.id());
            if (stored.version() != current.version()) {
                throw new StaleActionException("action " + current.id() + " changed meanwhile: it is " + stored.state().label()
                        + " at version " + stored.version() + ", not version " + current.version());
            }
            Map<String, String> withTransition = new TreeMap<>(evidence);
            withTransition.put("state.from", current.state().label());
            ledger.append(draft(next, kind, stage, actor, result, withTransition));
            store.update(next);
            return next;
        }
    }

    private LedgerDraft draft(ActionRecord record, String kind, Stage stage, String actor, String result,
                              Map<String, String> evidence) {
        Map<String, String> all = new TreeMap<>(baseEvidence(record));
        all.putAll(evidence);
        return new LedgerDraft(incidentOfFinding.apply(record.findingId()), stage, kind, actor, record.identityKey(), all, result);
    }

    /** What every action entry cites: which action, why it exists, and what it does. */
    private static Map<String, String> baseEvidence(ActionRecord record) {
        ActionPlan plan = record.plan();
        Map<String, String> evidence = new TreeMap<>();
        evidence.put("action.id", record.id());
        evidence.put("decision.id", record.decisionId());
        evidence.put("finding.id", record.findingId());
        evidence.put("platform", record.platform());
        evidence.put("connector", plan.connectorId());
        evidence.put("plan.rung", plan.request().rung().policyName());
        evidence.put("plan.target.identity", plan.request().target().identity().id());
        if (plan.request().target().credential() != null) {
            evidence.put("plan.target.credential", plan.request().target().credential().id());
        }
        evidence.put("plan.digest", record.planDigest());
        evidence.put("plan.reversibility", plan.reversibility().name().toLowerCase(Locale.ROOT));
        evidence.put("idempotency.key", record.idempotencyKey());
        evidence.put("state", record.state().label());
        return evidence;
    }
}

package io.itdr.core.recover;

import io.itdr.core.act.ActionJournal;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.Containment;
import io.itdr.core.act.ExecutorRegistry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Stage;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.action.Verification;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Undoes an executed action from the snapshot stored with its plan (DESIGN §3 recover, §6).
 * Every attempt is ledgered in stage recovery: the intent ({@code action.reverting}) before the
 * connector is called, then {@code action.rolled_back} with the restored state and whether it
 * matches the snapshot, or {@code action.rollback_refused} / {@code action.rollback_failed}.
 *
 * <p>If the identity changed since the action (drift), rollback stops with {@code DRIFT} rather
 * than overwrite that change, unless forced by an approver. The kill switch does not block a
 * rollback: undoing is what an operator who stopped automation usually needs.
 *
 * <p>A partially carried out action ({@link ActionState#PARTIAL}) is not in its post-state, so a
 * connector would call its state drift. Unforced, rollback reads the platform first
 * ({@code verify}) and checks that every value the plan changes is either as the action left it or
 * as it was before, with nothing else changed ({@link Containment#progress}); then it asks the
 * connector to restore the pre-state without its post-state check ({@code revert(plan, true)}),
 * which reverts exactly the steps done (the others already hold their pre-state values). Anything
 * foreign is refused with {@code DRIFT} naming it, as for any other action. The check and the
 * restore are two calls, as a connector's own drift check and restore are.
 *
 * <p>Thread-safe.
 */
public final class Rollback {
    private static final Set<ActionState> UNDOABLE = Set.of(ActionState.EXECUTED, ActionState.VERIFIED, ActionState.PARTIAL);

    private final ActionJournal journal;
    private final ExecutorRegistry executors;

    public Rollback(ActionJournal journal, ExecutorRegistry executors) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.executors = Objects.requireNonNull(executors, "executors");
    }

    /**
     * Restores the action's pre-state.
     *
     * @param actor who rolls back (a person, or the system for an expiry); never blank
     * @param force restore despite drift; only for an actor the caller has checked holds the
     *              approver role
     * @return the record, rolled back
     * @throws ActionRefusedException {@code NOT_FOUND}; {@code ILLEGAL_STATE} unless executed,
     *         verified or partial; {@code IRREVERSIBLE}; {@code NO_EXECUTOR}; {@code DRIFT} when the platform
     *         changed since and {@code force} is false
     * @throws ConnectorException when the connector failed otherwise (ledgered; for {@code TIMEOUT}
     *         the restore may or may not have happened: read the platform before trying again)
     */
    public ActionRecord rollback(String actionId, String actor, boolean force) {
        return rollback(actionId, actor, null, force);
    }

    /**
     * As {@link #rollback(String, String, boolean)}, for a person who gave a reason: the request
     * and its reason are ledgered ({@code action.rollback_requested}) before anything else, so
     * the reason is on record whatever happens next.
     *
     * @param reason why; null when there is none to record
     */
    public ActionRecord rollback(String actionId, String actor, String reason, boolean force) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor is required to roll back an action");
        }
        ActionRecord record = journal.require(actionId);
        if (reason != null) {
            journal.note(record, LedgerKinds.ACTION_ROLLBACK_REQUESTED, Stage.RECOVERY, actor, "requested",
                    Map.of("request.reason", reason, "rollback.force", Boolean.toString(force)));
        }
        if (!UNDOABLE.contains(record.state())) {
            throw new ActionRefusedException(Refusal.ILLEGAL_STATE, "cannot roll back action " + actionId + ": it is "
                    + record.state().label() + "; only executed, verified or partial actions are rolled back");
        }
        Map<String, String> evidence = new TreeMap<>(Map.of("rollback.force", Boolean.toString(force)));
        if (!record.plan().reversibility().canRevert()) {
            journal.note(record, LedgerKinds.ACTION_ROLLBACK_REFUSED, Stage.RECOVERY, actor, "refused: irreversible", evidence);
            throw new ActionRefusedException(Refusal.IRREVERSIBLE, "action " + actionId + " ("
                    + record.plan().summary() + ") is irreversible and cannot be rolled back");
        }
        ActionExecutor executor = executors.find(record.platform()).orElseThrow(() -> new ActionRefusedException(
                Refusal.NO_EXECUTOR, "no action executor for platform " + record.platform() + " (action " + actionId + ")"));
        boolean partial = record.state() == ActionState.PARTIAL && !force;
        String intent = force ? "reverting (forced)" : "reverting";
        if (partial) {
            Containment.Progress progress = partialProgress(record, executor, actor, evidence);
            evidence.put("rollback.partial", "true");
            evidence.put("rollback.steps_done", progress.done().stream().map(Containment.Step::key).reduce((a, b) -> a + ", " + b).orElse(""));
            intent = "reverting the " + progress.done().size() + (progress.done().size() == 1 ? " step" : " steps")
                    + " done of a partially carried out action (" + progress.describe() + ")";
        }
        journal.note(record, LedgerKinds.ACTION_REVERTING, Stage.RECOVERY, actor, intent, evidence);
        RevertResult reverted;
        try {
            // a partial action was just read back holding only its own steps: the connector's post-state check cannot apply
            reverted = executor.revert(record.plan(), force || partial);
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.DRIFT) {
                journal.note(record, LedgerKinds.ACTION_ROLLBACK_REFUSED, Stage.RECOVERY, actor, "refused: drift: " + e.getMessage(), evidence);
                // The connector's message names the change and says an approver may force it; it is not said twice.
                throw new ActionRefusedException(Refusal.DRIFT, "cannot roll back action " + actionId + ": " + e.getMessage(), e);
            }
            journal.note(record, LedgerKinds.ACTION_ROLLBACK_FAILED, Stage.RECOVERY, actor,
                    "failed: " + e.code() + ": " + e.getMessage(), evidence);
            throw e;
        } catch (RuntimeException e) {
            journal.note(record, LedgerKinds.ACTION_ROLLBACK_FAILED, Stage.RECOVERY, actor,
                    "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), evidence);
            throw e;
        }
        Snapshot snapshot = record.plan().preState();
        boolean matches = reverted.restored().sameStateAs(snapshot);
        Map<String, String> restored = new TreeMap<>(evidence);
        restored.put("rollback.matches_snapshot", Boolean.toString(matches));
        reverted.restored().state().forEach((key, value) -> restored.put("restored." + key, value));
        String result = matches
                ? "rolled back: snapshot restored"
                : "rolled back: compensated; the state differs from the snapshot (" + differences(snapshot, reverted.restored()) + ")";
        return journal.advance(record, record.rolledBack(reverted, journal.now()), Stage.RECOVERY, actor, result, restored);
    }

    /**
     * Reads a partial action's platform back and returns its progress; refuses with {@code DRIFT}
     * (ledgered) when a value is neither as the action left it nor as it was before.
     */
    private Containment.Progress partialProgress(ActionRecord record, ActionExecutor executor, String actor,
                                                 Map<String, String> evidence) {
        Verification observed;
        try {
            observed = executor.verify(record.plan());
        } catch (RuntimeException e) {
            String why = e instanceof ConnectorException ce ? ce.code() + ": " + ce.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
            journal.note(record, LedgerKinds.ACTION_ROLLBACK_FAILED, Stage.RECOVERY, actor,
                    "failed: reading the partially carried out action back: " + why, evidence);
            throw e;
        }
        Containment.Progress progress = Containment.progress(record.plan(), observed.observed());
        List<String> changed = progress.changed();
        if (!changed.isEmpty()) {
            String why = "it was partially carried out, and since then the platform changed otherwise (" + String.join("; ", changed)
                    + "); an approver may force the rollback, restoring the pre-state over that change";
            journal.note(record, LedgerKinds.ACTION_ROLLBACK_REFUSED, Stage.RECOVERY, actor, "refused: drift: " + why, evidence);
            throw new ActionRefusedException(Refusal.DRIFT, "cannot roll back action " + record.id() + ": " + why);
        }
        return progress;
    }

    private static String differences(Snapshot expected, Snapshot actual) {
        Set<String> keys = new TreeSet<>(expected.state().keySet());
        keys.addAll(actual.state().keySet());
        StringBuilder out = new StringBuilder();
        for (String key : keys) {
            String want = expected.state().get(key);
            String got = actual.state().get(key);
            if (!Objects.equals(want, got)) {
                out.append(out.isEmpty() ? "" : ", ").append(key).append(": ").append(want).append(" → ").append(got);
            }
        }
        return out.toString();
    }
}

package io.itdr.core.recover;

import io.itdr.core.act.ActionJournal;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.act.ActionState;
import io.itdr.core.act.KillSwitch;
import io.itdr.core.act.StaleActionException;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Stage;
import io.itdr.core.normalize.Printable;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic restore of temporary containment (DESIGN §5 recovery rules): an action on a rung with
 * an expiry (e.g. quarantine_session for 24h) is rolled back once the expiry has passed since it
 * was executed, unless a person confirmed it ({@link #confirm}). Call {@link #restoreDue}
 * periodically.
 *
 * <p>An action whose finding was at least as confident as the rung's recovery rule's
 * {@code keep_at_confidence} is never restored automatically: at expiry its restore is withheld
 * (ledgered once, {@code action.restore_withheld}) and a person rolls it back or confirms it.
 *
 * <p>A partially carried out action ({@link ActionState#PARTIAL}: some of its steps in force) on an
 * expiring rung expires too, counted from when it was recorded partial: its restore reverts exactly
 * the steps done, as an unforced rollback does, so a half-done quarantine is not left in force
 * beyond the time the policy gave it while it waits for a person.
 *
 * <p>Restores pause while the kill switch is engaged. An action whose restore was refused (drift)
 * is not tried again by this instance, so a periodic call does not flood the ledger; it remains
 * executed for a person to roll back (or force).
 *
 * <p>Thread-safe.
 */
public final class QuarantineExpiry {
    private static final Logger LOG = LoggerFactory.getLogger(QuarantineExpiry.class);
    private static final Set<ActionState> IN_FORCE = Set.of(ActionState.EXECUTED, ActionState.VERIFIED, ActionState.PARTIAL);

    private final ActionJournal journal;
    private final Rollback rollback;
    private final KillSwitch killSwitch;
    private final Map<Rung, Duration> expiries;
    private final String systemActor;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final Map<Rung, Double> keepAtConfidence;

    /**
     * @param expiries    how long an action on each rung stays before it is restored; rungs not
     *                    listed never expire; durations positive
     * @param systemActor the actor ledgered for automatic restores
     */
    public QuarantineExpiry(ActionJournal journal, Rollback rollback, KillSwitch killSwitch,
                            Map<Rung, Duration> expiries, String systemActor) {
        this(journal, rollback, killSwitch, expiries, Map.of(), systemActor);
    }

    /**
     * @param keepAtConfidence per rung, the finding confidence at or above which an expired action is
     *                         not restored automatically but left for a person (rollback or confirm)
     */
    public QuarantineExpiry(ActionJournal journal, Rollback rollback, KillSwitch killSwitch,
                            Map<Rung, Duration> expiries, Map<Rung, Double> keepAtConfidence, String systemActor) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.rollback = Objects.requireNonNull(rollback, "rollback");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
        Objects.requireNonNull(expiries, "expiries");
        expiries.forEach((rung, duration) -> {
            if (duration == null || duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("expiry of " + rung.policyName() + " must be positive: " + duration);
            }
        });
        this.expiries = expiries.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(expiries));
        this.systemActor = Objects.requireNonNull(systemActor, "systemActor");
        this.keepAtConfidence = keepAtConfidence.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(keepAtConfidence));
    }

    /** Why {@code record} must not be restored without a person; empty when it may be. */
    public Optional<String> keptForAPerson(ActionRecord record) {
        Double floor = keepAtConfidence.get(record.plan().request().rung());
        Double confidence = record.findingConfidence();
        if (floor == null || confidence == null || confidence < floor) {
            return Optional.empty();
        }
        return Optional.of("finding confidence " + confidence + " is at or above " + floor + " (recovery keep_at_confidence for "
                + record.plan().request().rung().policyName() + "): a confident compromise is not undone automatically; "
                + "a person rolls it back or confirms it");
    }

    /** When {@code record} will be restored; empty when its rung does not expire, it is confirmed, or not in force. */
    public Optional<Instant> expiresAt(ActionRecord record) {
        Duration expiry = expiries.get(record.plan().request().rung());
        Instant since = record.state() == ActionState.PARTIAL ? record.updatedAt() : record.executedAt();
        if (expiry == null || record.confirmedBy() != null || !IN_FORCE.contains(record.state()) || since == null) {
            return Optional.empty();
        }
        return Optional.of(since.plus(expiry));
    }

    /**
     * Keeps an expiring action in force (a person checked and wants it kept); ledgered as
     * {@code action.confirmed}.
     *
     * @throws ActionRefusedException {@code NOT_FOUND}; {@code ILLEGAL_STATE} when the action is not
     *         in force or its rung does not expire
     */
    public ActionRecord confirm(String actionId, String actor) {
        return confirm(actionId, actor, null);
    }

    /**
     * As {@link #confirm(String, String)}, for a person who gave a reason: the request and its
     * reason are ledgered ({@code action.confirm_requested}) first.
     *
     * @param reason why; null when there is none to record
     */
    public ActionRecord confirm(String actionId, String actor, String reason) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor is required to confirm an action");
        }
        ActionRecord record = journal.require(actionId);
        if (reason != null) {
            journal.note(record, LedgerKinds.ACTION_CONFIRM_REQUESTED, Stage.RECOVERY, actor, "requested",
                    Map.of("request.reason", reason));
        }
        if (!IN_FORCE.contains(record.state()) || !expiries.containsKey(record.plan().request().rung())) {
            throw new ActionRefusedException(Refusal.ILLEGAL_STATE, "action " + actionId + " ("
                    + record.plan().request().rung().policyName() + ", " + record.state().label()
                    + ") is not an expiring action in force; nothing to confirm");
        }
        return journal.amend(record, record.confirmed(actor, journal.now()), LedgerKinds.ACTION_CONFIRMED, Stage.RECOVERY,
                actor, "confirmed: kept beyond its expiry", Map.of());
    }

    /** Rolls back every unconfirmed expiring action whose expiry has passed; returns those restored. */
    public List<ActionRecord> restoreDue() {
        if (killSwitch.isEngaged()) {
            LOG.info("kill switch engaged: automatic restores paused");
            return List.of();
        }
        Instant now = journal.now();
        List<ActionRecord> restored = new ArrayList<>();
        for (ActionRecord record : journal.inStates(IN_FORCE)) {
            Optional<Instant> due = expiresAt(record);
            if (due.isEmpty() || due.get().isAfter(now) || refused.contains(record.id())) {
                continue;
            }
            Optional<String> kept = keptForAPerson(record);
            if (kept.isPresent()) {
                refused.add(record.id());
                journal.note(record, LedgerKinds.ACTION_RESTORE_WITHHELD, Stage.RECOVERY, systemActor, "expired, not restored: "
                        + kept.get(), Map.of("expired.at", due.get().toString()));
                LOG.info("expired action {} kept for a person: {}", Printable.escape(record.id()), Printable.escape(kept.get()));
                continue;
            }
            try {
                restored.add(rollback.rollback(record.id(), systemActor, false));
            } catch (ActionRefusedException e) {
                refused.add(record.id());
                LOG.warn("expired action {} was not restored: {}", Printable.escape(record.id()), Printable.escape(e.getMessage()));
            } catch (ConnectorException | StaleActionException e) {
                LOG.warn("expired action {} could not be restored now, will retry: {}", Printable.escape(record.id()),
                        Printable.escape(e.getMessage()));
            }
        }
        return List.copyOf(restored);
    }
}

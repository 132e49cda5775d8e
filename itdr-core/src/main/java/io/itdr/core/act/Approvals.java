package io.itdr.core.act;

import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.audit.Actors;
import io.itdr.core.model.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Approval requests for held actions: each expires after a fixed time, is bound to the plan digest
 * the approver saw, and may not be approved by the person who requested the action (separation of
 * duties, by principal: {@link Actors#samePrincipal}). Every change is ledgered through the {@link ActionJournal} (stage containment).
 *
 * <p>Thread-safe (state lives in the journal's store).
 */
public final class Approvals {
    private final ActionJournal journal;
    private final Duration ttl;

    /** @param ttl how long an approval request stays open; positive */
    public Approvals(ActionJournal journal, Duration ttl) {
        this.journal = Objects.requireNonNull(journal, "journal");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("approval ttl must be positive: " + ttl);
        }
        this.ttl = ttl;
    }

    /** Holds a planned action until a person approves it, for at most the ttl. */
    public ActionRecord request(ActionRecord planned, String actor, Map<String, String> evidence) {
        Instant now = journal.now();
        Instant expiresAt = now.plus(ttl);
        return journal.advance(planned, planned.held(expiresAt, now), Stage.CONTAINMENT, actor,
                "held for approval until " + expiresAt, evidence);
    }

    /**
     * Approves a held action for the plan with {@code planDigest}. An expired request is moved to
     * expired (ledgered) and then refused.
     *
     * @throws ActionRefusedException {@code NOT_FOUND}, {@code ILLEGAL_STATE} (not held),
     *         {@code APPROVAL_EXPIRED}, {@code SELF_APPROVAL}, {@code DIGEST_MISMATCH}
     */
    public ActionRecord approve(String actionId, String planDigest, String approver, String reason) {
        Objects.requireNonNull(planDigest, "planDigest");
        requireText(approver, "approver");
        requireText(reason, "reason");
        ActionRecord held = requireOpen(actionId, "approve");
        if (Actors.samePrincipal(held.requester(), approver)) {
            throw new ActionRefusedException(Refusal.SELF_APPROVAL, "action " + actionId + " was requested by "
                    + held.requester() + ", and " + Actors.principal(approver) + " may not approve it too, through any token: "
                    + "another person must");
        }
        if (!held.planDigest().equals(planDigest)) {
            throw new ActionRefusedException(Refusal.DIGEST_MISMATCH, "action " + actionId + " has plan " + held.planDigest()
                    + ", not the plan " + planDigest + " that was approved; review the current plan");
        }
        return journal.advance(held, held.approved(approver, journal.now()), Stage.CONTAINMENT, approver, "approved",
                Map.of("approval.reason", reason, "approval.requester", held.requester()));
    }

    /**
     * Rejects a held action; anyone entitled to approve may reject, including the requester
     * (withdrawing the request).
     *
     * @throws ActionRefusedException {@code NOT_FOUND}, {@code ILLEGAL_STATE}, {@code APPROVAL_EXPIRED}
     */
    public ActionRecord reject(String actionId, String approver, String reason) {
        requireText(approver, "approver");
        requireText(reason, "reason");
        ActionRecord held = requireOpen(actionId, "reject");
        return journal.advance(held, held.rejected(approver, journal.now()), Stage.CONTAINMENT, approver, "rejected",
                Map.of("approval.reason", reason));
    }

    /** Moves every held action whose request expired at or before now to expired; returns them. */
    public List<ActionRecord> expireDue() {
        Instant now = journal.now();
        List<ActionRecord> expired = new ArrayList<>();
        for (ActionRecord held : journal.inStates(Set.of(ActionState.HELD))) {
            if (isExpired(held, now)) {
                try {
                    expired.add(expire(held, now));
                } catch (StaleActionException e) {
                    // answered meanwhile: nothing left to expire
                }
            }
        }
        return List.copyOf(expired);
    }

    private ActionRecord requireOpen(String actionId, String what) {
        ActionRecord record = journal.require(actionId);
        if (record.state() == ActionState.EXPIRED) {
            // already moved to expired (by housekeeping or an earlier answer): the same refusal as at the moment it lapsed
            throw new ActionRefusedException(Refusal.APPROVAL_EXPIRED, "cannot " + what + " action " + actionId
                    + ": its approval request expired at " + record.approvalExpiresAt());
        }
        if (record.state() != ActionState.HELD) {
            throw new ActionRefusedException(Refusal.ILLEGAL_STATE, "cannot " + what + " action " + actionId
                    + ": it is " + record.state().label() + ", not held for approval");
        }
        Instant now = journal.now();
        if (isExpired(record, now)) {
            expire(record, now);
            throw new ActionRefusedException(Refusal.APPROVAL_EXPIRED, "cannot " + what + " action " + actionId
                    + ": its approval request expired at " + record.approvalExpiresAt());
        }
        return record;
    }

    private ActionRecord expire(ActionRecord held, Instant now) {
        return journal.advance(held, held.expired(now), Stage.CONTAINMENT, Actors.SYSTEM,
                "approval request expired at " + held.approvalExpiresAt(), Map.of());
    }

    private static boolean isExpired(ActionRecord held, Instant now) {
        return !now.isBefore(held.approvalExpiresAt());
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }
}

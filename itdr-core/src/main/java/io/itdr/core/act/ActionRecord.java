package io.itdr.core.act;

import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Verification;
import java.time.Instant;
import java.util.Objects;

/**
 * One action as it stands at one moment: an immutable snapshot. Every change yields a new record
 * with {@code version + 1}; the transition methods check {@link ActionState}'s table and throw
 * {@link IllegalStateException} for an illegal move. Only {@link ActionJournal} stores them.
 *
 * @param id                 deterministic from the decision and the action's position in it; never null
 * @param version            1 when planned, +1 per change (the store's optimistic lock)
 * @param decisionId         never null
 * @param findingId          never null
 * @param identityKey        never null
 * @param platform           the key the executor is registered under (the finding's platform); never null
 * @param plan               what the connector will do (or did); never null
 * @param planDigest         {@link PlanDigest} of {@code plan}; approvals are bound to it; never null
 * @param idempotencyKey     passed to every execute call of this action; never null
 * @param state              never null
 * @param requester          who asked for the action (the system actor for policy decisions); never null
 * @param approver           who approved or rejected it; null until then
 * @param approvalExpiresAt  when the approval request lapses; null unless it was held
 * @param confirmedBy        who confirmed an expiring action so it is not restored; null unless confirmed
 * @param execution          what execute returned; null until executed
 * @param verification       the latest read-back; null until verified (or attempted)
 * @param revert             what rollback restored; null unless rolled back
 * @param createdAt          never null
 * @param updatedAt          never null
 * @param executedAt         when execution was confirmed; null until then
 * @param lastError          the latest failure, for people; null when none
 * @param findingConfidence  the confidence of the finding the policy acted on (recovery keeps what a
 *                           confident compromise finding contained); null for a person's request
 * @param containment        which steps a partially carried out action has done and which not; set when it
 *                           becomes {@code partial}, kept while it is completed or rolled back from there,
 *                           cleared once it is executed in full; null otherwise
 */
public record ActionRecord(String id, long version, String decisionId, String findingId, String identityKey,
                           String platform, ActionPlan plan, String planDigest, String idempotencyKey,
                           ActionState state, String requester, String approver, Instant approvalExpiresAt,
                           String confirmedBy, ExecutionResult execution, Verification verification,
                           RevertResult revert, Instant createdAt, Instant updatedAt, Instant executedAt,
                           String lastError, Double findingConfidence, Containment containment) {
    public ActionRecord {
        Objects.requireNonNull(id, "id");
        if (version < 1) {
            throw new IllegalArgumentException("version starts at 1: " + version);
        }
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(findingId, "findingId");
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(planDigest, "planDigest");
        if (!planDigest.equals(PlanDigest.of(plan))) {
            throw new IllegalArgumentException("planDigest of action " + id + " does not match its plan");
        }
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** A newly planned action (version 1). */
    public static ActionRecord planned(String id, String decisionId, String findingId, String identityKey,
                                       String platform, ActionPlan plan, String idempotencyKey, String requester,
                                       Instant now) {
        return planned(id, decisionId, findingId, identityKey, platform, plan, idempotencyKey, requester, now, null);
    }

    /** @param findingConfidence the confidence of the finding the policy acted on; null for a person's own request */
    public static ActionRecord planned(String id, String decisionId, String findingId, String identityKey,
                                       String platform, ActionPlan plan, String idempotencyKey, String requester,
                                       Instant now, Double findingConfidence) {
        return new ActionRecord(id, 1, decisionId, findingId, identityKey, platform, plan, PlanDigest.of(plan),
                idempotencyKey, ActionState.PLANNED, requester, null, null, null, null, null, null, now, now, null, null,
                findingConfidence, null);
    }

    public ActionRecord held(Instant approvalExpiresAt, Instant now) {
        Objects.requireNonNull(approvalExpiresAt, "approvalExpiresAt");
        return change(ActionState.HELD, now).approvalExpiresAt(approvalExpiresAt).build();
    }

    public ActionRecord approved(String approver, Instant now) {
        return change(ActionState.APPROVED, now).approver(Objects.requireNonNull(approver, "approver")).build();
    }

    public ActionRecord rejected(String approver, Instant now) {
        return change(ActionState.REJECTED, now).approver(Objects.requireNonNull(approver, "approver")).build();
    }

    public ActionRecord expired(Instant now) {
        return change(ActionState.EXPIRED, now).build();
    }

    public ActionRecord executing(Instant now) {
        return change(ActionState.EXECUTING, now).build();
    }

    public ActionRecord executed(ExecutionResult execution, Instant now) {
        return change(ActionState.EXECUTED, now).execution(Objects.requireNonNull(execution, "execution"))
                .executedAt(now).containment(null).build();
    }

    public ActionRecord failed(String error, Instant now) {
        return change(ActionState.FAILED, now).lastError(Objects.requireNonNull(error, "error")).build();
    }

    public ActionRecord unknown(String error, Instant now) {
        return change(ActionState.UNKNOWN, now).lastError(Objects.requireNonNull(error, "error")).build();
    }

    /**
     * Executing stopped half-way: {@code containment} lists the steps done and not done, as
     * {@code readBack} shows them; {@code error} is why it stopped.
     */
    public ActionRecord partial(Containment containment, Verification readBack, String error, Instant now) {
        return change(ActionState.PARTIAL, now).containment(Objects.requireNonNull(containment, "containment"))
                .verification(Objects.requireNonNull(readBack, "readBack")).lastError(Objects.requireNonNull(error, "error")).build();
    }

    public ActionRecord verified(Verification verification, Instant now) {
        if (!Objects.requireNonNull(verification, "verification").inPostState()) {
            throw new IllegalArgumentException("action " + id + " is not in its post-state: " + verification.detail());
        }
        return change(ActionState.VERIFIED, now).verification(verification).lastError(null).build();
    }

    public ActionRecord rolledBack(RevertResult revert, Instant now) {
        return change(ActionState.ROLLED_BACK, now).revert(Objects.requireNonNull(revert, "revert")).build();
    }

    /** Same state; records a verification that did not find the post-state (or null) and why. */
    public ActionRecord unverified(Verification verification, String error, Instant now) {
        return change(state, now).verification(verification).lastError(Objects.requireNonNull(error, "error")).build();
    }

    /** Same state; records who confirmed it, so an expiring action is kept. */
    public ActionRecord confirmed(String by, Instant now) {
        return change(state, now).confirmedBy(Objects.requireNonNull(by, "by")).build();
    }

    private Change change(ActionState target, Instant now) {
        Objects.requireNonNull(now, "now");
        if (target != state) {
            state.requireMoveTo(target);
        }
        return new Change(this, target, now);
    }

    /** A mutable copy used only to build the next record. */
    private static final class Change {
        private final ActionRecord from;
        private final ActionState state;
        private final Instant now;
        private String approver;
        private Instant approvalExpiresAt;
        private String confirmedBy;
        private ExecutionResult execution;
        private Verification verification;
        private RevertResult revert;
        private Instant executedAt;
        private String lastError;
        private Containment containment;

        Change(ActionRecord from, ActionState state, Instant now) {
            this.from = from;
            this.state = state;
            this.now = now;
            this.approver = from.approver;
            this.approvalExpiresAt = from.approvalExpiresAt;
            this.confirmedBy = from.confirmedBy;
            this.execution = from.execution;
            this.verification = from.verification;
            this.revert = from.revert;
            this.executedAt = from.executedAt;
            this.lastError = from.lastError;
            this.containment = from.containment;
        }

        Change approver(String value) {
            approver = value;
            return this;
        }

        Change approvalExpiresAt(Instant value) {
            approvalExpiresAt = value;
            return this;
        }

        Change confirmedBy(String value) {
            confirmedBy = value;
            return this;
        }

        Change execution(ExecutionResult value) {
            execution = value;
            return this;
        }

        Change verification(Verification value) {
            verification = value;
            return this;
        }

        Change revert(RevertResult value) {
            revert = value;
            return this;
        }

        Change executedAt(Instant value) {
            executedAt = value;
            return this;
        }

        Change lastError(String value) {
            lastError = value;
            return this;
        }

        Change containment(Containment value) {
            containment = value;
            return this;
        }

        ActionRecord build() {
            return new ActionRecord(from.id, from.version + 1, from.decisionId, from.findingId, from.identityKey,
                    from.platform, from.plan, from.planDigest, from.idempotencyKey, state, from.requester, approver,
                    approvalExpiresAt, confirmedBy, execution, verification, revert, from.createdAt, now, executedAt,
                    lastError, from.findingConfidence, containment);
        }
    }
}

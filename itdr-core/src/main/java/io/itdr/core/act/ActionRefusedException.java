package io.itdr.core.act;

import java.util.Objects;

/**
 * A request about an action (approve, reject, roll back, confirm, ...) was refused; the action is
 * unchanged unless the method says otherwise. Callers (REST, CLI) branch on {@link #refusal()},
 * never on the message.
 */
public class ActionRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a request was refused. */
    public enum Refusal {
        /** No action has this id. */
        NOT_FOUND,
        /** The action is not in a state that allows the request (e.g. approving an executed action). */
        ILLEGAL_STATE,
        /** The approver is the requester: separation of duties forbids it. */
        SELF_APPROVAL,
        /** The approval request expired before it was answered. */
        APPROVAL_EXPIRED,
        /** The approval names a plan digest other than the action's current plan. */
        DIGEST_MISMATCH,
        /** The kill switch is engaged: no action that changes a platform starts. */
        KILL_SWITCH,
        /** No executor is registered for the action's platform. */
        NO_EXECUTOR,
        /** The action cannot be undone. */
        IRREVERSIBLE,
        /** The platform changed since the action: rollback would overwrite someone else's change. */
        DRIFT,
        /** The plan changes nothing (already in the post-state, nothing to revoke): there is nothing to approve. */
        NOTHING_TO_DO
    }

    private final Refusal refusal;

    public ActionRefusedException(Refusal refusal, String message) {
        this(refusal, message, null);
    }

    public ActionRefusedException(Refusal refusal, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.refusal = Objects.requireNonNull(refusal, "refusal");
    }

    public Refusal refusal() {
        return refusal;
    }
}

package io.itdr.core.audit;

/**
 * Kinds of ledger entry written outside the action lifecycle. Action state changes are written as
 * {@code action.<state>} (see {@code io.itdr.core.act.ActionState#ledgerKind()}).
 */
public final class LedgerKinds {
    public static final String FINDING = "finding";
    public static final String DECISION = "decision";
    /**
     * An event attached to a finding already reported, as more of it (the same rule matching
     * again within the open incident): evidence without a new finding or decision.
     */
    public static final String FINDING_EVIDENCE_ADDED = "finding.evidence_added";
    public static final String KILLSWITCH = "killswitch";
    /** What an action would have done, written in shadow mode instead of acting. */
    public static final String ACTION_SHADOW = "action.shadow";
    /** Executing an action was not even planned (no executor, planning failed, kill switch). */
    public static final String ACTION_NOT_PLANNED = "action.not_planned";
    /**
     * An action that would have been held for approval was not, because its plan changes nothing
     * (the target is already in the post-state, nothing to revoke); the entry says why.
     */
    public static final String ACTION_NOTHING_TO_DO = "action.nothing_to_do";
    /** Verification after execution did not find the post-state (or could not read it). */
    public static final String ACTION_UNVERIFIED = "action.unverified";
    /** A person confirmed an expiring action (e.g. a quarantine) so it is not restored automatically. */
    public static final String ACTION_CONFIRMED = "action.confirmed";
    /**
     * An expired action was not restored automatically because its finding was confident enough
     * (recovery {@code keep_at_confidence}); a person rolls it back or confirms it.
     */
    public static final String ACTION_RESTORE_WITHHELD = "action.restore_withheld";
    /** A person asked to roll an action back, with their reason; written before anything else is tried. */
    public static final String ACTION_ROLLBACK_REQUESTED = "action.rollback_requested";
    /** A person asked to keep an expiring action in force, with their reason; written before the confirmation. */
    public static final String ACTION_CONFIRM_REQUESTED = "action.confirm_requested";
    /**
     * A person asked to complete a partially carried out action (execute it again), with their
     * reason; written before anything else is tried.
     */
    public static final String ACTION_COMPLETE_REQUESTED = "action.complete_requested";
    /** Intent to revert, written before the connector is called. */
    public static final String ACTION_REVERTING = "action.reverting";
    /** A rollback was refused (drift, irreversible) or failed; the action's state is unchanged. */
    public static final String ACTION_ROLLBACK_REFUSED = "action.rollback_refused";
    public static final String ACTION_ROLLBACK_FAILED = "action.rollback_failed";

    /** An API token was issued (actor: the admin; evidence: token id, name, principal, roles, reason). */
    public static final String ADMIN_TOKEN_ISSUED = "admin.token_issued";
    /** An API token was revoked (actor: the admin; evidence: token id, name, principal, reason). */
    public static final String ADMIN_TOKEN_REVOKED = "admin.token_revoked";
    /** A tripped budget breaker was reset by a person, with their reason. */
    public static final String ADMIN_BREAKER_RESET = "admin.breaker_reset";
    /** A policy was activated at run time by an admin, with its hash and their reason. */
    public static final String ADMIN_POLICY_ACTIVATED = "admin.policy_activated";
    /**
     * A pushed event whose processing kept failing was moved to the ingest dead letters (actor
     * {@code system}; evidence: connector, backlog seq, event id, pusher, attempts, reason).
     */
    public static final String INGEST_DEAD_LETTERED = "ingest.dead_lettered";
    /** A person put a dead-lettered pushed event back into the ingest backlog, with their reason. */
    public static final String ADMIN_INGEST_REQUEUED = "admin.ingest_requeued";
    /** A person deleted a dead-lettered pushed event, with their reason. */
    public static final String ADMIN_INGEST_DROPPED = "admin.ingest_dropped";

    private LedgerKinds() {
    }
}

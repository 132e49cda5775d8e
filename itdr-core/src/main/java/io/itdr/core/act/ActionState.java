package io.itdr.core.act;

import java.util.Locale;
import java.util.Set;

/**
 * Where an action is in its lifecycle (DESIGN §6). The legal transitions:
 *
 * <pre>
 *   from        to
 *   planned     held (approval needed), executing (no approval needed),
 *               failed (stopped before it started: kill switch)
 *   held        approved, rejected, expired
 *   approved    executing, failed (re-plan differs from the approved plan or failed; kill switch)
 *   executing   executed, failed (the connector refused), unknown (timeout or unexpected error),
 *               held (a crash cut it off and the platform is not in the post-state: a person decides),
 *               partial (it stopped half-way: some of its steps done, the others untouched)
 *   unknown     executed, failed (reconciled by reading the platform, never by executing again),
 *               partial (reconciled: half done)
 *   partial     executing (a person completes it: executed again under its idempotency key, the
 *               steps done are not repeated), rolled_back (the steps done are reverted)
 *   executed    verified, rolled_back
 *   verified    rolled_back
 *   rejected, expired, failed, rolled_back: final
 * </pre>
 *
 * {@code executing → executed/held} is how {@code reconcile} settles an action a crash left in
 * {@code executing}: held, not failed, when the platform shows no change, since the call may never
 * have been made and the containment is still wanted.
 *
 * <p>{@code partial} is a multi-step action (several post-state values to reach) that stopped
 * half-way: read back, every value is either where the action left it or as it was before, and
 * there are some of each ({@link Containment}). It is neither failed (part of the containment is in
 * force) nor executed (part is not), and it is not final: a person completes or reverts it.
 */
public enum ActionState {
    PLANNED, HELD, APPROVED, REJECTED, EXPIRED, EXECUTING, EXECUTED, FAILED, UNKNOWN, PARTIAL, VERIFIED, ROLLED_BACK;

    /** Lower-case name as used in reports and ledger kinds ("rolled_back"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The ledger kind of an entry recording a move into this state: {@code action.<label>}. */
    public String ledgerKind() {
        return "action." + label();
    }

    public boolean canMoveTo(ActionState target) {
        return successors().contains(target);
    }

    /** The states reachable in one step; empty for a final state. */
    public Set<ActionState> successors() {
        return switch (this) {
            case PLANNED -> Set.of(HELD, EXECUTING, FAILED);
            case HELD -> Set.of(APPROVED, REJECTED, EXPIRED);
            case APPROVED -> Set.of(EXECUTING, FAILED);
            case EXECUTING -> Set.of(EXECUTED, FAILED, UNKNOWN, HELD, PARTIAL);
            case UNKNOWN -> Set.of(EXECUTED, FAILED, PARTIAL);
            case PARTIAL -> Set.of(EXECUTING, ROLLED_BACK);
            case EXECUTED -> Set.of(VERIFIED, ROLLED_BACK);
            case VERIFIED -> Set.of(ROLLED_BACK);
            case REJECTED, EXPIRED, FAILED, ROLLED_BACK -> Set.of();
        };
    }

    public boolean isFinal() {
        return successors().isEmpty();
    }

    /** @throws IllegalStateException naming both states when the move is not in the table above */
    void requireMoveTo(ActionState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("an action cannot move from " + label() + " to " + target.label()
                    + "; from " + label() + " it may move to " + successors().stream().map(ActionState::label).sorted().toList());
        }
    }
}

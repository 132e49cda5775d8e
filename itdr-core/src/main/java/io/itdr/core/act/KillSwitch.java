package io.itdr.core.act;

import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Stage;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The global emergency stop (DESIGN §3 gate): while engaged, no action that changes a platform
 * starts (observing rungs never reach a connector, so they are unaffected), and automatic restores
 * pause. People may still roll actions back by hand: undoing is what an operator pulling the
 * switch usually needs next.
 *
 * <p>Every change is ledgered ({@code killswitch}, stage containment). Engaging is safe whatever
 * happens, so the switch engages even when the ledger fails (and the failure is rethrown);
 * releasing is ledgered first and does not happen if the ledger fails.
 *
 * <p>Thread-safe.
 */
public final class KillSwitch {

    /**
     * @param engaged whether actions are stopped
     * @param actor   who last engaged or released it; null if nobody ever did
     * @param reason  why; null if nobody ever did
     * @param since   when; null if nobody ever did
     */
    public record State(boolean engaged, String actor, String reason, Instant since) {
    }

    private final Ledger ledger;
    private final Clock clock;
    private volatile State state = new State(false, null, null, null);

    public KillSwitch(Ledger ledger, Clock clock) {
        this.ledger = Objects.requireNonNull(ledger, "ledger");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Stops every platform-changing action. Engaging an engaged switch changes nothing and is not ledgered. */
    public synchronized State engage(String actor, String reason) {
        requireText(actor, "actor");
        requireText(reason, "reason");
        if (state.engaged()) {
            return state;
        }
        state = new State(true, actor, reason, clock.instant());
        ledger.append(entry(actor, reason, "engaged"));
        return state;
    }

    /** Lets actions start again. Releasing a released switch changes nothing and is not ledgered. */
    public synchronized State release(String actor, String reason) {
        requireText(actor, "actor");
        requireText(reason, "reason");
        if (!state.engaged()) {
            return state;
        }
        ledger.append(entry(actor, reason, "released"));
        state = new State(false, actor, reason, clock.instant());
        return state;
    }

    public boolean isEngaged() {
        return state.engaged();
    }

    public State state() {
        return state;
    }

    private static LedgerDraft entry(String actor, String reason, String result) {
        return new LedgerDraft(null, Stage.CONTAINMENT, LedgerKinds.KILLSWITCH, actor, null, Map.of("reason", reason), result);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required to operate the kill switch");
        }
    }
}

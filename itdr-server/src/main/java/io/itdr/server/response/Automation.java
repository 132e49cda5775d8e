package io.itdr.server.response;

import io.itdr.core.act.KillSwitch;
import io.itdr.server.store.JdbcAutomationStore;
import java.util.Objects;

/**
 * The global kill switch with its state kept in the database: engaged or released through here,
 * ledgered by the core's {@link KillSwitch}, and engaged again at start-up when it was engaged when
 * the server stopped. Thread-safe.
 */
public final class Automation {
    private final KillSwitch killSwitch;
    private final JdbcAutomationStore store;

    public Automation(KillSwitch killSwitch, JdbcAutomationStore store, String systemActor) {
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
        this.store = Objects.requireNonNull(store, "store");
        store.load().filter(KillSwitch.State::engaged).ifPresent(previous -> killSwitch.engage(systemActor,
                "engaged again at start-up: it was engaged by " + previous.actor() + " at " + previous.since() + ": " + previous.reason()));
    }

    /** Engages the switch; engaging an engaged switch changes nothing. */
    public synchronized KillSwitch.State engage(String actor, String reason) {
        return saved(killSwitch.state(), killSwitch.engage(actor, reason));
    }

    /** Releases the switch; releasing a released (or never engaged) switch changes nothing. */
    public synchronized KillSwitch.State release(String actor, String reason) {
        return saved(killSwitch.state(), killSwitch.release(actor, reason));
    }

    private KillSwitch.State saved(KillSwitch.State before, KillSwitch.State after) {
        if (!after.equals(before)) {
            store.save(after);
        }
        return after;
    }

    public KillSwitch.State state() {
        return killSwitch.state();
    }
}

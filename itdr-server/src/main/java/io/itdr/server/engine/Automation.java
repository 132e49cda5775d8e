package io.itdr.server.engine;

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

    public Automation(KillSwitch killSwitch, JdbcAutomationStore store) {
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
        this.store = Objects.requireNonNull(store, "store");
        store.load().filter(KillSwitch.State::engaged).ifPresent(previous -> killSwitch.engage(Engine.SYSTEM_ACTOR,
                "engaged again at start-up: it was engaged by " + previous.actor() + " at " + previous.since() + ": " + previous.reason()));
    }

    public synchronized KillSwitch.State engage(String actor, String reason) {
        KillSwitch.State state = killSwitch.engage(actor, reason);
        store.save(state);
        return state;
    }

    public synchronized KillSwitch.State release(String actor, String reason) {
        KillSwitch.State state = killSwitch.release(actor, reason);
        store.save(state);
        return state;
    }

    public KillSwitch.State state() {
        return killSwitch.state();
    }
}

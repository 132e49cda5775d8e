package io.itdr.connector.tck;

import io.itdr.spi.action.ActionTarget;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A connector's simulation of its platform, with state, that the kit drives and reads to check
 * the connector from the outside. Each connector's test implements it over its own simulator
 * (WireMock stubs, an in-memory fake); the kit never sees how.
 *
 * <p>The kit calls {@link #reset()} before every check, then only from the test thread. Methods
 * for a behaviour the test does not declare are never called; their defaults say which
 * behaviour needs them.
 */
public interface Sandbox {

    /**
     * Back to the initial estate: the identities and credentials the action requests name, in
     * their initial state; an empty telemetry feed; no fault; call counts at zero.
     */
    void reset();

    /**
     * Mutating platform calls received since the last reset, counted by the simulator (not by the
     * connector), including calls that were answered with a fault.
     */
    int mutatingCallCount();

    /** From now until the next reset, every platform call answers with {@code fault}. */
    void injectFault(Fault fault);

    /**
     * Appends {@code records} records to the end of the telemetry feed, in order.
     *
     * @param malformedAt 0-based positions among the new records that are malformed: readable as a
     *                    whole page, but a record the connector cannot normalize (a time that is
     *                    not a time, a missing actor)
     * @return the {@link io.itdr.spi.event.IdentityEvent#id() event ids} the well-formed new records
     *         must be normalized to, in feed order
     */
    default List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        throw needs("seedTelemetry", "TELEMETRY_POLL, TELEMETRY_NORMALIZE or EXPORT_NORMALIZER");
    }

    /** Every record seeded since the reset, malformed ones included, as the platform exports or pushes them. */
    default RawExport exportTelemetry() {
        throw needs("exportTelemetry", "TELEMETRY_NORMALIZE or EXPORT_NORMALIZER");
    }

    /** The ids of every identity in the estate now; at least two, so that listing pages. */
    default Set<String> identityIds() {
        throw needs("identityIds", "INVENTORY");
    }

    /**
     * The platform's own record of everything an action on {@code target} can touch (statuses of
     * the identity and its credentials, sessions), flattened to key → value. The kit compares it
     * before and after to see effects, exact restores and untouched drift.
     */
    default Map<String, String> snapshotOf(ActionTarget target) {
        throw needs("snapshotOf", "ACTIONS");
    }

    /**
     * Changes the target the way a person at the platform's console would, after an action ran
     * (e.g. re-activates the key the action deactivated), so that it is no longer in the action's
     * post-state. Must change {@link #snapshotOf}.
     */
    default void applyOutOfBandChange(ActionTarget target) {
        throw needs("applyOutOfBandChange", "ACTIONS");
    }

    /**
     * The next mutating call (as {@link #mutatingCallCount()} counts them) meets {@code fault}:
     * refused unapplied ({@link MutatingFault#THROTTLED}) or carried out with its answer lost; every
     * later call is answered normally. Cleared by {@link #reset()}.
     */
    default void faultNextMutatingCall(MutatingFault fault) {
        throw needs("faultNextMutatingCall", "ACTIONS (the kit's checks of faults on mutating calls)");
    }

    /**
     * Whether the fault of {@link #faultNextMutatingCall} has not met a call yet (the kit checks that
     * it did, so that a predicate that misses the connector's calls cannot pass the check vacuously).
     */
    default boolean mutatingFaultPending() {
        throw needs("mutatingFaultPending", "ACTIONS (the kit's checks of faults on mutating calls)");
    }

    private UnsupportedOperationException needs(String method, String behaviors) {
        return new UnsupportedOperationException(getClass().getName() + " must implement Sandbox." + method
                + "() because the test declares " + behaviors);
    }
}

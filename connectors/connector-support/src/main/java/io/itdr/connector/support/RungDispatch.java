package io.itdr.connector.support;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Which action carries out which rung, written once for every executor: the rungs and their
 * reversibility ({@link io.itdr.spi.action.ActionExecutor#rungs()}), the action for a request
 * (refusing a rung not offered with the standard {@code NOT_SUPPORTED} error), and the action for
 * a plan handed back to execute, verify or revert, after checking that this connector made it.
 *
 * <p>A rung is carried out either by one action ({@link Builder#rung}), found again by the plan's
 * rung, or by one of several named actions chosen by the target ({@link Builder#choose}), found
 * again by the plan's {@value #ACTION} detail, which that action's {@code plan()} must set to its
 * name. A plan is refused with {@code INTERNAL} when another connector made it, when it lacks that
 * detail or names an action this connector does not have, and when the action it names is not
 * the one chosen for the plan's own target.
 *
 * <p>Immutable and thread-safe once built, when the choosers are (they should be pure functions of
 * the request). {@code A} is whatever the connector calls an action: a {@link PlannedAction} for
 * {@link SnapshotActionExecutor}, or the connector's own type.
 *
 * @param <A> the connector's action type
 */
public final class RungDispatch<A> {
    /** The plan detail naming the action that made a plan of a rung whose action is chosen by target. */
    public static final String ACTION = "action";

    /** How one rung is carried out: a fixed action, or a chooser of a named one. */
    private record Entry<A>(Reversibility reversibility, A action, Function<ActionRequest, String> chooser) {
    }

    private final String connectorId;
    private final Map<Rung, Entry<A>> entries;
    private final Map<Rung, Reversibility> rungs;
    private final Map<String, A> named;

    private RungDispatch(Builder<A> builder) {
        this.connectorId = builder.connectorId;
        this.entries = Collections.unmodifiableMap(new EnumMap<>(builder.entries));
        Map<Rung, Reversibility> classes = new EnumMap<>(Rung.class);
        builder.entries.forEach((rung, entry) -> classes.put(rung, entry.reversibility()));
        this.rungs = Collections.unmodifiableMap(classes);
        this.named = Collections.unmodifiableMap(new LinkedHashMap<>(builder.named));
    }

    /**
     * A dispatch for the connector {@code connectorId}.
     *
     * @param connectorId the id plans are made under, for the ownership check and the standard refusal; never null
     */
    public static <A> Builder<A> builder(String connectorId) {
        return new Builder<>(connectorId);
    }

    /** The connector's id; never null. */
    public String connectorId() {
        return connectorId;
    }

    /** The rungs offered, each with its reversibility class; never null, unmodifiable. */
    public Map<Rung, Reversibility> rungs() {
        return rungs;
    }

    /**
     * The action for {@code request}.
     *
     * @param request never null
     * @return the action; never null
     * @throws ConnectorException {@code NOT_SUPPORTED} for a rung not offered, or whatever the rung's
     *         chooser throws for a target it does not act on (see {@link ActionTargets#refuse})
     */
    public A forRequest(ActionRequest request) {
        Objects.requireNonNull(request, "request");
        Entry<A> entry = entry(request.rung());
        if (entry.action() != null) {
            return entry.action();
        }
        String name = entry.chooser().apply(request);
        A action = named.get(name);
        if (action == null) {
            throw new IllegalStateException("the chooser of " + request.rung().policyName() + " named action '" + name
                    + "', which was not added to the dispatch");
        }
        return action;
    }

    /**
     * The action that made {@code plan}, once {@code plan} is known to be this connector's.
     *
     * @param plan a plan handed back to execute, verify or revert; never null
     * @return the action; never null
     * @throws ConnectorException {@code INTERNAL} when another connector made the plan, or it does not
     *         name this connector's action for its target (above); {@code NOT_SUPPORTED} for a rung not offered
     */
    public A forPlan(ActionPlan plan) {
        Objects.requireNonNull(plan, "plan");
        if (!plan.connectorId().equals(connectorId)) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan was made by connector '" + plan.connectorId()
                    + "', not '" + connectorId + "'");
        }
        Entry<A> entry = entry(plan.request().rung());
        if (entry.action() != null) {
            return entry.action();
        }
        String name = PlanDetails.require(plan, ACTION);
        A action = named.get(name);
        if (action == null) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan names action '" + name + "', which this connector does not have");
        }
        String chosen = entry.chooser().apply(plan.request());
        if (!chosen.equals(name)) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan names action '" + name + "', but this connector carries out "
                    + plan.request().rung().policyName() + " for " + ActionTargets.describe(plan.request().target())
                    + " with '" + chosen + "'");
        }
        return action;
    }

    private Entry<A> entry(Rung rung) {
        Entry<A> entry = entries.get(Objects.requireNonNull(rung, "rung"));
        if (entry == null) {
            throw ConnectorException.notSupported(connectorId, "rung " + rung.policyName());
        }
        return entry;
    }

    @Override
    public String toString() {
        return "RungDispatch[" + connectorId + ", " + rungs + "]";
    }

    /** Collects the rungs and actions of a {@link RungDispatch}. Not thread-safe; build once. */
    public static final class Builder<A> {
        private final String connectorId;
        private final Map<Rung, Entry<A>> entries = new EnumMap<>(Rung.class);
        private final Map<String, A> named = new LinkedHashMap<>();

        private Builder(String connectorId) {
            this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        }

        /**
         * {@code rung} is carried out by {@code action}, whatever the target.
         *
         * @throws IllegalArgumentException for an observing rung or a rung added before
         */
        public Builder<A> rung(Rung rung, Reversibility reversibility, A action) {
            return add(rung, new Entry<>(Objects.requireNonNull(reversibility, "reversibility"), Objects.requireNonNull(action, "action"), null));
        }

        /**
         * {@code rung} is carried out by the action {@code chooser} names for the request's target
         * (one added with {@link #action}); the chooser refuses a target it does not act on with
         * {@link ActionTargets#refuse}. Plans of this rung must carry the name in their {@value #ACTION} detail.
         *
         * @throws IllegalArgumentException for an observing rung or a rung added before
         */
        public Builder<A> choose(Rung rung, Reversibility reversibility, Function<ActionRequest, String> chooser) {
            return add(rung, new Entry<>(Objects.requireNonNull(reversibility, "reversibility"), null, Objects.requireNonNull(chooser, "chooser")));
        }

        /**
         * An action a chooser may name.
         *
         * @throws IllegalArgumentException when the name was added before
         */
        public Builder<A> action(String name, A action) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
            if (named.putIfAbsent(name, action) != null) {
                throw new IllegalArgumentException("action '" + name + "' added twice");
            }
            return this;
        }

        private Builder<A> add(Rung rung, Entry<A> entry) {
            Objects.requireNonNull(rung, "rung");
            if (rung.isObserving()) {
                throw new IllegalArgumentException("rung " + rung.policyName() + " changes nothing on a platform");
            }
            if (entries.putIfAbsent(rung, entry) != null) {
                throw new IllegalArgumentException("rung " + rung.policyName() + " added twice");
            }
            return this;
        }

        /** The dispatch; later changes to this builder do not reach it. */
        public RungDispatch<A> build() {
            return new RungDispatch<>(this);
        }
    }
}

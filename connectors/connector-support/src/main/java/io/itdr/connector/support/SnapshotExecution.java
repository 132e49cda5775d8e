package io.itdr.connector.support;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.action.Verification;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The execute, verify and revert halves of the {@link io.itdr.spi.action.ActionExecutor} contract
 * for actions whose effect reads back as a snapshot ({@link StateAction}), shared by connectors:
 * <ul>
 *   <li>execute is idempotent: a key seen before, or a target already in the post-state (when the
 *       action can see its whole effect), answers {@code alreadyApplied} with no mutating call.
 *       Keys are remembered in memory, the most recent {@code rememberedKeys} of them; older ones
 *       are settled by the engine reading the state back with verify;</li>
 *   <li>verify reads the state back and names what differs from the post-state;</li>
 *   <li>revert refuses an irreversible plan with the standard error, refuses with {@code DRIFT}
 *       when the state is no longer the post-state unless forced, and makes no call when the
 *       target is already in the pre-state.</li>
 * </ul>
 * Thread-safe.
 */
public final class SnapshotExecution {
    private final String connectorId;
    private final Map<String, Boolean> appliedKeys;

    /**
     * @param connectorId    the connector, for the standard refusal; never null
     * @param rememberedKeys how many idempotency keys to remember; at least 1
     */
    public SnapshotExecution(String connectorId, int rememberedKeys) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        if (rememberedKeys < 1) {
            throw new IllegalArgumentException("rememberedKeys must be at least 1");
        }
        this.appliedKeys = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > rememberedKeys;
            }
        });
    }

    public ExecutionResult execute(StateAction action, ActionPlan plan, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        if (appliedKeys.containsKey(idempotencyKey)) {
            return new ExecutionResult(idempotencyKey, true, List.of(), action.observe(plan));
        }
        Snapshot current = action.observe(plan);
        ExecutionResult result;
        if (action.observesWholeEffect() && current.sameStateAs(plan.postState())) {
            result = new ExecutionResult(idempotencyKey, true, List.of(), current);
        } else {
            List<PlatformCall> performed = action.apply(plan);
            result = new ExecutionResult(idempotencyKey, false, performed, action.observe(plan));
        }
        appliedKeys.put(idempotencyKey, Boolean.TRUE);
        return result;
    }

    public Verification verify(StateAction action, ActionPlan plan) {
        Snapshot observed = action.observe(plan);
        return new Verification(observed.sameStateAs(plan.postState()), observed, differences(plan.postState(), observed));
    }

    public RevertResult revert(StateAction action, ActionPlan plan, boolean force) {
        if (!plan.reversibility().canRevert()) {
            throw ConnectorException.notSupported(connectorId, "reverting an irreversible " + plan.request().rung().policyName()
                    + " (" + plan.summary() + ")");
        }
        Snapshot current = action.observe(plan);
        if (!force && !current.sameStateAs(plan.postState())) {
            throw new ConnectorException(ErrorCode.DRIFT, "will not revert " + plan.request().rung().policyName()
                    + ": the state changed since the action (" + differences(plan.postState(), current)
                    + "); an approver may force it");
        }
        if (current.sameStateAs(plan.preState())) {
            return new RevertResult(current, List.of());
        }
        List<PlatformCall> performed = action.restore(plan);
        return new RevertResult(action.observe(plan), performed);
    }

    /**
     * A snapshot of one value under one key, taken now: the state of most single switches (a key's
     * status, whether a policy is attached).
     *
     * @param clock never null
     * @param key   never null
     * @param value never null
     */
    public static Snapshot snapshot(Clock clock, String key, String value) {
        return new Snapshot(Map.of(key, value), clock.instant());
    }

    /**
     * The value of a one-value snapshot (see {@link #snapshot}).
     *
     * @throws ConnectorException {@code INTERNAL} when it holds more or fewer values: a plan not made by this connector
     */
    public static String onlyValue(Snapshot snapshot) {
        if (snapshot.state().size() != 1) {
            throw new ConnectorException(ErrorCode.INTERNAL, "expected a one-value snapshot, found " + snapshot.state().keySet());
        }
        return snapshot.state().values().iterator().next();
    }

    /** What differs between the expected and the observed state, for people; empty when nothing does. */
    public static String differences(Snapshot expected, Snapshot observed) {
        TreeSet<String> keys = new TreeSet<>(expected.state().keySet());
        keys.addAll(observed.state().keySet());
        StringBuilder b = new StringBuilder();
        for (String key : keys) {
            String want = expected.state().get(key);
            String got = observed.state().get(key);
            if (!Objects.equals(want, got)) {
                b.append(b.length() == 0 ? "" : "; ").append(key).append(": expected ").append(shorten(want))
                        .append(", found ").append(shorten(got));
            }
        }
        return b.toString();
    }

    private static String shorten(String value) {
        return value == null ? "nothing" : value.length() > 120 ? value.substring(0, 120) + "…" : value;
    }
}

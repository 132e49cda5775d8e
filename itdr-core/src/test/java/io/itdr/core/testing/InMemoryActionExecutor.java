package io.itdr.core.testing;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.action.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An {@link ActionExecutor} over an {@link InMemoryPlatform}, with the real contract: plan reads
 * only; execute is idempotent by key, answers {@code alreadyApplied} when the target is already in
 * the post-state, and refuses with {@code CONFLICT} when the state changed since the plan (unless an
 * execution under the same key stopped half-way: executing again completes it without repeating a step); verify
 * compares the platform with the plan's post-state; revert refuses with {@code DRIFT} unless the
 * platform is still in the post-state (or {@code force}), and restores the pre-state.
 *
 * <p>Rungs (overridable per test, e.g. to declare one irreversible):
 * <ul>
 *   <li>quarantine_session, compensable: turn the session quarantine on and revoke live sessions;
 *       revert lifts the quarantine, but revoked sessions stay revoked;
 *   <li>disable_credential, reversible: deactivate the target credential;
 *   <li>rotate_credential, compensable: create {@code <old>-r<n>} and deactivate the old one;
 *       revert reactivates the old and deactivates (does not delete) the new one;
 *   <li>disable_identity, reversible: disable the identity and attach the deny-all policy.
 * </ul>
 *
 * <p>For tests it records every method call ({@link #invocations()}), counts mutating platform
 * calls ({@link #mutatingCalls()}), and can fail the next call of a step ({@link #failNext}).
 * Thread-safe: steps that read and change the platform hold the platform's lock.
 */
public final class InMemoryActionExecutor implements ActionExecutor {
    public static final String CONNECTOR_ID = "memory";

    /** The rungs and reversibility classes offered unless a test overrides them. */
    public static final Map<Rung, Reversibility> DEFAULT_RUNGS = Collections.unmodifiableMap(new EnumMap<>(Map.of(
            Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE,
            Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE,
            Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE,
            Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE)));

    /** The executor method a fault is injected into. */
    public enum Step { PLAN, EXECUTE, VERIFY, REVERT }

    /** What an injected fault does. "After apply" faults change the platform, then throw. */
    public enum Fault {
        TIMEOUT_BEFORE_APPLY, TIMEOUT_AFTER_APPLY, THROTTLED, UNAVAILABLE, UNAVAILABLE_AFTER_APPLY, NOT_FOUND, UNEXPECTED_AFTER_APPLY,
        /** The first call of a multi-step execution is made, the second answered 503 (retriable): half done. */
        UNAVAILABLE_HALF_WAY,
        /** The first call of a multi-step execution is made, the second refused (permission denied): half done. */
        DENIED_HALF_WAY,
        /** The first call of a multi-step execution is made, the second not answered in time: outcome unknown. */
        TIMEOUT_HALF_WAY;

        boolean halfWay() {
            return this == UNAVAILABLE_HALF_WAY || this == DENIED_HALF_WAY || this == TIMEOUT_HALF_WAY;
        }

        boolean afterApply() {
            return this == TIMEOUT_AFTER_APPLY || this == UNEXPECTED_AFTER_APPLY || this == UNAVAILABLE_AFTER_APPLY;
        }

        RuntimeException exception(Step step) {
            String where = "injected fault in " + step.name().toLowerCase(Locale.ROOT);
            return switch (this) {
                case TIMEOUT_BEFORE_APPLY, TIMEOUT_AFTER_APPLY, TIMEOUT_HALF_WAY -> new ConnectorException(ErrorCode.TIMEOUT, where + ": no answer in time");
                case THROTTLED -> ConnectorException.retriable(ErrorCode.THROTTLED, where + ": rate exceeded", Duration.ofSeconds(2), null);
                case UNAVAILABLE -> ConnectorException.retriable(ErrorCode.UNAVAILABLE, where + ": HTTP 503", null, null);
                case UNAVAILABLE_AFTER_APPLY -> ConnectorException.retriable(ErrorCode.UNAVAILABLE, where + ": connection reset", null, null);
                case NOT_FOUND -> new ConnectorException(ErrorCode.NOT_FOUND, where + ": target not found");
                case UNEXPECTED_AFTER_APPLY -> new IllegalStateException(where + ": connection reset");
                case UNAVAILABLE_HALF_WAY -> ConnectorException.retriable(ErrorCode.UNAVAILABLE, where + ": HTTP 503 on its second call",
                        null, null);
                case DENIED_HALF_WAY -> new ConnectorException(ErrorCode.PERMISSION_DENIED, where + ": its second call was denied");
            };
        }
    }

    private final InMemoryPlatform platform;
    private final Clock clock;
    private final Map<Rung, Reversibility> rungs;
    private final List<String> invocations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, ExecutionResult> appliedByKey = new HashMap<>();
    private final Map<Step, Deque<Fault>> faults = new EnumMap<>(Step.class);
    /** Idempotency keys whose execution stopped half-way: executing again under one completes it. */
    private final Set<String> stoppedHalfWay = new java.util.HashSet<>();
    private int mutatingCalls;

    public InMemoryActionExecutor(InMemoryPlatform platform, Clock clock) {
        this(platform, clock, DEFAULT_RUNGS);
    }

    /** @param rungs the rungs offered and their reversibility, replacing {@link #DEFAULT_RUNGS} */
    public InMemoryActionExecutor(InMemoryPlatform platform, Clock clock, Map<Rung, Reversibility> rungs) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rungs = Collections.unmodifiableMap(new EnumMap<>(rungs));
        for (Rung rung : rungs.keySet()) {
            if (!DEFAULT_RUNGS.containsKey(rung)) {
                throw new IllegalArgumentException("the in-memory platform cannot carry out " + rung.policyName());
            }
        }
    }

    /** Makes the next call of {@code step} fail with {@code fault} (queued: one fault per call). */
    public synchronized void failNext(Step step, Fault fault) {
        faults.computeIfAbsent(step, s -> new ArrayDeque<>()).add(fault);
    }

    /** Names of the methods called so far, in order ("rungs", "plan", "execute", "verify", "revert"). */
    public List<String> invocations() {
        synchronized (invocations) {
            return List.copyOf(invocations);
        }
    }

    /** Mutating platform calls made by execute and revert so far. */
    public synchronized int mutatingCalls() {
        return mutatingCalls;
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        invocations.add("rungs");
        return rungs;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        invocations.add("plan");
        Objects.requireNonNull(request, "request");
        Fault fault = nextFault(Step.PLAN);
        if (fault != null) {
            throw fault.exception(Step.PLAN);
        }
        Reversibility reversibility = rungs.get(request.rung());
        if (reversibility == null) {
            throw ConnectorException.notSupported(CONNECTOR_ID, "rung " + request.rung().policyName());
        }
        ActionTarget target = request.target();
        String id = target.identity().id();
        synchronized (platform) {
            if (!platform.hasIdentity(id)) {
                throw new ConnectorException(ErrorCode.NOT_FOUND, "identity " + id + " does not exist");
            }
            Map<String, String> details = new TreeMap<>(request.parameters());
            details.put("identity", id);
            Map<String, String> post = new TreeMap<>();
            switch (request.rung()) {
                case QUARANTINE_SESSION -> {
                    post.put(InMemoryPlatform.sessionQuarantineKey(id), "on");
                    post.put(InMemoryPlatform.sessionsKey(id), "");
                }
                case DISABLE_CREDENTIAL -> post.put(InMemoryPlatform.credentialKey(id, credential(target)), "Inactive");
                case ROTATE_CREDENTIAL -> {
                    String old = credential(target);
                    String fresh = newCredentialId(id, old);
                    post.put(InMemoryPlatform.credentialKey(id, old), "Inactive");
                    post.put(InMemoryPlatform.credentialKey(id, fresh), "Active");
                    details.put("newCredential", fresh);
                }
                case DISABLE_IDENTITY -> {
                    post.put(InMemoryPlatform.enabledKey(id), "false");
                    post.put(InMemoryPlatform.denyPolicyKey(id), "attached");
                }
                default -> throw ConnectorException.notSupported(CONNECTOR_ID, "rung " + request.rung().policyName());
            }
            Map<String, String> pre = platform.read(post.keySet());
            List<PlatformCall> calls = new ArrayList<>();
            post.forEach((key, value) -> {
                if (!value.equals(pre.get(key))) {
                    calls.add(new PlatformCall(operation(key, pre.get(key), value), key, true));
                }
            });
            return new ActionPlan(CONNECTOR_ID, request, calls, reversibility, snapshot(pre), snapshot(post),
                    request.rung().policyName() + " on " + id + (target.credential() == null ? "" : " credential " + target.credential().id()),
                    details);
        }
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        invocations.add("execute");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Fault fault = nextFault(Step.EXECUTE);
        if (fault != null && !fault.afterApply() && !fault.halfWay()) {
            throw fault.exception(Step.EXECUTE);
        }
        requireOwnPlan(plan);
        ExecutionResult result;
        synchronized (platform) {
            ExecutionResult earlier = appliedByKey.get(idempotencyKey);
            if (earlier != null) {
                return new ExecutionResult(idempotencyKey, true, List.of(), observe(plan.postState()));
            }
            Map<String, String> current = platform.read(plan.postState().state().keySet());
            if (current.equals(plan.postState().state())) {
                result = new ExecutionResult(idempotencyKey, true, List.of(), snapshot(current));
            } else if (!current.equals(plan.preState().state()) && !completing(idempotencyKey, plan, current)) {
                throw new ConnectorException(ErrorCode.CONFLICT, "the target changed since it was planned: "
                        + difference(plan.preState().state(), current));
            } else {
                List<PlatformCall> performed = new ArrayList<>();
                for (Map.Entry<String, String> step : plan.postState().state().entrySet()) {
                    if (!step.getValue().equals(current.get(step.getKey()))) {
                        if (fault != null && fault.halfWay() && !performed.isEmpty()) {
                            stoppedHalfWay.add(idempotencyKey);
                            throw fault.exception(Step.EXECUTE);
                        }
                        performed.add(change(step.getKey(), current.get(step.getKey()), step.getValue()));
                    }
                }
                stoppedHalfWay.remove(idempotencyKey);
                result = new ExecutionResult(idempotencyKey, false, performed, observe(plan.postState()));
            }
            appliedByKey.put(idempotencyKey, result);
        }
        if (fault != null) {
            throw fault.exception(Step.EXECUTE);
        }
        return result;
    }

    /** Whether this is a retry of an execution that stopped half-way and the target shows only its own steps. */
    private boolean completing(String idempotencyKey, ActionPlan plan, Map<String, String> current) {
        if (!stoppedHalfWay.contains(idempotencyKey)) {
            return false;
        }
        return plan.postState().state().entrySet().stream().allMatch(step -> step.getValue().equals(current.get(step.getKey()))
                || Objects.equals(plan.preState().state().get(step.getKey()), current.get(step.getKey())));
    }

    @Override
    public Verification verify(ActionPlan plan) {
        invocations.add("verify");
        Objects.requireNonNull(plan, "plan");
        Fault fault = nextFault(Step.VERIFY);
        if (fault != null) {
            throw fault.exception(Step.VERIFY);
        }
        requireOwnPlan(plan);
        Snapshot observed = observe(plan.postState());
        return new Verification(observed.sameStateAs(plan.postState()), observed,
                difference(plan.postState().state(), observed.state()));
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        invocations.add("revert");
        Objects.requireNonNull(plan, "plan");
        Fault fault = nextFault(Step.REVERT);
        if (fault != null && !fault.afterApply()) {
            throw fault.exception(Step.REVERT);
        }
        requireOwnPlan(plan);
        if (!plan.reversibility().canRevert()) {
            throw ConnectorException.notSupported(CONNECTOR_ID, "reverting an irreversible action (" + plan.summary() + ")");
        }
        RevertResult result;
        synchronized (platform) {
            Map<String, String> current = platform.read(plan.postState().state().keySet());
            if (!force && !current.equals(plan.postState().state())) {
                throw new ConnectorException(ErrorCode.DRIFT, "the target is no longer in the state the action left: "
                        + difference(plan.postState().state(), current));
            }
            List<PlatformCall> performed = new ArrayList<>();
            plan.preState().state().forEach((key, wanted) -> {
                String now = current.get(key);
                if (key.endsWith("/sessions")) {
                    return; // revoked sessions cannot come back: lifting the quarantine compensates
                }
                // a credential created by the action had its secret handed out: deactivate, never delete
                String target = InMemoryPlatform.ABSENT.equals(wanted) ? "Inactive" : wanted;
                if (!target.equals(now)) {
                    performed.add(change(key, now, target));
                }
            });
            result = new RevertResult(observe(plan.preState()), performed);
        }
        if (fault != null) {
            throw fault.exception(Step.REVERT);
        }
        return result;
    }

    private PlatformCall change(String key, String from, String to) {
        platform.write(key, to);
        synchronized (this) {
            mutatingCalls++;
        }
        return new PlatformCall(operation(key, from, to), key, true);
    }

    private synchronized Fault nextFault(Step step) {
        Deque<Fault> queued = faults.get(step);
        return queued == null ? null : queued.poll();
    }

    private Snapshot observe(Snapshot like) {
        return snapshot(platform.read(like.state().keySet()));
    }

    private Snapshot snapshot(Map<String, String> state) {
        return new Snapshot(state, clock.instant());
    }

    private String newCredentialId(String identityId, String old) {
        Set<String> existing = platform.credentialsOf(identityId);
        int n = existing.size() + 1;
        while (existing.contains(old + "-r" + n)) {
            n++;
        }
        return old + "-r" + n;
    }

    private String credential(ActionTarget target) {
        if (target.credential() == null) {
            throw new ConnectorException(ErrorCode.CONFLICT, "a credential rung needs a target credential (identity "
                    + target.identity().id() + ")");
        }
        String credentialId = target.credential().id();
        if (!platform.hasCredential(target.identity().id(), credentialId)) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "credential " + credentialId + " of identity "
                    + target.identity().id() + " does not exist");
        }
        return credentialId;
    }

    private static void requireOwnPlan(ActionPlan plan) {
        if (!CONNECTOR_ID.equals(plan.connectorId())) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan of connector " + plan.connectorId() + " given to " + CONNECTOR_ID);
        }
    }

    private static String operation(String key, String from, String to) {
        if (key.endsWith("/enabled")) {
            return "true".equals(to) ? "identity:Enable" : "identity:Disable";
        }
        if (key.endsWith("/denyPolicy")) {
            return "attached".equals(to) ? "policy:AttachDenyAll" : "policy:DetachDenyAll";
        }
        if (key.endsWith("/sessionQuarantine")) {
            return "on".equals(to) ? "sessions:Quarantine" : "sessions:LiftQuarantine";
        }
        if (key.endsWith("/sessions")) {
            return "sessions:RevokeAll";
        }
        if (InMemoryPlatform.ABSENT.equals(from)) {
            return "credential:Create";
        }
        return "Active".equals(to) ? "credential:Activate" : "credential:Deactivate";
    }

    /** "key: expected → actual" for every key that differs; empty when none does. */
    static String difference(Map<String, String> expected, Map<String, String> actual) {
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        Map<String, String> diffs = new LinkedHashMap<>();
        for (String key : keys) {
            if (!Objects.equals(expected.get(key), actual.get(key))) {
                diffs.put(key, expected.get(key) + " → " + actual.get(key));
            }
        }
        return diffs.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse("");
    }
}

package io.itdr.server.api;

import io.itdr.connector.support.SnapshotExecution;
import io.itdr.connector.support.StateAction;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.action.Verification;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test connector ({@value #ID}) whose one action takes two platform calls, so that a server test
 * can make it fail half-way: disable_identity revokes an app's two grants ({@code read}, then
 * {@code write}), each its own call, on an in-memory platform ({@link #PLATFORM}); with
 * {@link #FAIL_SECOND_CALL} set, the second call of the next execution is answered 503. Its
 * execute, verify and revert are connector-support's {@link SnapshotExecution}, as the real
 * connectors': executing again does only what is left; revert refuses with DRIFT outside the
 * post-state unless forced. Found on the server test class path (META-INF/services); it runs only
 * where {@code itdr.connectors.stepwise.enabled} is set.
 */
public final class StepwiseConnectorFactory implements ConnectorFactory {
    public static final String ID = "stepwise";
    public static final String GRANTED = "granted";
    public static final String REVOKED = "revoked";
    /** The platform: grant key → granted or revoked. */
    public static final Map<String, String> PLATFORM = new ConcurrentHashMap<>();
    public static final AtomicBoolean FAIL_SECOND_CALL = new AtomicBoolean();
    /** Mutating calls that reached the platform, execute and revert alike. */
    public static final AtomicInteger MUTATING_CALLS = new AtomicInteger();

    /** The two grants of an app, in the order they are revoked. */
    public static List<String> grants(String app) {
        return List.of("app/" + app + "/grant/read", "app/" + app + "/grant/write");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of();
    }

    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Executor executor = new Executor(context.clock());
        return new Connector() {
            @Override
            public String id() {
                return ID;
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of(Capability.ACTIONS);
            }

            @Override
            public ActionExecutor actions() {
                return executor;
            }
        };
    }

    private static final class Executor implements ActionExecutor, StateAction {
        private final Clock clock;
        private final SnapshotExecution execution = new SnapshotExecution(ID, 100);

        Executor(Clock clock) {
            this.clock = clock;
        }

        @Override
        public Map<Rung, Reversibility> rungs() {
            return Map.of(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE);
        }

        @Override
        public ActionPlan plan(ActionRequest request) {
            if (request.rung() != Rung.DISABLE_IDENTITY) {
                throw ConnectorException.notSupported(ID, "rung " + request.rung().policyName());
            }
            String app = request.target().identity().id();
            Map<String, String> pre = new TreeMap<>();
            Map<String, String> post = new TreeMap<>();
            List<PlatformCall> calls = new ArrayList<>();
            for (String grant : grants(app)) {
                String now = PLATFORM.get(grant);
                if (now == null) {
                    throw new ConnectorException(ErrorCode.NOT_FOUND, "app " + app + " has no grant " + grant);
                }
                pre.put(grant, now);
                post.put(grant, REVOKED);
                if (!REVOKED.equals(now)) {
                    calls.add(new PlatformCall("grants:Revoke", grant, true));
                }
            }
            return new ActionPlan(ID, request, calls, Reversibility.REVERSIBLE, new Snapshot(pre, clock.instant()),
                    new Snapshot(post, clock.instant()), "revoke the read and write grants of app " + app, Map.of("app", app));
        }

        @Override
        public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
            return execution.execute(this, plan, idempotencyKey);
        }

        @Override
        public Verification verify(ActionPlan plan) {
            return execution.verify(this, plan);
        }

        @Override
        public RevertResult revert(ActionPlan plan, boolean force) {
            return execution.revert(this, plan, force);
        }

        @Override
        public Snapshot observe(ActionPlan plan) {
            Map<String, String> state = new TreeMap<>();
            for (String grant : plan.postState().state().keySet()) {
                state.put(grant, PLATFORM.get(grant));
            }
            return new Snapshot(state, clock.instant());
        }

        @Override
        public List<PlatformCall> apply(ActionPlan plan) {
            List<PlatformCall> performed = new ArrayList<>();
            for (String grant : grants(plan.details().get("app"))) {
                if (REVOKED.equals(PLATFORM.get(grant))) {
                    continue; // done by an earlier attempt: not repeated
                }
                if (!performed.isEmpty() && FAIL_SECOND_CALL.getAndSet(false)) {
                    throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, "grants:Revoke on " + grant + ": HTTP 503", null, null);
                }
                PLATFORM.put(grant, REVOKED);
                MUTATING_CALLS.incrementAndGet();
                performed.add(new PlatformCall("grants:Revoke", grant, true));
            }
            return performed;
        }

        @Override
        public List<PlatformCall> restore(ActionPlan plan) {
            List<PlatformCall> performed = new ArrayList<>();
            plan.preState().state().forEach((grant, before) -> {
                if (!before.equals(PLATFORM.get(grant))) {
                    PLATFORM.put(grant, before);
                    MUTATING_CALLS.incrementAndGet();
                    performed.add(new PlatformCall("grants:Grant", grant, true));
                }
            });
            return performed;
        }
    }
}

package io.itdr.connector.tck.memory;

import io.itdr.connector.tck.Fault;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
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
import io.itdr.spi.config.Secret;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The in-memory connector: a compact but complete connector, correct unless a {@link Defect} is
 * configured. Rungs: disable_credential (reversible), quarantine_session (irreversible: revoked
 * sessions cannot come back). Thread-safe (all state is the platform's).
 */
final class MemoryConnector implements Connector, TelemetrySource, InventorySource, ActionExecutor {
    private static final System.Logger LOG = System.getLogger(MemoryConnector.class.getName());

    private final MemoryPlatform platform;
    private final Secret apiKey;
    private final Defect defect;
    private final Clock clock;

    MemoryConnector(MemoryPlatform platform, Secret apiKey, Defect defect, Clock clock) {
        this.platform = platform;
        this.apiKey = apiKey;
        this.defect = defect;
        this.clock = clock;
    }

    @Override
    public String id() {
        return "memory";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.TELEMETRY_POLL, Capability.TELEMETRY_NORMALIZE, Capability.INVENTORY, Capability.ACTIONS);
    }

    @Override
    public TelemetrySource telemetry() {
        return this;
    }

    @Override
    public EventNormalizer normalizer() {
        return new MemoryNormalizer();
    }

    @Override
    public InventorySource inventory() {
        return this;
    }

    @Override
    public ActionExecutor actions() {
        return this;
    }

    @Override
    public void checkHealth() {
        if (defect == Defect.SECRET_IN_LOG) {
            LOG.log(System.Logger.Level.DEBUG, "health check with key " + apiKey.reveal());
        }
        call(() -> platform.read(apiKey.reveal(), "app-1/"));
    }

    // ---------------------------------------------------------------- telemetry

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        int from = cursor.isStart() ? 0 : Integer.parseInt(cursor.value());
        List<String> records = call(() -> platform.records(apiKey.reveal(), from, maxEvents));
        List<IdentityEvent> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            String where = "feed record " + (from + i);
            try {
                events.add(MemoryNormalizer.event(records.get(i), where));
            } catch (IllegalArgumentException e) {
                rejections.add(new Rejection(where, e.getMessage()));
            }
        }
        int next = from + records.size() + (defect == Defect.CURSOR_SKIPS_A_RECORD && !records.isEmpty() ? 1 : 0);
        return new TelemetryBatch(events, rejections, new Cursor(Integer.toString(next)), next < platform.feedSize());
    }

    // ---------------------------------------------------------------- inventory

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        List<String> apps = call(() -> {
            platform.read(apiKey.reveal(), "");
            return platform.apps();
        });
        int from = pageToken == null ? 0 : Integer.parseInt(pageToken);
        int to = Math.min(from + pageSize, apps.size());
        List<InventoryIdentity> page = apps.subList(from, to).stream().map(this::identity).toList();
        return new InventoryPage(page, to < apps.size() ? Integer.toString(to) : null);
    }

    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        Map<String, String> state = call(() -> platform.read(apiKey.reveal(), identity.id() + "/"));
        return state.isEmpty() ? Optional.empty() : Optional.of(identity(identity.id()));
    }

    private InventoryIdentity identity(String app) {
        return new InventoryIdentity("memory", null, new IdentityRef(app, "service_app", null), true, null, null,
                Map.of(), List.of(), List.of(), List.of(), null, List.of());
    }

    // ---------------------------------------------------------------- actions

    @Override
    public Map<Rung, Reversibility> rungs() {
        return Map.of(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE,
                Rung.QUARANTINE_SESSION, defect == Defect.IRREVERSIBLE_CLAIMED_REVERSIBLE
                        ? Reversibility.REVERSIBLE : Reversibility.IRREVERSIBLE);
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Reversibility reversibility = rungs().get(request.rung());
        if (reversibility == null) {
            if (defect == Defect.NONSTANDARD_REFUSAL) {
                throw new IllegalArgumentException("unknown rung");
            }
            throw ConnectorException.notSupported(id(), "the rung " + request.rung().policyName());
        }
        String app = request.target().identity().id();
        String name = request.rung() == Rung.DISABLE_CREDENTIAL
                ? app + "/key/" + request.target().credential().id() + "/status"
                : app + "/sessions";
        String after = request.rung() == Rung.DISABLE_CREDENTIAL ? "INACTIVE" : "0";
        String before = call(() -> platform.read(apiKey.reveal(), name)).get(name);
        if (before == null) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, name + " does not exist");
        }
        if (defect == Defect.PLAN_MUTATES) {
            call(() -> {
                platform.write(apiKey.reveal(), name, before);
                return null;
            });
        }
        return new ActionPlan(id(), request, List.of(new PlatformCall("set", name, true)), reversibility,
                new Snapshot(Map.of(name, before), clock.instant()), new Snapshot(Map.of(name, after), clock.instant()),
                "set " + name + " to " + after,
                defect == Defect.PLAN_EMBEDS_TIME ? Map.of("plannedAt", clock.instant().toString()) : Map.of());
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        if (plan.postState().sameStateAs(read(plan)) && defect != Defect.EXECUTE_NOT_IDEMPOTENT) {
            return new ExecutionResult(idempotencyKey, true, List.of(), read(plan));
        }
        List<PlatformCall> performed = write(plan.postState());
        return new ExecutionResult(idempotencyKey, false, performed, read(plan));
    }

    @Override
    public Verification verify(ActionPlan plan) {
        Snapshot observed = read(plan);
        boolean in = observed.sameStateAs(plan.postState());
        return new Verification(in, observed, in ? "" : "expected " + plan.postState().state() + ", found " + observed.state());
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        if (!plan.reversibility().canRevert()) {
            throw ConnectorException.notSupported(id(), "reverting " + plan.summary() + " (irreversible)");
        }
        Snapshot current = read(plan);
        if (!force && !current.sameStateAs(plan.postState()) && defect != Defect.REVERT_IGNORES_DRIFT) {
            throw new ConnectorException(ErrorCode.DRIFT, "changed since the action: " + current.state());
        }
        List<PlatformCall> performed = write(plan.preState());
        Snapshot restored = defect == Defect.IRREVERSIBLE_CLAIMED_REVERSIBLE ? plan.preState() : read(plan);
        return new RevertResult(restored, performed);
    }

    private Snapshot read(ActionPlan plan) {
        String name = plan.preState().state().keySet().iterator().next();
        return new Snapshot(call(() -> platform.read(apiKey.reveal(), name)), clock.instant());
    }

    private List<PlatformCall> write(Snapshot target) {
        List<PlatformCall> performed = new ArrayList<>();
        target.state().forEach((name, value) -> {
            try {
                call(() -> {
                    platform.write(apiKey.reveal(), name, value);
                    return null;
                });
            } catch (ConnectorException e) {
                if (defect != Defect.FAILED_WRITE_TAKEN_FOR_DONE) {
                    throw e;
                }
            }
            performed.add(new PlatformCall("set", name, true));
        });
        return performed;
    }

    /** Runs a platform call, turning its failure into the standard error. */
    private <T> T call(Supplier<T> platformCall) {
        try {
            return platformCall.get();
        } catch (MemoryPlatform.Failure failure) {
            Fault f = failure.fault;
            String what = "memory platform answered " + f.kind();
            if (f.kind() == Fault.Kind.THROTTLED && defect == Defect.THROTTLING_AS_TERMINAL) {
                throw new ConnectorException(ErrorCode.INTERNAL, what);
            }
            ErrorCode code = f.expectedCode();
            throw new ConnectorException(code, what, f.retryAfter(), null);
        }
    }

    @Override
    public String toString() {
        return "MemoryConnector[" + (defect == Defect.SECRET_IN_TO_STRING ? apiKey.reveal() : apiKey) + "]";
    }
}

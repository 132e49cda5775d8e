package io.itdr.connector.example;

import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotExecution;
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
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Containment on the example platform (API.md §6): disable_credential deactivates one API key,
 * disable_identity disables the whole app; both are exactly reversible (activate, enable).
 *
 * <p>Idempotency rests on state: execute reads the target first and answers
 * {@code alreadyApplied} without a call when it is already in the post-state, so a second
 * execution under the same key has no second effect. Thread-safe (no state of its own).
 *
 * <p>connector-support does the plumbing: {@link RungDispatch} maps each rung to the change it
 * makes, refuses other rungs with the standard error and refuses plans this connector did not
 * make; {@link ActionTargets} reads the target. A connector whose actions fit
 * {@link io.itdr.connector.support.PlannedAction} can leave execute, verify and revert to
 * {@link io.itdr.connector.support.SnapshotActionExecutor} too (connector-aws and connector-okta do);
 * this one keeps them in view, and refuses to execute when the target left the pre-state.
 */
final class ExampleActions implements ActionExecutor {
    private static final RungDispatch<Function<ActionRequest, Change>> RUNGS =
            RungDispatch.<Function<ActionRequest, Change>>builder(ExampleEventNormalizer.PLATFORM)
                    .rung(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, Change::ofKey)
                    .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, Change::ofApp)
                    .build();

    private final ExampleApi api;
    private final Clock clock;

    ExampleActions(ExampleApi api, Clock clock) {
        this.api = api;
        this.clock = clock;
    }

    /**
     * One status change on the platform and its exact inverse.
     *
     * @param field   the snapshot key of the status ("app/app-1/key/key-1/status")
     * @param after   the status execution leaves
     * @param forward the call that makes the change
     * @param inverse the call that undoes it
     */
    private record Change(String appId, String keyId, String field, String after, String forward, String inverse) {

        /** disable_identity: the app's status. */
        static Change ofApp(ActionRequest request) {
            String app = request.target().identity().id();
            String appPath = ExampleInventory.appPath(app);
            return new Change(app, null, "app/" + app + "/status", "DISABLED", appPath + "/disable", appPath + "/enable");
        }

        /** disable_credential: the status of the target's key; refused when the target names no key. */
        static Change ofKey(ActionRequest request) {
            String app = request.target().identity().id();
            String key = ActionTargets.credential(ExampleEventNormalizer.PLATFORM, request, "a target key").id();
            String keyPath = ExampleInventory.appPath(app) + "/keys/" + ExampleApi.encode(key);
            return new Change(app, key, "app/" + app + "/key/" + key + "/status", "INACTIVE",
                    keyPath + "/deactivate", keyPath + "/activate");
        }

        /** The status this change is about, as the App object shows it; NOT_FOUND when the key is gone. */
        String statusIn(Json.Obj app) {
            if (keyId == null) {
                return app.requiredString("status");
            }
            for (Json.Obj key : app.objects("keys")) {
                if (keyId.equals(key.requiredString("id"))) {
                    return key.requiredString("status");
                }
            }
            throw new ConnectorException(ErrorCode.NOT_FOUND, "app '" + appId + "' has no key '" + keyId + "'");
        }
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        return RUNGS.rungs();
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Change change = RUNGS.forRequest(request).apply(request);
        Snapshot pre = read(change);
        Snapshot post = new Snapshot(Map.of(change.field(), change.after()), pre.capturedAt());
        String summary = change.keyId() == null
                ? "Disable app " + change.appId()
                : "Deactivate key " + change.keyId() + " of app " + change.appId();
        return new ActionPlan(ExampleEventNormalizer.PLATFORM, request, List.of(call(change.forward())),
                RUNGS.rungs().get(request.rung()), pre, post, summary, Map.of());
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        Change change = changeOf(plan);
        Snapshot current = read(change);
        if (current.sameStateAs(plan.postState())) {
            return new ExecutionResult(idempotencyKey, true, List.of(), current);
        }
        if (!current.sameStateAs(plan.preState())) {
            throw new ConnectorException(ErrorCode.CONFLICT, plan.summary() + ": the target changed since it was planned ("
                    + SnapshotExecution.differences(plan.preState(), current) + "); plan again");
        }
        Snapshot after = snapshot(change, api.post(change.forward()));
        return new ExecutionResult(idempotencyKey, false, List.of(call(change.forward())), after);
    }

    @Override
    public Verification verify(ActionPlan plan) {
        Snapshot observed = read(changeOf(plan));
        boolean done = observed.sameStateAs(plan.postState());
        return new Verification(done, observed, done ? "" : SnapshotExecution.differences(plan.postState(), observed));
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        Change change = changeOf(plan);
        Snapshot current = read(change);
        if (!force && !current.sameStateAs(plan.postState())) {
            throw new ConnectorException(ErrorCode.DRIFT, plan.summary() + ": changed since the action ("
                    + SnapshotExecution.differences(plan.postState(), current) + "); revert refused unless an approver forces it");
        }
        if (current.sameStateAs(plan.preState())) {
            return new RevertResult(current, List.of());
        }
        Snapshot restored = snapshot(change, api.post(change.inverse()));
        return new RevertResult(restored, List.of(call(change.inverse())));
    }

    /** The change a plan handed back makes, once it is known to be a plan of this connector. */
    private static Change changeOf(ActionPlan plan) {
        return RUNGS.forPlan(plan).apply(plan.request());
    }

    private Snapshot read(Change change) {
        return snapshot(change, api.get(ExampleInventory.appPath(change.appId())));
    }

    private Snapshot snapshot(Change change, Json.Obj app) {
        try {
            return SnapshotExecution.snapshot(clock, change.field(), change.statusIn(app));
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "app '" + change.appId() + "': " + e.getMessage(), e);
        }
    }

    private static PlatformCall call(String path) {
        return new PlatformCall("POST " + path, path, true);
    }

    @Override
    public String toString() {
        return "ExampleActions[" + api + "]";
    }
}

package io.itdr.server.connector;

import io.itdr.spi.Connector;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import java.util.Map;

/**
 * A connector's executor fetched on each call: some connectors build their platform client on
 * first use, and a platform that is down at start-up must not stop the server. Thread-safe when the
 * connector is.
 */
final class DeferredActionExecutor implements ActionExecutor {
    private final Connector connector;

    DeferredActionExecutor(Connector connector) {
        this.connector = connector;
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        return connector.actions().rungs();
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        return connector.actions().plan(request);
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        return connector.actions().execute(plan, idempotencyKey);
    }

    @Override
    public Verification verify(ActionPlan plan) {
        return connector.actions().verify(plan);
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        return connector.actions().revert(plan, force);
    }
}

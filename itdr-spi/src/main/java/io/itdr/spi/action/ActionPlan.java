package io.itdr.spi.action;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a connector will do for an {@link ActionRequest}, worked out without any side effect.
 * The engine records the plan before execution, shows it to approvers, and binds approvals to a
 * digest of it: execution must do exactly what the plan says.
 *
 * @param connectorId   the connector that planned it; never null
 * @param request       the request planned; never null
 * @param calls         the platform calls execution will make, in order; never null
 * @param reversibility how far the action can be undone; never null
 * @param preState      the current state, to which revert restores; never null
 * @param postState     the state execution will leave behind (what verify expects, and what
 *                      revert requires before it restores); never null
 * @param summary       one line for people ("Deactivate access key AKIA… of user ci-deployer"); never null
 * @param details       connector-specific plan data that execution needs (e.g. the policy document
 *                      text); never null, never secrets
 */
public record ActionPlan(String connectorId, ActionRequest request, List<PlatformCall> calls,
                         Reversibility reversibility, Snapshot preState, Snapshot postState,
                         String summary, Map<String, String> details) {
    public ActionPlan {
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(request, "request");
        calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
        Objects.requireNonNull(reversibility, "reversibility");
        Objects.requireNonNull(preState, "preState");
        Objects.requireNonNull(postState, "postState");
        Objects.requireNonNull(summary, "summary");
        details = Map.copyOf(Objects.requireNonNull(details, "details"));
    }

    /** Whether executing would change nothing (the target is already in the post-state). */
    public boolean isNoOp() {
        return preState.sameStateAs(postState);
    }
}

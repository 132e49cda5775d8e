package io.itdr.connector.gitlab.act;

import org.gitlab4j.api.models.User;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * disable_identity of a service account, bot or user (its numeric user id, as audit events name the
 * author): {@code POST /api/v4/users/:id/block} ↔ {@code /unblock}
 * (https://docs.gitlab.com/api/user_moderation/#block-access-to-a-user). A blocked account cannot sign in or use
 * its tokens, which stay as they were, so unblocking restores it exactly (reversible). An administrator's call:
 * on GitLab.com, group service accounts cannot be blocked through it. Only {@code active} and {@code blocked}
 * accounts are switched; another state (deactivated, ldap_blocked, banned) is refused with CONFLICT. Snapshot:
 * {@code user/<id>/state}. Calls through gitlab4j ({@code UserApi}). Stateless.
 */
final class ServiceAccountBlock implements PlannedAction {
    private static final String ACTIVE = "active";
    private static final String BLOCKED = "blocked";
    private final String connectorId;
    private final GitLabCalls calls;
    private final Clock clock;

    ServiceAccountBlock(String connectorId, GitLabCalls calls, Clock clock) {
        this.connectorId = connectorId;
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String id = ActionTargets.identity(connectorId, request, v -> v.matches("\\d{1,19}") ? Optional.of(v) : Optional.empty(),
                "GitLab accounts named by their numeric user id");
        User user = user(id);
        String state = String.valueOf(user.getState());
        String name = "GitLab account " + id + " '" + (user.getUsername() == null ? "" : user.getUsername()) + "'";
        if (!state.equals(ACTIVE) && !state.equals(BLOCKED)) {
            throw new ConnectorException(ErrorCode.CONFLICT, name + " is " + state + ": only an active account is blocked");
        }
        Snapshot pre = SnapshotExecution.snapshot(clock, key(id), state);
        Snapshot post = SnapshotExecution.snapshot(clock, key(id), BLOCKED);
        boolean noOp = state.equals(BLOCKED);
        return new ActionPlan(connectorId, request, noOp ? List.of() : List.of(call(id, true)), Reversibility.REVERSIBLE, pre, post,
                noOp ? name + " is already blocked: nothing to do" : "Block " + name + " (no sign-in, its tokens refused); unblocking restores it",
                Map.of(RungDispatch.ACTION, "account", "userId", id));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "userId");
        return SnapshotExecution.snapshot(clock, key(id), String.valueOf(user(id).getState()));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String id = PlanDetails.require(plan, "userId");
        change(id, true);
        return List.of(call(id, true));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String id = PlanDetails.require(plan, "userId");
        boolean block = SnapshotExecution.onlyValue(plan.preState()).equals(BLOCKED);
        change(id, block);
        return List.of(call(id, block));
    }

    private User user(String id) {
        return calls.call("GET /users/:id", gitlab -> gitlab.getUserApi().getUser(Long.valueOf(id)));
    }

    private void change(String id, boolean block) {
        calls.call("POST /users/:id/" + (block ? "block" : "unblock"), gitlab -> {
            if (block) {
                gitlab.getUserApi().blockUser(Long.valueOf(id));
            } else {
                gitlab.getUserApi().unblockUser(Long.valueOf(id));
            }
            return null;
        });
    }

    private static PlatformCall call(String id, boolean block) {
        return new PlatformCall("POST /api/v4/users/:id/" + (block ? "block" : "unblock"), id, true);
    }

    private static String key(String id) {
        return "user/" + id + "/state";
    }
}

package io.itdr.connector.github.act;

import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.github.GHWorkflow;

/**
 * disable_identity of a workflow ({@code <org>/<repo>:workflow:<workflow_id>}, as the normalizer names a
 * workflow run's workload): {@code PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/disable} ↔
 * {@code /enable} (https://docs.github.com/en/rest/actions/workflows#disable-a-workflow,
 * #enable-a-workflow). A disabled workflow starts no new run, so no new {@code GITHUB_TOKEN} or OIDC token is
 * minted for it; its file, history and secrets are untouched, so enabling it restores exactly what was
 * (reversible). Runs already in progress are not cancelled. Calls through github-api ({@code GHWorkflow}). Only {@code active} and {@code disabled_manually}
 * workflows are switched; another state (disabled for inactivity, a fork's, deleted) is refused with CONFLICT.
 * Snapshot: {@code workflow/<owner>/<repo>/<id>/state}. Stateless.
 */
final class WorkflowSwitch implements PlannedAction {
    static final String NAME = "workflow";
    private static final Pattern ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100}):workflow:(\\d{1,20})");
    private static final String ACTIVE = "active";
    private static final String DISABLED = "disabled_manually";

    private record Ref(String owner, String repo, String id) {
    }

    private final String connectorId;
    private final GitHubOrg org;
    private final Clock clock;

    WorkflowSwitch(String connectorId, GitHubOrg org, Clock clock) {
        this.connectorId = connectorId;
        this.org = org;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Ref ref = ActionTargets.identity(connectorId, request, id -> {
            Matcher m = ID.matcher(id);
            return m.matches() && m.group(1).equalsIgnoreCase(org.org) ? Optional.of(new Ref(m.group(1), m.group(2), m.group(3)))
                    : Optional.empty();
        }, "workflows of organization " + org.org + " named <org>/<repo>:workflow:<workflow id>");
        GHWorkflow workflow = read(ref);
        String state = workflow.getState();
        if (!state.equals(ACTIVE) && !state.equals(DISABLED)) {
            throw new ConnectorException(ErrorCode.CONFLICT, describe(ref, workflow) + " is " + state + ": only an active workflow is disabled");
        }
        Snapshot pre = SnapshotExecution.snapshot(clock, key(ref), state);
        Snapshot post = SnapshotExecution.snapshot(clock, key(ref), DISABLED);
        boolean noOp = state.equals(DISABLED);
        String summary = noOp ? describe(ref, workflow) + " is already disabled: nothing to do"
                : "Disable " + describe(ref, workflow) + " (no new runs, no new workflow tokens); enabling it restores it";
        return new ActionPlan(connectorId, request, noOp ? List.of() : List.of(call(ref, true)), Reversibility.REVERSIBLE, pre, post,
                summary, Map.of(io.itdr.connector.support.RungDispatch.ACTION, NAME, "owner", ref.owner(), "repo", ref.repo(),
                "workflowId", ref.id()));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Ref ref = ref(plan);
        return SnapshotExecution.snapshot(clock, key(ref), read(ref).getState());
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return change(ref(plan), true);
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        return change(ref(plan), SnapshotExecution.onlyValue(plan.preState()).equals(DISABLED));
    }

    private List<PlatformCall> change(Ref ref, boolean disable) {
        GHWorkflow workflow = read(ref);
        org.library.call("PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/" + (disable ? "disable" : "enable"), gh -> {
            if (disable) {
                workflow.disable();
            } else {
                workflow.enable();
            }
            return null;
        });
        return List.of(call(ref, disable));
    }

    private GHWorkflow read(Ref ref) {
        try {
            return org.library.call("GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}",
                    gh -> gh.getRepository(ref.owner() + "/" + ref.repo()).getWorkflow(Long.parseLong(ref.id())));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw new ConnectorException(ErrorCode.NOT_FOUND, "workflow " + ref.id() + " of " + ref.owner() + "/" + ref.repo()
                        + " not found");
            }
            throw e;
        }
    }

    private static PlatformCall call(Ref ref, boolean disable) {
        return new PlatformCall("PUT /repos/{owner}/{repo}/actions/workflows/{workflow_id}/" + (disable ? "disable" : "enable"),
                ref.owner() + "/" + ref.repo() + "/" + ref.id(), true);
    }

    private static String describe(Ref ref, GHWorkflow workflow) {
        String name = workflow.getName();
        return "workflow " + ref.id() + (name == null ? "" : " '" + name + "'") + " of " + ref.owner() + "/" + ref.repo();
    }

    private static String key(Ref ref) {
        return "workflow/" + ref.owner() + "/" + ref.repo() + "/" + ref.id() + "/state";
    }

    private static Ref ref(ActionPlan plan) {
        return new Ref(PlanDetails.require(plan, "owner"), PlanDetails.require(plan, "repo"), PlanDetails.require(plan, "workflowId"));
    }
}

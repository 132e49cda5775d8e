package io.itdr.connector.gitlab.act;

import org.gitlab4j.api.models.ProjectAccessToken;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * quarantine_session of a project access token ({@code project/<project id>/access_token/<token id>}):
 * {@code DELETE /api/v4/projects/:id/access_tokens/:token_id}
 * (https://docs.gitlab.com/api/project_access_tokens/#revoke-a-project-access-token). <b>Irreversible</b>: GitLab
 * has no way to reactivate a revoked token; a new token (a new secret) is the only way back. On quarantine_session, beside GitHub's and Okta's token revocations
 * (DESIGN §4: revoke live tokens), so that disable_credential stays reversible in kind ({@link DeployKeyRemoval}) and
 * an irreversible revocation is never what a policy's credential rung runs. Snapshot:
 * {@code projectAccessToken/<project>/<token>} → {@code active} or {@code revoked}. Calls through gitlab4j
 * ({@code ProjectApi}). Stateless.
 */
final class ProjectTokenRevocation implements PlannedAction {
    private static final Pattern ID = Pattern.compile("project/(\\d{1,19})/access_token/(\\d{1,19})");
    private final String connectorId;
    private final GitLabCalls calls;
    private final Clock clock;

    ProjectTokenRevocation(String connectorId, GitLabCalls calls, Clock clock) {
        this.connectorId = connectorId;
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Matcher m = ActionTargets.identity(connectorId, request, v -> {
            Matcher id = ID.matcher(v);
            return id.matches() ? Optional.of(id) : Optional.empty();
        }, "project access tokens named project/<project id>/access_token/<token id>");
        String project = m.group(1);
        String token = m.group(2);
        String state = read(calls, project, token);
        Snapshot pre = SnapshotExecution.snapshot(clock, key(project, token), state);
        Snapshot post = SnapshotExecution.snapshot(clock, key(project, token), "revoked");
        boolean noOp = state.equals("revoked");
        String name = "project access token " + token + " of project " + project;
        return new ActionPlan(connectorId, request, noOp ? List.of() : List.of(call(project, token)), Reversibility.IRREVERSIBLE, pre, post,
                noOp ? name + " is already revoked: nothing to do" : "Revoke " + name + "; GitLab cannot reactivate it",
                Map.of(RungDispatch.ACTION, "project_access_token", "projectId", project, "tokenId", token));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String project = PlanDetails.require(plan, "projectId");
        String token = PlanDetails.require(plan, "tokenId");
        return SnapshotExecution.snapshot(clock, key(project, token), read(calls, project, token));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String project = PlanDetails.require(plan, "projectId");
        String token = PlanDetails.require(plan, "tokenId");
        calls.call("DELETE /projects/:id/access_tokens/:token_id", gitlab -> {
            gitlab.getProjectApi().revokeProjectAccessToken(Long.valueOf(project), Long.valueOf(token));
            return null;
        });
        return List.of(call(project, token));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        throw new ConnectorException(ErrorCode.NOT_SUPPORTED, "GitLab cannot reactivate a revoked access token");
    }

    /** {@code active}, or {@code revoked} (a rotated token is revoked too). */
    static String read(GitLabCalls calls, String project, String token) {
        ProjectAccessToken t = calls.call("GET /projects/:id/access_tokens/:token_id",
                gitlab -> gitlab.getProjectApi().getProjectAccessToken(Long.valueOf(project), Long.valueOf(token)));
        return Boolean.TRUE.equals(t.isRevoked()) || Boolean.FALSE.equals(t.isActive()) ? "revoked" : "active";
    }

    private static PlatformCall call(String project, String token) {
        return new PlatformCall("DELETE /api/v4/projects/:id/access_tokens/:token_id", project + "/" + token, true);
    }

    private static String key(String project, String token) {
        return "projectAccessToken/" + project + "/" + token;
    }
}

package io.itdr.connector.gitlab.act;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gitlab4j.api.models.ProjectAccessToken;
import org.gitlab4j.api.models.Variable;

/**
 * rotate_credential of a project access token ({@code project/<project id>/access_token/<token id>}):
 * {@code POST /api/v4/projects/:id/access_tokens/:token_id/rotate}
 * (https://docs.gitlab.com/api/project_access_tokens/#rotate-a-project-access-token), then the new value written to
 * the secret store the request names ({@value #DESTINATION}, the catalog's secret_destination): a masked GitLab CI/CD
 * variable, {@code gitlab-variable:project/<id>/<KEY>} or {@code gitlab-variable:group/<id>/<KEY>}, where the
 * pipelines that use the token read it, updated with {@code PUT /api/v4/projects/:id/variables/:key}
 * (https://docs.gitlab.com/api/project_level_variables/#update-a-variable) or
 * {@code PUT /api/v4/groups/:id/variables/:key} (https://docs.gitlab.com/api/group_level_variables/#update-variable).
 *
 * <p>Declared <b>irreversible</b>, checked against GitLab's documentation: rotating "revokes the previous token and
 * creates a new token", and a revoked token cannot be reactivated, so no call brings the old value back; the token's
 * consumers keep working only through the store. Planning refuses with CONFLICT when the destination is missing or
 * malformed, when the variable does not exist (the operator creates it) or is not masked (the token would show in job
 * logs). When the new value cannot be stored, the new token is revoked at once before the failure is reported: a
 * value nobody holds must not stay valid. The new value lives only between the rotate answer and the variable's
 * update: never in a plan, snapshot, result, log line or exception message. Snapshot:
 * {@code projectAccessToken/<project>/<token>} → {@code active} or {@code revoked} (the old token). Calls through
 * gitlab4j ({@code ProjectApi}, {@code GroupApi}). Stateless.
 */
final class ProjectTokenRotation implements PlannedAction {
    /** The request parameter naming where the new token goes. */
    static final String DESTINATION = "secret-destination";
    private static final Pattern ID = Pattern.compile("project/(\\d{1,19})/access_token/(\\d{1,19})");
    private static final Pattern STORE = Pattern.compile("gitlab-variable:(project|group)/(\\d{1,19})/([A-Za-z0-9_]{1,255})");

    private record Store(String kind, String id, String key) {
        @Override
        public String toString() {
            return "gitlab-variable:" + kind + "/" + id + "/" + key;
        }
    }

    private final String connectorId;
    private final GitLabCalls calls;
    private final Clock clock;

    ProjectTokenRotation(String connectorId, GitLabCalls calls, Clock clock) {
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
        String name = "project access token " + token + " of project " + project;
        String state = ProjectTokenRevocation.read(calls, project, token);
        Snapshot pre = SnapshotExecution.snapshot(clock, key(project, token), state);
        Snapshot post = SnapshotExecution.snapshot(clock, key(project, token), "revoked");
        String destination = request.parameters().get(DESTINATION);
        Map<String, String> details = new java.util.LinkedHashMap<>(Map.of("projectId", project, "tokenId", token));
        if (state.equals("revoked")) {
            return new ActionPlan(connectorId, request, List.of(), Reversibility.IRREVERSIBLE, pre, post,
                    name + " is already revoked or rotated: nothing to do", details);
        }
        Store store = store(name, destination);
        Variable variable = variable(store).orElseThrow(() -> new ConnectorException(ErrorCode.CONFLICT, "cannot rotate " + name
                + ": the CI/CD variable " + store + " does not exist; create it (masked) for the new value first"));
        if (!Boolean.TRUE.equals(variable.getMasked())) {
            throw new ConnectorException(ErrorCode.CONFLICT, "cannot rotate " + name + ": the CI/CD variable " + store
                    + " is not masked, so the new token would show in job logs; mask it first");
        }
        details.put("destination", store.toString());
        details.put("protected", Boolean.toString(Boolean.TRUE.equals(variable.getProtected())));
        return new ActionPlan(connectorId, request, List.of(rotateCall(project, token), storeCall(store)), Reversibility.IRREVERSIBLE, pre, post,
                "Rotate " + name + " (GitLab revokes the old value at once) and write the new value to " + store
                        + "; the old value cannot come back", details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String project = PlanDetails.require(plan, "projectId");
        String token = PlanDetails.require(plan, "tokenId");
        return SnapshotExecution.snapshot(clock, key(project, token), ProjectTokenRevocation.read(calls, project, token));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String project = PlanDetails.require(plan, "projectId");
        String token = PlanDetails.require(plan, "tokenId");
        Store store = store("project access token " + token, PlanDetails.require(plan, "destination"));
        boolean isProtected = Boolean.parseBoolean(PlanDetails.require(plan, "protected"));
        ProjectAccessToken rotated = calls.call("POST /projects/:id/access_tokens/:token_id/rotate",
                gitlab -> gitlab.getProjectApi().rotateProjectAccessToken(Long.valueOf(project), Long.valueOf(token)));
        if (rotated == null || rotated.getId() == null || rotated.getToken() == null || rotated.getToken().isBlank()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "POST /projects/:id/access_tokens/:token_id/rotate: "
                    + "no new token id and value in the answer; the old token " + token + " may be revoked: check the project's tokens");
        }
        long newId = rotated.getId();
        List<PlatformCall> done = new ArrayList<>();
        done.add(new PlatformCall("POST /api/v4/projects/:id/access_tokens/:token_id/rotate", project + "/" + token + " (new token " + newId + ")", true));
        try {
            write(store, rotated.getToken(), isProtected);
        } catch (ConnectorException e) {
            try {
                calls.call("DELETE /projects/:id/access_tokens/:token_id", gitlab -> {
                    gitlab.getProjectApi().revokeProjectAccessToken(Long.valueOf(project), newId);
                    return null;
                });
            } catch (ConnectorException ignored) {
                // reported below: a person revokes it
            }
            throw new ConnectorException(ErrorCode.CONFLICT, "rotated project access token " + token + " of project " + project
                    + ", but its new value (token " + newId + ") could not be written to " + store + " (" + e.code() + "); the new token "
                    + "was revoked (check that it is): the token's consumers need a new one");
        }
        done.add(storeCall(store));
        return done;
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        throw new ConnectorException(ErrorCode.NOT_SUPPORTED, "GitLab revokes a project access token when it rotates it; the old value "
                + "cannot be reactivated");
    }

    private Store store(String name, String destination) {
        if (destination == null || destination.isBlank()) {
            throw new ConnectorException(ErrorCode.CONFLICT, "cannot rotate " + name + ": the request names no " + DESTINATION
                    + " (the catalog's secret_destination, e.g. gitlab-variable:project/42/DEPLOY_TOKEN)");
        }
        Matcher m = STORE.matcher(destination.trim());
        if (!m.matches()) {
            throw new ConnectorException(ErrorCode.CONFLICT, "cannot rotate " + name + ": " + DESTINATION + " '" + destination
                    + "' is not gitlab-variable:project/<id>/<KEY> or gitlab-variable:group/<id>/<KEY>");
        }
        return new Store(m.group(1), m.group(2), m.group(3));
    }

    private Optional<Variable> variable(Store store) {
        try {
            // GitLab answers the value too: it is read into this object only and dropped
            Variable v = calls.call("GET /" + store.kind() + "s/:id/variables/:key", gitlab -> store.kind().equals("project")
                    ? gitlab.getProjectApi().getVariable(Long.valueOf(store.id()), store.key())
                    : gitlab.getGroupApi().getVariable(Long.valueOf(store.id()), store.key()));
            return Optional.ofNullable(v);
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void write(Store store, String value, boolean isProtected) {
        calls.call("PUT /" + store.kind() + "s/:id/variables/:key", gitlab -> store.kind().equals("project")
                ? gitlab.getProjectApi().updateVariable(Long.valueOf(store.id()), store.key(), value, Variable.Type.ENV_VAR, isProtected, true)
                : gitlab.getGroupApi().updateVariable(Long.valueOf(store.id()), store.key(), value, isProtected, true));
    }

    private static PlatformCall rotateCall(String project, String token) {
        return new PlatformCall("POST /api/v4/projects/:id/access_tokens/:token_id/rotate", project + "/" + token, true);
    }

    private static PlatformCall storeCall(Store store) {
        return new PlatformCall("PUT /api/v4/" + store.kind() + "s/:id/variables/:key", store.toString(), true);
    }

    private static String key(String project, String token) {
        return "projectAccessToken/" + project + "/" + token;
    }
}

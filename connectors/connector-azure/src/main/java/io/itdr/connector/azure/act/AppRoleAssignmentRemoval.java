package io.itdr.connector.azure.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.microsoft.graph.models.AppRole;
import com.microsoft.graph.models.AppRoleAssignment;
import com.microsoft.graph.models.AppRoleAssignmentCollectionResponse;
import com.microsoft.graph.models.ServicePrincipal;
import io.itdr.connector.azure.GraphSdk;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * quarantine_session on Microsoft Graph: every app role assignment granted to the service principal (or managed identity)
 * — the application permissions it holds on Microsoft Graph and other APIs — is deleted with
 * {@code DELETE /v1.0/servicePrincipals/{id}/appRoleAssignments/{assignmentId}}
 * (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-delete-approleassignments), and re-added on revert from
 * the snapshot with {@code POST /v1.0/servicePrincipals/{id}/appRoleAssignments} and its {@code principalId},
 * {@code resourceId} and {@code appRoleId} (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-post-approleassignments).
 * COMPENSABLE, not reversible: the re-added assignments have new ids and creation times. Its credentials, its sign-in
 * and its Azure RBAC stay as they are. Access tokens already issued carry the permissions in their {@code roles} claim
 * until they expire (about an hour), which the plan says. The state is, per assignment,
 * {@code appRoleAssignment/<resource id>/<app role id>} → {@code assigned} or {@code removed}, independent of assignment ids.
 * Calls through the Graph SDK.
 */
final class AppRoleAssignmentRemoval implements PlannedAction {
    /** The action's name in plans (quarantine_session chooses it, see {@link EntraActionExecutor}). */
    static final String NAME = "remove_app_role_assignments";
    private static final Pattern OBJECT_ID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String connectorId;
    private final GraphSdk graph;
    private final Clock clock;

    AppRoleAssignmentRemoval(String connectorId, GraphSdk graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    /** One assignment as the plan keeps it. */
    private record Held(String resourceId, String appRoleId, String resourceName, String roleName) {
        String key() {
            return "appRoleAssignment/" + resourceId.toLowerCase(Locale.ROOT) + "/" + appRoleId.toLowerCase(Locale.ROOT);
        }
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String id = ActionTargets.identity(connectorId, request,
                value -> OBJECT_ID.matcher(value).matches() ? Optional.of(value.toLowerCase(Locale.ROOT)) : Optional.empty(),
                "service principals and managed identities by object id (a GUID)");
        Map<String, Map<String, String>> roleNames = new HashMap<>();
        List<Held> held = new ArrayList<>();
        for (AppRoleAssignment a : assignments(id)) {
            if (a.getResourceId() == null || a.getAppRoleId() == null) {
                continue;
            }
            String resourceId = a.getResourceId().toString();
            String roleId = a.getAppRoleId().toString();
            held.add(new Held(resourceId, roleId, a.getResourceDisplayName() == null ? resourceId : a.getResourceDisplayName(),
                    roleName(resourceId, roleId, roleNames)));
        }
        held.sort(Comparator.comparing(Held::key));
        Map<String, String> pre = new TreeMap<>();
        Map<String, String> post = new TreeMap<>();
        List<PlatformCall> calls = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (Held h : held) {
            pre.put(h.key(), "assigned");
            post.put(h.key(), "removed");
            calls.add(new PlatformCall("graph:DELETE appRoleAssignment", h.resourceName() + ":" + h.roleName(), true));
            named.add(h.resourceName() + ":" + h.roleName());
        }
        String summary = held.isEmpty() ? "Service principal " + id + " holds no app role assignment: nothing to remove"
                : "Remove the " + held.size() + " application permission(s) granted to service principal " + id + ": " + String.join(", ", named)
                        + ". Access tokens it already holds keep these permissions until they expire (about an hour). Compensable: "
                        + "restoring grants them again as new assignments (new ids).";
        ArrayNode kept = JSON.createArrayNode();
        held.forEach(h -> kept.addObject().put("resourceId", h.resourceId()).put("appRoleId", h.appRoleId())
                .put("resourceName", h.resourceName()).put("roleName", h.roleName()));
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, new Snapshot(pre, clock.instant()),
                new Snapshot(post, clock.instant()), summary, Map.of("servicePrincipalId", id, "appRoleAssignments", kept.toString(),
                RungDispatch.ACTION, NAME));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        List<AppRoleAssignment> now = assignments(id);
        Map<String, String> state = new TreeMap<>();
        for (Held h : read(plan)) {
            state.put(h.key(), find(now, h) != null ? "assigned" : "removed");
        }
        return new Snapshot(state, clock.instant());
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        List<AppRoleAssignment> now = assignments(id);
        List<PlatformCall> calls = new ArrayList<>();
        for (Held h : read(plan)) {
            AppRoleAssignment a = find(now, h);
            if (a != null && a.getId() != null) {
                try {
                    graph.run("DELETE /v1.0/servicePrincipals/{id}/appRoleAssignments/{id}", () -> graph.client().servicePrincipals()
                            .byServicePrincipalId(id).appRoleAssignments().byAppRoleAssignmentId(a.getId()).delete());
                } catch (ConnectorException e) {
                    if (e.code() != ErrorCode.NOT_FOUND) {
                        throw e;
                    }
                }
            }
            calls.add(new PlatformCall("graph:DELETE appRoleAssignment", h.resourceName() + ":" + h.roleName(), true));
        }
        return calls;
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        List<AppRoleAssignment> now = assignments(id);
        List<PlatformCall> calls = new ArrayList<>();
        for (Held h : read(plan)) {
            if (find(now, h) != null) {
                continue;
            }
            AppRoleAssignment grant = new AppRoleAssignment();
            grant.setPrincipalId(UUID.fromString(id));
            grant.setResourceId(UUID.fromString(h.resourceId()));
            grant.setAppRoleId(UUID.fromString(h.appRoleId()));
            graph.call("POST /v1.0/servicePrincipals/{id}/appRoleAssignments", () -> graph.client().servicePrincipals()
                    .byServicePrincipalId(id).appRoleAssignments().post(grant));
            calls.add(new PlatformCall("graph:POST appRoleAssignment", h.resourceName() + ":" + h.roleName(), true));
        }
        return calls;
    }

    private List<AppRoleAssignment> assignments(String id) {
        var requests = graph.client().servicePrincipals().byServicePrincipalId(id).appRoleAssignments();
        return graph.all("GET /v1.0/servicePrincipals/{id}/appRoleAssignments", () -> requests.get(),
                AppRoleAssignmentCollectionResponse::getValue, url -> requests.withUrl(url).get());
    }

    private static AppRoleAssignment find(List<AppRoleAssignment> assignments, Held h) {
        for (AppRoleAssignment a : assignments) {
            if (a.getResourceId() != null && a.getAppRoleId() != null && a.getResourceId().toString().equalsIgnoreCase(h.resourceId())
                    && a.getAppRoleId().toString().equalsIgnoreCase(h.appRoleId())) {
                return a;
            }
        }
        return null;
    }

    /** The role's value on its resource (e.g. RoleManagement.ReadWrite.Directory), for the approver; the id when unknown. */
    private String roleName(String resourceId, String roleId, Map<String, Map<String, String>> cache) {
        Map<String, String> roles = cache.computeIfAbsent(resourceId, r -> {
            Map<String, String> values = new HashMap<>();
            ServicePrincipal resource = graph.call("GET /v1.0/servicePrincipals/{resourceId}", () -> graph.client().servicePrincipals()
                    .byServicePrincipalId(r).get(c -> c.queryParameters.select = new String[] {"id", "appRoles"}));
            if (resource != null && resource.getAppRoles() != null) {
                for (AppRole role : resource.getAppRoles()) {
                    if (role.getId() != null && role.getValue() != null) {
                        values.put(role.getId().toString(), role.getValue());
                    }
                }
            }
            return values;
        });
        return roles.getOrDefault(roleId.toLowerCase(Locale.ROOT), roleId);
    }

    private static List<Held> read(ActionPlan plan) {
        String json = PlanDetails.require(plan, "appRoleAssignments");
        try {
            List<Held> list = new ArrayList<>();
            for (JsonNode n : JSON.readTree(json)) {
                String resourceId = n.get("resourceId").asText();
                String roleId = n.get("appRoleId").asText();
                UUID.fromString(resourceId);
                UUID.fromString(roleId);
                list.add(new Held(resourceId, roleId, n.path("resourceName").asText(resourceId), n.path("roleName").asText(roleId)));
            }
            return list;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new ConnectorException(ErrorCode.INTERNAL, "an app role assignment plan whose assignments cannot be read: not made by "
                    + "this connector's plan()", e);
        }
    }
}

package io.itdr.connector.azure.act;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.itdr.connector.azure.rbac.RoleAssignments;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * quarantine_session: every Azure RBAC role assignment of the service principal (or managed identity) within the
 * configured subscriptions is deleted, and re-created on revert from the snapshot (its role definition, scope,
 * principal type, condition and description). Its credentials and Entra state stay as they are; what it may do in
 * Azure is taken away. As the GCP connector's binding removal, this is COMPENSABLE, not reversible: a role
 * assignment's id is chosen by whoever creates it, so the restored assignment has a new id (a GUID derived from the
 * removed one's id, so that restoring twice creates nothing twice), and new creation times; ARM applies role
 * changes within minutes (https://learn.microsoft.com/en-us/azure/role-based-access-control/troubleshooting#role-assignment-changes-are-not-being-detected),
 * and the plan says so. Assignments inherited from a management group or the root are listed but not removed (they
 * are not within a subscription). The state is, per assignment, {@code roleAssignment/<scope>/<role definition guid>}
 * → {@code assigned} or {@code removed}, independent of assignment ids. Calls: {@link RoleAssignments}.
 */
final class RoleAssignmentRemoval implements PlannedAction {
    /** The action's name in plans (quarantine_session chooses it, see {@link EntraActionExecutor}). */
    static final String NAME = "remove_azure_role_assignments";
    private static final Pattern OBJECT_ID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String connectorId;
    private final RoleAssignments rbac;
    private final Clock clock;

    RoleAssignmentRemoval(String connectorId, RoleAssignments rbac, Clock clock) {
        this.connectorId = connectorId;
        this.rbac = rbac;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String id = ActionTargets.identity(connectorId, request,
                value -> OBJECT_ID.matcher(value).matches() ? Optional.of(value.toLowerCase(Locale.ROOT)) : Optional.empty(),
                "service principals and managed identities by object id (a GUID)");
        List<RoleAssignments.Assignment> removable = new ArrayList<>();
        for (RoleAssignments.Assignment a : rbac.of(id)) {
            if (withinSubscriptions(a.scope())) {
                removable.add(a);
            }
        }
        removable.sort(Comparator.comparing(a -> a.id().toLowerCase(Locale.ROOT)));
        Map<String, String> pre = new TreeMap<>();
        Map<String, String> post = new TreeMap<>();
        List<PlatformCall> calls = new ArrayList<>();
        List<String> named = new ArrayList<>();
        for (RoleAssignments.Assignment a : removable) {
            pre.put(key(a), "assigned");
            post.put(key(a), "removed");
            calls.add(new PlatformCall("arm:DELETE roleAssignment", a.id(), true));
            named.add(a.roleName() + " at " + a.scope());
        }
        String summary = removable.isEmpty()
                ? "Service principal " + id + " holds no Azure role within subscriptions " + rbac.subscriptions() + ": nothing to remove"
                : "Remove " + removable.size() + " Azure role assignment(s) of service principal " + id + ": " + String.join("; ", named)
                        + ". Compensable: restoring re-creates them with new ids; ARM applies the change within minutes, and access "
                        + "tokens already issued stay valid until they expire";
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, new Snapshot(pre, clock.instant()),
                new Snapshot(post, clock.instant()), summary, Map.of("servicePrincipalId", id, "assignments", write(removable),
                io.itdr.connector.support.RungDispatch.ACTION, NAME));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        List<RoleAssignments.Assignment> now = rbac.of(id);
        Map<String, String> state = new TreeMap<>();
        for (RoleAssignments.Assignment planned : read(plan)) {
            boolean held = now.stream().anyMatch(a -> key(a).equals(key(planned)));
            state.put(key(planned), held ? "assigned" : "removed");
        }
        return new Snapshot(state, clock.instant());
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        List<PlatformCall> calls = new ArrayList<>();
        for (RoleAssignments.Assignment a : read(plan)) {
            try {
                rbac.delete(a.id());
            } catch (ConnectorException e) {
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw e;
                }
            }
            calls.add(new PlatformCall("arm:DELETE roleAssignment", a.id(), true));
        }
        return calls;
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        List<RoleAssignments.Assignment> now = rbac.of(id);
        List<PlatformCall> calls = new ArrayList<>();
        for (RoleAssignments.Assignment a : read(plan)) {
            if (now.stream().anyMatch(b -> key(b).equals(key(a)))) {
                continue;
            }
            String name = UUID.nameUUIDFromBytes(("restore:" + a.id().toLowerCase(Locale.ROOT)).getBytes(StandardCharsets.UTF_8)).toString();
            rbac.create(a, name);
            calls.add(new PlatformCall("arm:PUT roleAssignment", a.scope() + "/providers/Microsoft.Authorization/roleAssignments/" + name,
                    true));
        }
        return calls;
    }

    private boolean withinSubscriptions(String scope) {
        String s = scope.toLowerCase(Locale.ROOT);
        return rbac.subscriptions().stream().anyMatch(sub -> s.equals("/subscriptions/" + sub) || s.startsWith("/subscriptions/" + sub + "/"));
    }

    private static String key(RoleAssignments.Assignment a) {
        return "roleAssignment" + a.scope().toLowerCase(Locale.ROOT) + "/" + a.roleDefinitionGuid();
    }

    private static String write(List<RoleAssignments.Assignment> assignments) {
        ArrayNode array = JSON.createArrayNode();
        for (RoleAssignments.Assignment a : assignments) {
            array.addObject().put("id", a.id()).put("scope", a.scope()).put("roleDefinitionId", a.roleDefinitionId())
                    .put("roleName", a.roleName()).put("principalId", a.principalId()).put("principalType", a.principalType())
                    .put("condition", a.condition()).put("conditionVersion", a.conditionVersion()).put("description", a.description());
        }
        return array.toString();
    }

    private static List<RoleAssignments.Assignment> read(ActionPlan plan) {
        String json = PlanDetails.require(plan, "assignments");
        try {
            List<RoleAssignments.Assignment> list = new ArrayList<>();
            for (JsonNode n : JSON.readTree(json)) {
                list.add(new RoleAssignments.Assignment(n.get("id").asText(), n.get("scope").asText(), n.get("roleDefinitionId").asText(),
                        text(n, "roleName"), text(n, "principalId"), text(n, "principalType"), text(n, "condition"),
                        text(n, "conditionVersion"), text(n, "description")));
            }
            return list;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new ConnectorException(ErrorCode.INTERNAL, "a role assignment plan whose assignments cannot be read: not made by this "
                    + "connector's plan()", e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}

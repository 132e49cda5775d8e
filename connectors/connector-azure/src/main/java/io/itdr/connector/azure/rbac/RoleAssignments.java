package io.itdr.connector.azure.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.connector.azure.GraphJson;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Azure RBAC role assignments of one principal in the configured subscriptions, through Azure Resource Manager
 * (api-version 2022-04-01):
 * <ul>
 *   <li>list: {@code GET /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments?$filter=principalId eq '{id}'}
 *       (at, above and below the subscription; https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/list-for-subscription);</li>
 *   <li>role names: {@code GET {roleDefinitionId}} (https://learn.microsoft.com/en-us/rest/api/authorization/role-definitions/get-by-id),
 *       read once per definition and kept (definitions are few and rarely renamed);</li>
 *   <li>delete: {@code DELETE {assignment id}}, 200 with the assignment or 204 when it did not exist
 *       (https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/delete);</li>
 *   <li>create: {@code PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{new GUID}}
 *       (https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments/create): an assignment's id
 *       is chosen by its creator, so a removed one comes back under a new id.</li>
 * </ul>
 * Privileged roles ({@link #PRIVILEGED_ROLES}): Owner, User Access Administrator, Role Based Access Control
 * Administrator (they grant roles), Contributor, and the Key Vault administrator and officer roles (they reach
 * secrets, keys and certificates). Thread-safe.
 */
public final class RoleAssignments {
    public static final String API_VERSION = "2022-04-01";
    /** Built-in roles the inventory flags (https://learn.microsoft.com/en-us/azure/role-based-access-control/built-in-roles). */
    public static final Set<String> PRIVILEGED_ROLES = Set.of("Owner", "User Access Administrator",
            "Role Based Access Control Administrator", "Contributor", "Key Vault Administrator", "Key Vault Data Access Administrator",
            "Key Vault Secrets Officer", "Key Vault Crypto Officer", "Key Vault Certificates Officer");
    private static final Pattern ARM_PATH = Pattern.compile("(/[A-Za-z0-9._()\\-]+)+");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One role assignment.
     *
     * @param id               its resource id ({@code {scope}/providers/Microsoft.Authorization/roleAssignments/{guid}})
     * @param scope            where it applies
     * @param roleDefinitionId the role definition's resource id
     * @param roleName         the role's name; the definition's GUID when it could not be read
     * @param principalId      the principal's object id
     * @param principalType    {@code ServicePrincipal}, {@code User}, {@code Group} …; may be null
     * @param condition        an ABAC condition; may be null
     * @param conditionVersion the condition's version; may be null
     * @param description      may be null
     */
    public record Assignment(String id, String scope, String roleDefinitionId, String roleName, String principalId, String principalType,
                             String condition, String conditionVersion, String description) {
        public Assignment {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(roleDefinitionId, "roleDefinitionId");
        }

        /** Whether the role is one of {@link #PRIVILEGED_ROLES}. */
        public boolean privileged() {
            return PRIVILEGED_ROLES.contains(roleName);
        }

        /** The role definition's GUID, the last segment of its id. */
        public String roleDefinitionGuid() {
            return roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        }
    }

    private final GraphJson arm;
    private final List<String> subscriptions;
    private final Map<String, String> roleNames = new ConcurrentHashMap<>();

    public RoleAssignments(GraphJson arm, List<String> subscriptions) {
        this.arm = Objects.requireNonNull(arm, "arm");
        this.subscriptions = List.copyOf(subscriptions);
    }

    public List<String> subscriptions() {
        return subscriptions;
    }

    /** The principal's assignments in every configured subscription (at, above and below it), in ARM's order. */
    public List<Assignment> of(String principalId) {
        List<Assignment> all = new ArrayList<>();
        String filter = URLEncoder.encode("principalId eq '" + principalId.replace("'", "") + "'", StandardCharsets.UTF_8)
                .replace("+", "%20");
        for (String subscription : subscriptions) {
            String what = "GET /subscriptions/{id}/providers/Microsoft.Authorization/roleAssignments";
            for (JsonNode item : arm.all(arm.url("/subscriptions/" + GraphJson.segment(subscription)
                    + "/providers/Microsoft.Authorization/roleAssignments?api-version=" + API_VERSION + "&$filter=" + filter), what)) {
                Assignment a = parse(item, what);
                if (a.principalId() != null && a.principalId().equalsIgnoreCase(principalId) && all.stream().noneMatch(b -> b.id().equalsIgnoreCase(a.id()))) {
                    all.add(a);
                }
            }
        }
        return all;
    }

    /** Deletes the assignment; true when ARM deleted it, false when it did not exist (204). */
    public void delete(String assignmentId) {
        arm.http().send("DELETE", arm.url(path(assignmentId) + "?api-version=" + API_VERSION), null,
                "DELETE {scope}/providers/Microsoft.Authorization/roleAssignments/{id}");
    }

    /** Creates an assignment of {@code a}'s role to its principal at its scope under the id {@code name} (a GUID). */
    public void create(Assignment a, String name) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode p = body.putObject("properties").put("roleDefinitionId", a.roleDefinitionId()).put("principalId", a.principalId());
        if (a.principalType() != null) {
            p.put("principalType", a.principalType());
        }
        if (a.condition() != null) {
            p.put("condition", a.condition()).put("conditionVersion", a.conditionVersion() == null ? "2.0" : a.conditionVersion());
        }
        if (a.description() != null) {
            p.put("description", a.description());
        }
        try {
            arm.http().send("PUT", arm.url(path(a.scope()) + "/providers/Microsoft.Authorization/roleAssignments/" + GraphJson.segment(name)
                    + "?api-version=" + API_VERSION), body.toString(), "PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{id}");
        } catch (ConnectorException e) {
            // 409 RoleAssignmentExists: the same role for the same principal at the same scope is there already
            if (e.code() != ErrorCode.INTERNAL || !e.getMessage().contains("RoleAssignmentExists")) {
                throw e;
            }
        }
    }

    private Assignment parse(JsonNode item, String what) {
        JsonNode p = item.get("properties");
        String id = text(item, "id");
        if (p == null || !p.isObject() || id == null || text(p, "roleDefinitionId") == null || text(p, "scope") == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": a role assignment without id, properties.scope or "
                    + "properties.roleDefinitionId");
        }
        String definition = text(p, "roleDefinitionId");
        return new Assignment(id, text(p, "scope"), definition, roleName(definition), text(p, "principalId"), text(p, "principalType"),
                text(p, "condition"), text(p, "conditionVersion"), text(p, "description"));
    }

    private String roleName(String definitionId) {
        String key = definitionId.toLowerCase(Locale.ROOT);
        String known = roleNames.get(key);
        if (known != null) {
            return known;
        }
        JsonNode definition = arm.object(arm.url(path(definitionId) + "?api-version=" + API_VERSION),
                "GET /providers/Microsoft.Authorization/roleDefinitions/{id}");
        String name = text(definition.path("properties"), "roleName");
        if (name == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /providers/Microsoft.Authorization/roleDefinitions/{id}: "
                    + "no properties.roleName");
        }
        roleNames.put(key, name);
        return name;
    }

    /** An ARM resource id as a path, each segment percent-encoded; refused when it is not one. */
    static String path(String resourceId) {
        if (!ARM_PATH.matcher(resourceId).matches()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "not an Azure resource id: '"
                    + io.itdr.connector.support.JsonFields.clip(resourceId, 160) + "'");
        }
        StringBuilder b = new StringBuilder();
        for (String segment : resourceId.substring(1).split("/")) {
            b.append('/').append(GraphJson.segment(segment));
        }
        return b.toString();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? null : v.asText();
    }

    @Override
    public String toString() {
        return "RoleAssignments[" + subscriptions + "]";
    }
}

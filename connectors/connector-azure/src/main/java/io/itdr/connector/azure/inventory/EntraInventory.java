package io.itdr.connector.azure.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.azure.GraphJson;
import io.itdr.connector.azure.rbac.RoleAssignments;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tenant's own workload identities from Microsoft Graph v1.0: service principals of applications the
 * tenant owns ({@code appOwnerOrganizationId} = the tenant) and managed identities
 * (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list), each with
 * <ul>
 *   <li>credentials: password credentials (kind {@code client_secret}) and key credentials ({@code certificate})
 *       of the service principal and of its application (https://learn.microsoft.com/en-us/graph/api/application-get),
 *       by {@code keyId} with start and end dates, EXPIRED after {@code endDateTime}; federated identity credentials
 *       of the application ({@code federated_credential}, by id, issuer and subject in the privilege scopes);</li>
 *   <li>privileges: the app roles granted to it ({@code appRoleAssignments}), named by the resource's
 *       {@code appRoles} (e.g. {@code Microsoft Graph:RoleManagement.ReadWrite.Directory}), and its directory roles
 *       ({@code directoryRole:Global Administrator}); privileged when it holds a directory role or one of
 *       {@link #DANGEROUS_PERMISSIONS}, which are also listed in the tag {@code dangerous_permissions};</li>
 *   <li>Azure RBAC, when subscriptions are configured: its role assignments ({@code azureRole:<role> at <scope>}; at, above
 *       and below each subscription), privileged when one is a role of {@link RoleAssignments#PRIVILEGED_ROLES} (Owner, User
 *       Access Administrator, Contributor, Key Vault administrators …), listed in the tag {@code privileged_azure_roles};</li>
 *   <li>owner: a tag {@code owner:<name>} or a line {@code owner: <name>} in the notes (of the service principal,
 *       then the application), else the first of its owners
 *       (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-list-owners); criticality from a tag
 *       {@code criticality:<tier>} or notes line {@code criticality: <tier>}, handed on as the tag {@code criticality}.</li>
 * </ul>
 * Page tokens are Graph's {@code @odata.nextLink}, encoded; a page may hold fewer identities than asked (Microsoft's
 * own service principals are skipped). Reads only. Thread-safe.
 */
public final class EntraInventory implements InventorySource {
    /** Graph application permissions that let a holder take over the tenant or its data (flagged). */
    public static final Set<String> DANGEROUS_PERMISSIONS = Set.of("Directory.ReadWrite.All", "RoleManagement.ReadWrite.Directory",
            "AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
            "Policy.ReadWrite.ConditionalAccess", "Domain.ReadWrite.All", "User.ReadWrite.All", "Group.ReadWrite.All",
            "GroupMember.ReadWrite.All", "ServicePrincipalEndpoint.ReadWrite.All", "Mail.ReadWrite", "Mail.Send",
            "Files.ReadWrite.All", "Sites.FullControl.All", "PrivilegedAccess.ReadWrite.AzureAD", "UserAuthenticationMethod.ReadWrite.All");
    static final String PLATFORM = "azure";
    private static final String SELECT = "id,appId,displayName,servicePrincipalType,appOwnerOrganizationId,accountEnabled,tags,notes,"
            + "passwordCredentials,keyCredentials,createdDateTime";

    private final GraphJson graph;
    private final String tenant;
    private final Clock clock;
    private final RoleAssignments rbac;

    public EntraInventory(GraphJson graph, String tenant, Clock clock) {
        this(graph, tenant, null, clock);
    }

    /** @param rbac the configured subscriptions' Azure role assignments; null for none */
    public EntraInventory(GraphJson graph, String tenant, RoleAssignments rbac, Clock clock) {
        this.rbac = rbac;
        this.graph = Objects.requireNonNull(graph, "graph");
        this.tenant = Objects.requireNonNull(tenant, "tenant").toLowerCase(Locale.ROOT);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        }
        URI url = pageToken == null ? graph.url("/v1.0/servicePrincipals?$select=" + SELECT + "&$top=" + Math.min(pageSize, 999))
                : decode(pageToken);
        GraphJson.Page page = graph.page(url, "GET /v1.0/servicePrincipals");
        Map<String, String> roleNames = new HashMap<>();
        List<InventoryIdentity> identities = new ArrayList<>();
        for (JsonNode sp : page.items()) {
            if (isOwn(sp)) {
                identities.add(identity(sp, roleNames));
            }
        }
        return new InventoryPage(identities, page.next() == null ? null : encode(page.next()));
    }

    @Override
    public Optional<InventoryIdentity> get(String tenantId, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        JsonNode sp;
        try {
            sp = graph.object(graph.url("/v1.0/servicePrincipals/" + GraphJson.segment(identity.id()) + "?$select=" + SELECT),
                    "GET /v1.0/servicePrincipals/{id}");
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(identity(sp, new HashMap<>()));
    }

    /** The tenant's own applications' service principals and its managed identities; not Microsoft's or other tenants' apps. */
    private boolean isOwn(JsonNode sp) {
        String type = text(sp, "servicePrincipalType");
        if ("ManagedIdentity".equalsIgnoreCase(type)) {
            return true;
        }
        return "Application".equalsIgnoreCase(type) && tenant.equalsIgnoreCase(String.valueOf(text(sp, "appOwnerOrganizationId")));
    }

    private InventoryIdentity identity(JsonNode sp, Map<String, String> roleNames) {
        String id = text(sp, "id");
        String appId = text(sp, "appId");
        boolean managed = "ManagedIdentity".equalsIgnoreCase(text(sp, "servicePrincipalType"));
        String base = "/v1.0/servicePrincipals/" + GraphJson.segment(id);
        Instant now = clock.instant();

        List<Credential> credentials = new ArrayList<>();
        credentials(sp, now, credentials);
        JsonNode app = managed || appId == null ? null : application(appId);
        List<String> scopes = new ArrayList<>();
        if (app != null) {
            credentials(app, now, credentials);
            for (JsonNode fic : graph.all(graph.url("/v1.0/applications/" + GraphJson.segment(text(app, "id"))
                    + "/federatedIdentityCredentials"), "GET /v1.0/applications/{id}/federatedIdentityCredentials")) {
                String ficId = text(fic, "id");
                if (ficId != null) {
                    credentials.add(new Credential(ficId, "federated_credential", null, null, null, CredentialStatus.ACTIVE));
                    scopes.add("federatedCredential:" + text(fic, "issuer") + " " + text(fic, "subject"));
                }
            }
        }
        Set<String> dangerous = new TreeSet<>();
        for (JsonNode assignment : graph.all(graph.url(base + "/appRoleAssignments"), "GET /v1.0/servicePrincipals/{id}/appRoleAssignments")) {
            String value = roleValue(text(assignment, "resourceId"), text(assignment, "appRoleId"), roleNames);
            String resource = text(assignment, "resourceDisplayName");
            scopes.add((resource == null ? text(assignment, "resourceId") : resource) + ":" + value);
            if (DANGEROUS_PERMISSIONS.contains(value)) {
                dangerous.add(value);
            }
        }
        List<String> directoryRoles = new ArrayList<>();
        for (JsonNode role : graph.all(graph.url(base + "/transitiveMemberOf/microsoft.graph.directoryRole"),
                "GET /v1.0/servicePrincipals/{id}/transitiveMemberOf/microsoft.graph.directoryRole")) {
            String name = text(role, "displayName");
            if (name != null) {
                directoryRoles.add(name);
                scopes.add("directoryRole:" + name);
            }
        }
        Set<String> privilegedAzureRoles = new TreeSet<>();
        if (rbac != null) {
            for (RoleAssignments.Assignment a : rbac.of(id)) {
                scopes.add("azureRole:" + a.roleName() + " at " + a.scope());
                if (a.privileged()) {
                    privilegedAzureRoles.add(a.roleName());
                }
            }
        }
        List<String> owners = new ArrayList<>();
        for (JsonNode owner : graph.all(graph.url(base + "/owners"), "GET /v1.0/servicePrincipals/{id}/owners")) {
            String name = firstOf(text(owner, "userPrincipalName"), text(owner, "displayName"), text(owner, "id"));
            if (name != null) {
                owners.add(name);
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags(sp, tags);
        if (app != null) {
            tags(app, tags);
        }
        String owner = firstOf(tags.remove("owner"), noted(sp, "owner"), app == null ? null : noted(app, "owner"),
                owners.isEmpty() ? null : owners.get(0));
        String criticality = firstOf(tags.get("criticality"), noted(sp, "criticality"), app == null ? null : noted(app, "criticality"));
        if (criticality != null) {
            tags.put("criticality", criticality);
        }
        if (!owners.isEmpty()) {
            tags.put("owners", String.join(",", owners));
        }
        if (!dangerous.isEmpty()) {
            tags.put("dangerous_permissions", String.join(",", dangerous));
        }
        if (!privilegedAzureRoles.isEmpty()) {
            tags.put("privileged_azure_roles", String.join(",", privilegedAzureRoles));
        }
        if (appId != null) {
            tags.put("app_id", appId);
        }
        Boolean enabled = sp.has("accountEnabled") && sp.get("accountEnabled").isBoolean() ? sp.get("accountEnabled").booleanValue() : null;
        return new InventoryIdentity(PLATFORM, tenant, new IdentityRef(id, managed ? "managed_identity" : "service_principal",
                text(sp, "displayName")), enabled, instant(text(sp, "createdDateTime")), owner, tags, credentials, List.of(), scopes,
                !dangerous.isEmpty() || !directoryRoles.isEmpty() || !privilegedAzureRoles.isEmpty(), List.of());
    }

    private JsonNode application(String appId) {
        try {
            return graph.object(graph.url("/v1.0/applications(appId='" + GraphJson.segment(appId) + "')"
                    + "?$select=id,appId,displayName,notes,tags,passwordCredentials,keyCredentials"), "GET /v1.0/applications(appId=...)");
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null; // an app registered in another tenant: its credentials are not this tenant's to see
            }
            throw e;
        }
    }

    /** The {@code value} of app role {@code roleId} on resource service principal {@code resourceId} (read once per page). */
    private String roleValue(String resourceId, String roleId, Map<String, String> cache) {
        if (resourceId == null || roleId == null) {
            return String.valueOf(roleId);
        }
        if (!cache.containsKey(resourceId + "/")) {
            cache.put(resourceId + "/", "");
            JsonNode resource = graph.object(graph.url("/v1.0/servicePrincipals/" + GraphJson.segment(resourceId) + "?$select=id,appRoles"),
                    "GET /v1.0/servicePrincipals/{resourceId}");
            JsonNode roles = resource.get("appRoles");
            if (roles != null && roles.isArray()) {
                roles.forEach(r -> {
                    if (text(r, "id") != null && text(r, "value") != null) {
                        cache.put(resourceId + "/" + text(r, "id"), text(r, "value"));
                    }
                });
            }
        }
        return cache.getOrDefault(resourceId + "/" + roleId, roleId);
    }

    private static void credentials(JsonNode object, Instant now, List<Credential> into) {
        for (String field : List.of("passwordCredentials", "keyCredentials")) {
            JsonNode list = object.get(field);
            if (list == null || !list.isArray()) {
                continue;
            }
            for (JsonNode c : list) {
                String keyId = text(c, "keyId");
                if (keyId == null) {
                    continue;
                }
                Instant end = instant(text(c, "endDateTime"));
                into.add(new Credential(keyId, field.startsWith("password") ? "client_secret" : "certificate",
                        instant(text(c, "startDateTime")), null, end,
                        end != null && end.isBefore(now) ? CredentialStatus.EXPIRED : CredentialStatus.ACTIVE));
            }
        }
    }

    /** Tags {@code key:value} (Entra's convention, e.g. WindowsAzureActiveDirectoryIntegratedApp) as key → value, others as tag → "true". */
    private static void tags(JsonNode object, Map<String, String> into) {
        JsonNode tags = object.get("tags");
        if (tags == null || !tags.isArray()) {
            return;
        }
        for (JsonNode t : tags) {
            String tag = t.asText("").trim();
            if (tag.isEmpty()) {
                continue;
            }
            int colon = tag.indexOf(':');
            if (colon > 0 && colon < tag.length() - 1) {
                into.putIfAbsent(tag.substring(0, colon).trim().toLowerCase(Locale.ROOT), tag.substring(colon + 1).trim());
            } else {
                into.putIfAbsent(tag, "true");
            }
        }
    }

    /** A line {@code <key>: <value>} (or {@code key=value}) in the object's notes. */
    private static String noted(JsonNode object, String key) {
        String notes = text(object, "notes");
        if (notes == null) {
            return null;
        }
        for (String line : notes.split("\\R")) {
            String l = line.trim();
            if (l.toLowerCase(Locale.ROOT).startsWith(key + ":") || l.toLowerCase(Locale.ROOT).startsWith(key + "=")) {
                String value = l.substring(key.length() + 1).trim();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? null : v.asText();
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @SafeVarargs
    private static <T> T firstOf(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private String encode(URI next) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("v1\n" + next).getBytes(StandardCharsets.UTF_8));
    }

    private URI decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith("v1\n")) {
                return graph.onGraph(text.substring(3), "inventory page token");
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        }
        throw new ConnectorException(ErrorCode.CURSOR_INVALID, "inventory page token '" + io.itdr.connector.support.JsonFields.clip(token, 40)
                + "' was not made by this connector's inventory (list from the start with a null token)");
    }

    @Override
    public String toString() {
        return "EntraInventory[tenant=" + tenant + "]";
    }
}

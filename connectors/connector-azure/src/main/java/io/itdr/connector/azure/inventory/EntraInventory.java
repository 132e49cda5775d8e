package io.itdr.connector.azure.inventory;

import com.microsoft.graph.models.AppRole;
import com.microsoft.graph.models.AppRoleAssignment;
import com.microsoft.graph.models.AppRoleAssignmentCollectionResponse;
import com.microsoft.graph.models.Application;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.DirectoryRole;
import com.microsoft.graph.models.DirectoryRoleCollectionResponse;
import com.microsoft.graph.models.FederatedIdentityCredential;
import com.microsoft.graph.models.FederatedIdentityCredentialCollectionResponse;
import com.microsoft.graph.models.KeyCredential;
import com.microsoft.graph.models.PasswordCredential;
import com.microsoft.graph.models.ServicePrincipal;
import com.microsoft.graph.models.ServicePrincipalCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.serialization.UntypedString;
import io.itdr.connector.azure.GraphSdk;
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
import java.util.UUID;

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
 * own service principals are skipped). Every read goes through the Microsoft Graph SDK's typed v1.0 requests ({@link GraphSdk}).
 * Reads only. Thread-safe.
 */
public final class EntraInventory implements InventorySource {
    /** Graph application permissions that let a holder take over the tenant or its data (flagged). */
    public static final Set<String> DANGEROUS_PERMISSIONS = Set.of("Directory.ReadWrite.All", "RoleManagement.ReadWrite.Directory",
            "AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
            "Policy.ReadWrite.ConditionalAccess", "Domain.ReadWrite.All", "User.ReadWrite.All", "Group.ReadWrite.All",
            "GroupMember.ReadWrite.All", "ServicePrincipalEndpoint.ReadWrite.All", "Mail.ReadWrite", "Mail.Send",
            "Files.ReadWrite.All", "Sites.FullControl.All", "PrivilegedAccess.ReadWrite.AzureAD", "UserAuthenticationMethod.ReadWrite.All");
    static final String PLATFORM = "azure";
    private static final String[] SELECT = {"id", "appId", "displayName", "servicePrincipalType", "appOwnerOrganizationId",
        "accountEnabled", "tags", "notes", "passwordCredentials", "keyCredentials"};

    private final GraphSdk graph;
    private final String tenant;
    private final Clock clock;
    private final RoleAssignments rbac;

    public EntraInventory(GraphSdk graph, String tenant, Clock clock) {
        this(graph, tenant, null, clock);
    }

    /** @param rbac the configured subscriptions' Azure role assignments; null for none */
    public EntraInventory(GraphSdk graph, String tenant, RoleAssignments rbac, Clock clock) {
        this.rbac = rbac;
        this.graph = Objects.requireNonNull(graph, "graph");
        this.tenant = Objects.requireNonNull(tenant, "tenant").toLowerCase(Locale.ROOT);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private GraphServiceClient sdk() {
        return graph.client();
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        }
        String what = "GET /v1.0/servicePrincipals";
        ServicePrincipalCollectionResponse page;
        if (pageToken == null) {
            page = graph.call(what, () -> sdk().servicePrincipals().get(c -> {
                c.queryParameters.select = SELECT;
                c.queryParameters.top = Math.min(pageSize, 999);
            }));
        } else {
            String next = decode(pageToken).toString();
            page = graph.call(what, () -> sdk().servicePrincipals().withUrl(next).get());
        }
        if (page == null || page.getValue() == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": expected a Graph collection {\"value\":[...]}");
        }
        Map<String, String> roleNames = new HashMap<>();
        List<InventoryIdentity> identities = new ArrayList<>();
        for (ServicePrincipal sp : page.getValue()) {
            if (isOwn(sp)) {
                identities.add(identity(sp, roleNames));
            }
        }
        String next = page.getOdataNextLink();
        return new InventoryPage(identities, next == null ? null : encode(graph.onRoot(next, what)));
    }

    @Override
    public Optional<InventoryIdentity> get(String tenantId, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        ServicePrincipal sp;
        try {
            sp = graph.call("GET /v1.0/servicePrincipals/{id}", () -> sdk().servicePrincipals().byServicePrincipalId(identity.id())
                    .get(c -> c.queryParameters.select = SELECT));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        if (sp == null || sp.getId() == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /v1.0/servicePrincipals/{id}: no service principal in the answer");
        }
        return Optional.of(identity(sp, new HashMap<>()));
    }

    /** The tenant's own applications' service principals and its managed identities; not Microsoft's or other tenants' apps. */
    private boolean isOwn(ServicePrincipal sp) {
        String type = sp.getServicePrincipalType();
        if ("ManagedIdentity".equalsIgnoreCase(type)) {
            return true;
        }
        return "Application".equalsIgnoreCase(type) && sp.getAppOwnerOrganizationId() != null
                && tenant.equalsIgnoreCase(sp.getAppOwnerOrganizationId().toString());
    }

    private InventoryIdentity identity(ServicePrincipal sp, Map<String, String> roleNames) {
        String id = sp.getId();
        String appId = blankToNull(sp.getAppId());
        boolean managed = "ManagedIdentity".equalsIgnoreCase(sp.getServicePrincipalType());
        var spRequests = sdk().servicePrincipals().byServicePrincipalId(id);
        Instant now = clock.instant();

        List<Credential> credentials = new ArrayList<>();
        credentials(sp.getPasswordCredentials(), sp.getKeyCredentials(), now, credentials);
        Application app = managed || appId == null ? null : application(appId);
        List<String> scopes = new ArrayList<>();
        if (app != null) {
            credentials(app.getPasswordCredentials(), app.getKeyCredentials(), now, credentials);
            var fics = sdk().applications().byApplicationId(app.getId()).federatedIdentityCredentials();
            for (FederatedIdentityCredential fic : graph.all("GET /v1.0/applications/{id}/federatedIdentityCredentials", () -> fics.get(),
                    FederatedIdentityCredentialCollectionResponse::getValue, url -> fics.withUrl(url).get())) {
                String ficId = blankToNull(fic.getId());
                if (ficId != null) {
                    credentials.add(new Credential(ficId, "federated_credential", null, null, null, CredentialStatus.ACTIVE));
                    scopes.add("federatedCredential:" + fic.getIssuer() + " " + fic.getSubject());
                }
            }
        }
        Set<String> dangerous = new TreeSet<>();
        var assignments = spRequests.appRoleAssignments();
        for (AppRoleAssignment assignment : graph.all("GET /v1.0/servicePrincipals/{id}/appRoleAssignments", () -> assignments.get(),
                AppRoleAssignmentCollectionResponse::getValue, url -> assignments.withUrl(url).get())) {
            String resourceId = assignment.getResourceId() == null ? null : assignment.getResourceId().toString();
            String value = roleValue(resourceId, assignment.getAppRoleId(), roleNames);
            String resource = blankToNull(assignment.getResourceDisplayName());
            scopes.add((resource == null ? resourceId : resource) + ":" + value);
            if (DANGEROUS_PERMISSIONS.contains(value)) {
                dangerous.add(value);
            }
        }
        List<String> directoryRoles = new ArrayList<>();
        var roles = spRequests.transitiveMemberOf().graphDirectoryRole();
        for (DirectoryRole role : graph.all("GET /v1.0/servicePrincipals/{id}/transitiveMemberOf/microsoft.graph.directoryRole",
                () -> roles.get(), DirectoryRoleCollectionResponse::getValue, url -> roles.withUrl(url).get())) {
            String name = blankToNull(role.getDisplayName());
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
        var ownerRequests = spRequests.owners();
        for (DirectoryObject owner : graph.all("GET /v1.0/servicePrincipals/{id}/owners", () -> ownerRequests.get(),
                DirectoryObjectCollectionResponse::getValue, url -> ownerRequests.withUrl(url).get())) {
            String name = firstOf(owner instanceof User user ? blankToNull(user.getUserPrincipalName()) : null,
                    owner instanceof ServicePrincipal principal ? blankToNull(principal.getDisplayName()) : null,
                    additional(owner.getAdditionalData(), "displayName"), blankToNull(owner.getId()));
            if (name != null) {
                owners.add(name);
            }
        }
        Map<String, String> tags = new LinkedHashMap<>();
        tags(sp.getTags(), tags);
        if (app != null) {
            tags(app.getTags(), tags);
        }
        String owner = firstOf(tags.remove("owner"), noted(sp.getNotes(), "owner"), app == null ? null : noted(app.getNotes(), "owner"),
                owners.isEmpty() ? null : owners.get(0));
        String criticality = firstOf(tags.get("criticality"), noted(sp.getNotes(), "criticality"),
                app == null ? null : noted(app.getNotes(), "criticality"));
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
        return new InventoryIdentity(PLATFORM, tenant, new IdentityRef(id, managed ? "managed_identity" : "service_principal",
                sp.getDisplayName()), sp.getAccountEnabled(), instant(additional(sp.getAdditionalData(), "createdDateTime")), owner, tags,
                credentials, List.of(), scopes, !dangerous.isEmpty() || !directoryRoles.isEmpty() || !privilegedAzureRoles.isEmpty(), List.of());
    }

    private Application application(String appId) {
        try {
            return graph.call("GET /v1.0/applications(appId=...)", () -> sdk().applicationsWithAppId(appId).get(c -> c.queryParameters.select =
                    new String[] {"id", "appId", "displayName", "notes", "tags", "passwordCredentials", "keyCredentials"}));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null; // an app registered in another tenant: its credentials are not this tenant's to see
            }
            throw e;
        }
    }

    /** The {@code value} of app role {@code roleId} on resource service principal {@code resourceId} (read once per page). */
    private String roleValue(String resourceId, UUID roleId, Map<String, String> cache) {
        if (resourceId == null || roleId == null) {
            return String.valueOf(roleId);
        }
        if (!cache.containsKey(resourceId + "/")) {
            cache.put(resourceId + "/", "");
            ServicePrincipal resource = graph.call("GET /v1.0/servicePrincipals/{resourceId}", () -> sdk().servicePrincipals()
                    .byServicePrincipalId(resourceId).get(c -> c.queryParameters.select = new String[] {"id", "appRoles"}));
            if (resource != null && resource.getAppRoles() != null) {
                for (AppRole r : resource.getAppRoles()) {
                    if (r.getId() != null && blankToNull(r.getValue()) != null) {
                        cache.put(resourceId + "/" + r.getId(), r.getValue());
                    }
                }
            }
        }
        return cache.getOrDefault(resourceId + "/" + roleId, roleId.toString());
    }

    private static void credentials(List<PasswordCredential> passwords, List<KeyCredential> keys, Instant now, List<Credential> into) {
        if (passwords != null) {
            for (PasswordCredential c : passwords) {
                add(c.getKeyId(), "client_secret", c.getStartDateTime(), c.getEndDateTime(), now, into);
            }
        }
        if (keys != null) {
            for (KeyCredential c : keys) {
                add(c.getKeyId(), "certificate", c.getStartDateTime(), c.getEndDateTime(), now, into);
            }
        }
    }

    private static void add(UUID keyId, String kind, OffsetDateTime start, OffsetDateTime endTime, Instant now, List<Credential> into) {
        if (keyId == null) {
            return;
        }
        Instant end = endTime == null ? null : endTime.toInstant();
        into.add(new Credential(keyId.toString(), kind, start == null ? null : start.toInstant(), null, end,
                end != null && end.isBefore(now) ? CredentialStatus.EXPIRED : CredentialStatus.ACTIVE));
    }

    /** Tags {@code key:value} (Entra's convention, e.g. WindowsAzureActiveDirectoryIntegratedApp) as key → value, others as tag → "true". */
    private static void tags(List<String> tags, Map<String, String> into) {
        if (tags == null) {
            return;
        }
        for (String t : tags) {
            String tag = t == null ? "" : t.trim();
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
    private static String noted(String notes, String key) {
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

    /** A property the v1.0 model does not declare (it lands in additional data), as text. */
    private static String additional(Map<String, Object> data, String field) {
        Object v = data == null ? null : data.get(field);
        if (v instanceof UntypedString s) {
            return blankToNull(s.getValue());
        }
        return v instanceof String s ? blankToNull(s) : null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
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
                return graph.onRoot(text.substring(3), "inventory page token");
            }
        } catch (IllegalArgumentException malformed) {
            // reported below
        } catch (ConnectorException offGraph) {
            // a link off Graph's host: not one this inventory made
        }
        throw new ConnectorException(ErrorCode.CURSOR_INVALID, "inventory page token '" + io.itdr.connector.support.JsonFields.clip(token, 40)
                + "' was not made by this connector's inventory (list from the start with a null token)");
    }

    @Override
    public String toString() {
        return "EntraInventory[tenant=" + tenant + "]";
    }
}

package io.itdr.connector.gcp.inventory;

import com.google.api.services.cloudresourcemanager.model.Binding;
import com.google.api.services.cloudresourcemanager.model.Policy;
import com.google.api.services.cloudresourcemanager.model.Project;
import com.google.api.services.iam.v1.model.ListServiceAccountKeysResponse;
import com.google.api.services.iam.v1.model.ListServiceAccountsResponse;
import com.google.api.services.iam.v1.model.ServiceAccount;
import com.google.api.services.iam.v1.model.ServiceAccountKey;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.IamPolicies;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Lists the service accounts of the configured projects with IAM
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/list), each with its keys
 * (…/projects.serviceAccounts.keys/list: user-managed keys are the credentials an attacker can steal;
 * Google-managed ones are listed too, marked), the roles the project's IAM policy grants it
 * (https://cloud.google.com/resource-manager/reference/rest/v1/projects/getIamPolicy) and the project's
 * labels for owner and criticality (service accounts carry no labels of their own); and the roles granted to it on
 * the folders and the organization above the project ({@link IamPolicies}: {@code projects.getAncestry}, then
 * {@code folders.getIamPolicy} and {@code organizations.getIamPolicy}), which hold for the project too.
 *
 * <p>Privileged: a role that owns the project or lets its holder become other identities
 * ({@link #PRIVILEGED_ROLES}), on the project or inherited; they are named in the tag {@code gcp:privileged-roles}.
 * Privilege scopes name project roles as they are ({@code roles/editor}) and inherited ones with their resource
 * ({@code roles/owner on organizations/200}); the tag {@code gcp:ancestors} names the folders and organization.
 *
 * <p>Page tokens are {@code <project index>|<IAM page token>}. Read-only. Thread-safe.
 */
public final class GcpInventory implements InventorySource {
    /** Owner and editor, and the roles that mint tokens for, add keys to, or rebind service accounts. */
    public static final Set<String> PRIVILEGED_ROLES = Set.of("roles/owner", "roles/editor", "roles/iam.serviceAccountTokenCreator",
            "roles/iam.serviceAccountKeyAdmin", "roles/iam.serviceAccountAdmin", "roles/iam.serviceAccountUser",
            "roles/resourcemanager.projectIamAdmin", "roles/resourcemanager.folderAdmin", "roles/resourcemanager.folderIamAdmin",
            "roles/resourcemanager.organizationAdmin", "roles/iam.organizationRoleAdmin", "roles/iam.securityAdmin",
            "roles/iam.workloadIdentityUser");
    /** IAM writes validBeforeTime 9999-12-31 for keys that never expire. */
    private static final Instant NEVER = Instant.parse("9999-01-01T00:00:00Z");

    private final String connectorId;
    private final GcpClients clients;
    private final List<String> projects;
    private final String ownerLabel;
    private final String criticalityLabel;
    private final Clock clock;
    private final IamPolicies policies;
    private final boolean hierarchy;

    /** @param hierarchy whether roles on the folders and organization above each project are read too */
    public GcpInventory(String connectorId, GcpClients clients, List<String> projects, String ownerLabel, String criticalityLabel,
                        boolean hierarchy, Clock clock) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.projects = List.copyOf(projects);
        this.ownerLabel = Objects.requireNonNull(ownerLabel, "ownerLabel");
        this.criticalityLabel = Objects.requireNonNull(criticalityLabel, "criticalityLabel");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policies = new IamPolicies(clients);
        this.hierarchy = hierarchy;
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        }
        int project = 0;
        String iamToken = null;
        if (pageToken != null) {
            int bar = pageToken.indexOf('|');
            try {
                project = Integer.parseInt(bar < 0 ? pageToken : pageToken.substring(0, bar));
            } catch (NumberFormatException e) {
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not an inventory page token of this connector");
            }
            iamToken = bar < 0 || bar == pageToken.length() - 1 ? null : pageToken.substring(bar + 1);
            if (project < 0 || project >= projects.size()) {
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "inventory page token names no configured project");
            }
        }
        String p = projects.get(project);
        String token0 = iamToken;
        ListServiceAccountsResponse page = clients.execute("serviceAccounts.list projects/" + p,
                call(() -> clients.iam().projects().serviceAccounts().list("projects/" + p).setPageSize(Math.min(pageSize, 100))
                        .setPageToken(token0)));
        List<InventoryIdentity> identities = new ArrayList<>();
        List<ServiceAccount> accounts = page.getAccounts() == null ? List.of() : page.getAccounts();
        if (!accounts.isEmpty()) {
            ProjectView view = project(p);
            for (ServiceAccount account : accounts) {
                identities.add(identity(account, view));
            }
        }
        String next = page.getNextPageToken();
        String token = next != null && !next.isEmpty() ? project + "|" + next
                : project + 1 < projects.size() ? (project + 1) + "|" : null;
        return new InventoryPage(identities, token);
    }

    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        String email = identity.id();
        ServiceAccount account;
        try {
            account = clients.execute("serviceAccounts.get " + email,
                    call(() -> clients.iam().projects().serviceAccounts().get("projects/-/serviceAccounts/" + email)));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        if (!projects.contains(account.getProjectId())) {
            return Optional.empty();
        }
        return Optional.of(identity(account, project(account.getProjectId())));
    }

    /**
     * What the inventory reads once per project: its labels, its IAM policy, and the policies of the folders and
     * organization above it (resource name → bindings, nearest first).
     */
    private record ProjectView(String id, Map<String, String> labels, List<Binding> bindings, Map<String, List<Binding>> inherited) {
    }

    private ProjectView project(String id) {
        Project project = clients.execute("projects.get " + id, call(() -> clients.resourceManager().projects().get(id)));
        Policy policy = policies.read("projects/" + id);
        Map<String, List<Binding>> inherited = new LinkedHashMap<>();
        for (String above : hierarchy ? policies.ancestors(id) : List.<String>of()) {
            Policy p = policies.read(above);
            inherited.put(above, p.getBindings() == null ? List.of() : p.getBindings());
        }
        return new ProjectView(id, project.getLabels() == null ? Map.of() : project.getLabels(),
                policy.getBindings() == null ? List.of() : policy.getBindings(), inherited);
    }

    private InventoryIdentity identity(ServiceAccount account, ProjectView project) {
        String email = account.getEmail();
        ListServiceAccountKeysResponse keys = clients.execute("keys.list " + email,
                call(() -> clients.iam().projects().serviceAccounts().keys().list("projects/" + project.id() + "/serviceAccounts/" + email)));
        List<Credential> credentials = new ArrayList<>();
        Instant now = clock.instant();
        if (keys.getKeys() != null) {
            for (ServiceAccountKey key : keys.getKeys()) {
                credentials.add(credential(key, now));
            }
        }
        String member = "serviceAccount:" + email;
        List<String> roles = new ArrayList<>();
        List<String> privileged = new ArrayList<>();
        for (Binding binding : project.bindings()) {
            if (binding.getMembers() != null && binding.getMembers().contains(member) && !roles.contains(binding.getRole())) {
                roles.add(binding.getRole());
                if (PRIVILEGED_ROLES.contains(binding.getRole())) {
                    privileged.add(binding.getRole());
                }
            }
        }
        project.inherited().forEach((resource, bindings) -> {
            for (Binding binding : bindings) {
                String scope = binding.getRole() + " on " + resource;
                if (binding.getMembers() != null && binding.getMembers().contains(member) && !roles.contains(scope)) {
                    roles.add(scope);
                    if (PRIVILEGED_ROLES.contains(binding.getRole())) {
                        privileged.add(scope);
                    }
                }
            }
        });
        Map<String, String> tags = new LinkedHashMap<>();
        project.labels().forEach((k, v) -> tags.put("project-label:" + k, v));
        String criticality = project.labels().get(criticalityLabel);
        if (criticality != null) {
            tags.put("criticality", criticality);
        }
        if (!privileged.isEmpty()) {
            tags.put("gcp:privileged-roles", String.join(",", privileged));
        }
        if (!project.inherited().isEmpty()) {
            tags.put("gcp:ancestors", String.join(",", project.inherited().keySet()));
        }
        tags.put("gcp:unique-id", String.valueOf(account.getUniqueId()));
        return new InventoryIdentity(connectorId, project.id(), new IdentityRef(email, "service_account", account.getDisplayName()),
                !Boolean.TRUE.equals(account.getDisabled()), null, project.labels().get(ownerLabel), tags, credentials, List.of(),
                roles, !privileged.isEmpty(), List.of());
    }

    private static Credential credential(ServiceAccountKey key, Instant now) {
        String name = key.getName();
        String id = name.substring(name.lastIndexOf('/') + 1);
        Instant after = instant(key.getValidAfterTime());
        Instant before = instant(key.getValidBeforeTime());
        Instant expires = before == null || before.isAfter(NEVER) ? null : before;
        CredentialStatus status = Boolean.TRUE.equals(key.getDisabled()) ? CredentialStatus.INACTIVE
                : expires != null && !expires.isAfter(now) ? CredentialStatus.EXPIRED : CredentialStatus.ACTIVE;
        String kind = "SYSTEM_MANAGED".equals(key.getKeyType()) ? "service_account_key_google_managed" : "service_account_key";
        return new Credential(id, kind, after, null, expires, status);
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

    /** A request builder whose construction may throw IOException, as the generated clients' do. */
    interface RequestCall<T> {
        T make() throws java.io.IOException;
    }

    static <T> T call(RequestCall<T> make) {
        try {
            return make.make();
        } catch (java.io.IOException e) {
            throw GcpErrorsBridge.map(e);
        }
    }

    @Override
    public String toString() {
        return "GcpInventory[" + projects + ", owner label " + ownerLabel + ", criticality label " + criticalityLabel + "]";
    }
}

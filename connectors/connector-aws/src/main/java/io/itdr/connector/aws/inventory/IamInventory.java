package io.itdr.connector.aws.inventory;

import static io.itdr.connector.aws.AwsErrors.call;

import io.itdr.connector.aws.Arn;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.ListRolesResponse;
import software.amazon.awssdk.services.iam.model.ListUsersResponse;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * The IAM users and roles of the account, read with the SDK's {@link IamClient}
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/): users first, then roles, each listed with
 * ListUsers / ListRoles (MaxItems, Marker) and described with
 * <ul>
 *   <li>access keys (users only): ListAccessKeys for id, status and creation, GetAccessKeyLastUsed
 *       for last use;</li>
 *   <li>tags: ListUserTags / ListRoleTags, all kept in {@link InventoryIdentity#tags()}; the owner
 *       tag ({@link InventorySettings#ownerTag()}) becomes {@link InventoryIdentity#owner()}, the
 *       criticality tag is handed to the engine under {@code criticality} (see {@link InventorySettings});</li>
 *   <li>privileges: ListAttachedUserPolicies / ListAttachedRolePolicies and ListUserPolicies /
 *       ListRolePolicies, summarised by {@link PrivilegeSummary} into privilege scopes,
 *       {@code privileged}, and {@code enabled = false} when AWSDenyAll is attached.</li>
 * </ul>
 * Consumers and entitlement changes are left empty: IAM does not say who uses an identity, and its
 * changes come from CloudTrail, not from these reads.
 *
 * <p>Page tokens are opaque ({@link PageToken}): which list, and IAM's marker in it. A page may hold
 * users and roles both. A principal deleted while it is being described (NoSuchEntity) is left out;
 * one deleted between pages never shifts the others, since IAM's markers are positions, not
 * offsets. Every failure becomes a {@link ConnectorException} ({@link io.itdr.connector.aws.AwsErrors}):
 * throttling is THROTTLED (retriable), and listing again with the same token resumes where the
 * failed call left off. Read-only; thread-safe (stateless around the thread-safe client).
 */
public final class IamInventory implements InventorySource {
    /** The largest MaxItems IAM accepts on its list operations. */
    static final int MAX_ITEMS = 1000;

    private final String connectorId;
    private final IamClient iam;
    private final InventorySettings settings;

    /**
     * @param connectorId the platform id identities are listed under ("aws"); never null
     * @param iam         an IAM client; never null; closed by its owner, not here
     * @param settings    which tags name owner and criticality; never null
     */
    public IamInventory(String connectorId, IamClient iam, InventorySettings settings) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.iam = Objects.requireNonNull(iam, "iam");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** An IAM principal as a list or get operation returned it. */
    private record Principal(Kind kind, String name, String arn, Instant created) {
    }

    private enum Kind {
        USER("iam_user"), ROLE("iam_role");

        final String identityKind;

        Kind(String identityKind) {
            this.identityKind = identityKind;
        }
    }

    /** One answer of ListUsers or ListRoles: its principals and the marker of the rest (null at the end). */
    private record Listed(List<Principal> principals, String nextMarker) {
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        int wanted = Math.max(1, Math.min(pageSize, MAX_ITEMS));
        PageToken position = PageToken.decode(pageToken);
        List<InventoryIdentity> identities = new ArrayList<>();
        while (position != null && identities.size() < wanted) {
            Listed listed = read(position, wanted - identities.size());
            for (Principal principal : listed.principals()) {
                describe(principal).ifPresent(identities::add);
            }
            position = listed.nextMarker() != null ? position.at(listed.nextMarker()) : position.nextList();
        }
        return new InventoryPage(identities, position == null ? null : position.encode());
    }

    /**
     * One IAM user or role by ARN ({@code arn:aws:iam::<account>:user/<name>} or {@code role/<name>}),
     * read fresh with GetUser / GetRole and described as {@link #list} does. Empty for anything else,
     * for a principal IAM does not know, for one of another account than the ARN's (a same-named
     * principal here is not the one asked for), and when {@code tenant} is given and is not the
     * ARN's account. The identity returned carries IAM's ARN (with the principal's path).
     */
    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        Arn wanted = Arn.parse(identity.id()).filter(a -> a.isIamPrincipal("user") || a.isIamPrincipal("role")).orElse(null);
        if (wanted == null || (tenant != null && !tenant.equals(wanted.account()))) {
            return Optional.empty();
        }
        String name = wanted.resourceName();
        Principal principal;
        try {
            if (wanted.resourceType().equals("user")) {
                User user = call("iam:GetUser", name, () -> iam.getUser(r -> r.userName(name)).user());
                principal = new Principal(Kind.USER, user.userName(), user.arn(), user.createDate());
            } else {
                Role role = call("iam:GetRole", name, () -> iam.getRole(r -> r.roleName(name)).role());
                principal = new Principal(Kind.ROLE, role.roleName(), role.arn(), role.createDate());
            }
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        if (!wanted.account().equals(account(principal.arn()))) {
            return Optional.empty();
        }
        return describe(principal);
    }

    private Listed read(PageToken position, int maxItems) {
        String marker = position.marker();
        if (position.listing() == PageToken.Listing.USERS) {
            ListUsersResponse page = call("iam:ListUsers", "the account", () -> iam.listUsers(r -> r.maxItems(maxItems).marker(marker)));
            List<Principal> users = page.users().stream()
                    .map(u -> new Principal(Kind.USER, u.userName(), u.arn(), u.createDate())).toList();
            return new Listed(users, nextMarker("iam:ListUsers", page.isTruncated(), page.marker()));
        }
        ListRolesResponse page = call("iam:ListRoles", "the account", () -> iam.listRoles(r -> r.maxItems(maxItems).marker(marker)));
        List<Principal> roles = page.roles().stream()
                .map(r -> new Principal(Kind.ROLE, r.roleName(), r.arn(), r.createDate())).toList();
        return new Listed(roles, nextMarker("iam:ListRoles", page.isTruncated(), page.marker()));
    }

    private static String nextMarker(String operation, Boolean truncated, String marker) {
        if (!Boolean.TRUE.equals(truncated)) {
            return null;
        }
        if (marker == null || marker.isEmpty()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, operation + ": IsTruncated is true but no Marker was given");
        }
        return marker;
    }

    /** The principal described, or empty when it was deleted while being read. */
    private Optional<InventoryIdentity> describe(Principal principal) {
        try {
            return Optional.of(identity(principal));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private InventoryIdentity identity(Principal principal) {
        Map<String, String> tags = tags(principal);
        List<Credential> credentials = principal.kind() == Kind.USER ? accessKeys(principal.name()) : List.of();
        PrivilegeSummary privileges = PrivilegeSummary.of(attachedPolicies(principal), inlinePolicies(principal));
        return new InventoryIdentity(connectorId, account(principal.arn()),
                new IdentityRef(principal.arn(), principal.kind().identityKind, principal.name()),
                !privileges.quarantined(), principal.created(), tag(tags, settings.ownerTag()), withEngineCriticality(tags),
                credentials, List.of(), privileges.scopes(), privileges.privileged(), List.of());
    }

    private Map<String, String> tags(Principal principal) {
        String name = principal.name();
        List<Tag> tags = principal.kind() == Kind.USER
                ? all("iam:ListUserTags", name, () -> iam.listUserTagsPaginator(r -> r.userName(name)).tags())
                : all("iam:ListRoleTags", name, () -> iam.listRoleTagsPaginator(r -> r.roleName(name)).tags());
        Map<String, String> byKey = new LinkedHashMap<>();
        tags.forEach(tag -> byKey.put(tag.key(), tag.value()));
        return byKey;
    }

    private List<String> attachedPolicies(Principal principal) {
        String name = principal.name();
        List<AttachedPolicy> policies = principal.kind() == Kind.USER
                ? all("iam:ListAttachedUserPolicies", name, () -> iam.listAttachedUserPoliciesPaginator(r -> r.userName(name)).attachedPolicies())
                : all("iam:ListAttachedRolePolicies", name, () -> iam.listAttachedRolePoliciesPaginator(r -> r.roleName(name)).attachedPolicies());
        return policies.stream().map(AttachedPolicy::policyArn).toList();
    }

    private List<String> inlinePolicies(Principal principal) {
        String name = principal.name();
        return principal.kind() == Kind.USER
                ? all("iam:ListUserPolicies", name, () -> iam.listUserPoliciesPaginator(r -> r.userName(name)).policyNames())
                : all("iam:ListRolePolicies", name, () -> iam.listRolePoliciesPaginator(r -> r.roleName(name)).policyNames());
    }

    /** Every item of a paginated IAM list; the paginator calls IAM as it is iterated, inside the translation. */
    private static <T> List<T> all(String operation, String resource, Supplier<Iterable<T>> pages) {
        return call(operation, resource, () -> {
            List<T> items = new ArrayList<>();
            pages.get().forEach(items::add);
            return items;
        });
    }

    private List<Credential> accessKeys(String userName) {
        List<AccessKeyMetadata> keys = all("iam:ListAccessKeys", userName,
                () -> iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata());
        List<Credential> credentials = new ArrayList<>();
        for (AccessKeyMetadata key : keys) {
            String keyId = key.accessKeyId();
            AccessKeyLastUsed lastUsed;
            try {
                lastUsed = call("iam:GetAccessKeyLastUsed", keyId, () -> iam.getAccessKeyLastUsed(r -> r.accessKeyId(keyId)).accessKeyLastUsed());
            } catch (ConnectorException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    continue; // the key was deleted since it was listed; the user still exists
                }
                throw e;
            }
            credentials.add(new Credential(keyId, "access_key", key.createDate(), lastUsed == null ? null : lastUsed.lastUsedDate(),
                    null, status(key.statusAsString())));
        }
        return credentials;
    }

    private static CredentialStatus status(String status) {
        if (status == null) {
            return CredentialStatus.UNKNOWN;
        }
        return switch (status) {
            case "Active" -> CredentialStatus.ACTIVE;
            case "Inactive" -> CredentialStatus.INACTIVE;
            case "Expired" -> CredentialStatus.EXPIRED;
            default -> CredentialStatus.UNKNOWN;
        };
    }

    /** The platform's tags, plus the criticality under the engine's key when the operator names it differently. */
    private Map<String, String> withEngineCriticality(Map<String, String> tags) {
        String key = settings.criticalityTag();
        String engineKey = InventorySettings.ENGINE_CRITICALITY_TAG;
        String tier = tag(tags, key);
        if (key.equalsIgnoreCase(engineKey) || tier == null || tag(tags, engineKey) != null) {
            return tags;
        }
        Map<String, String> published = new LinkedHashMap<>(tags);
        published.put(engineKey, tier);
        return published;
    }

    /** The non-blank value under {@code key}, trying the exact key first and then any letter case of it. */
    static String tag(Map<String, String> tags, String key) {
        String value = tags.get(key);
        if (value == null) {
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                if (tag.getKey().equalsIgnoreCase(key)) {
                    value = tag.getValue();
                    break;
                }
            }
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String account(String arn) {
        return Arn.parse(arn).map(Arn::account).filter(a -> !a.isEmpty()).orElse(null);
    }

    @Override
    public String toString() {
        return "IamInventory[ownerTag=" + settings.ownerTag() + ", criticalityTag=" + settings.criticalityTag() + "]";
    }
}

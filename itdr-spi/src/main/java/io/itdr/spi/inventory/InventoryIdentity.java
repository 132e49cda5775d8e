package io.itdr.spi.inventory;

import io.itdr.spi.event.IdentityRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A non-human identity as the platform describes it. The engine overlays the operator's catalog
 * on top; the catalog wins where both speak.
 *
 * @param platform           connector id; never null
 * @param tenant             account or organisation; may be null
 * @param identity           which identity; never null
 * @param enabled            whether the platform lets it act; null when unknown
 * @param created            when it was created; may be null
 * @param owner              owner as the platform's tags or notes say; null when none
 * @param tags               platform tags or labels; never null
 * @param credentials        its credentials; never null
 * @param consumers          workloads or applications known to use it; never null
 * @param privilegeScopes    a summary of what it may do (attached policies, roles, scopes); never null
 * @param privileged         whether the platform view says it holds administrative privilege; null when unknown
 * @param entitlementChanges recent changes to its entitlements, newest last; never null
 */
public record InventoryIdentity(String platform, String tenant, IdentityRef identity, Boolean enabled,
                                Instant created, String owner, Map<String, String> tags,
                                List<Credential> credentials, List<String> consumers,
                                List<String> privilegeScopes, Boolean privileged,
                                List<EntitlementChange> entitlementChanges) {
    public InventoryIdentity {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(identity, "identity");
        tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
        credentials = List.copyOf(Objects.requireNonNull(credentials, "credentials"));
        consumers = List.copyOf(Objects.requireNonNull(consumers, "consumers"));
        privilegeScopes = List.copyOf(Objects.requireNonNull(privilegeScopes, "privilegeScopes"));
        entitlementChanges = List.copyOf(Objects.requireNonNull(entitlementChanges, "entitlementChanges"));
    }
}

package io.itdr.core.model;

import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the engine knows about one identity when it decides: the connector's inventory with
 * the operator's catalog laid over it (the catalog wins). Both sources' values are kept in
 * {@link #provenance()} so evidence can show where each fact came from. Immutable.
 *
 * @param key               {@link io.itdr.spi.event.IdentityEvent#identityKey()}; never null
 * @param platform          never null
 * @param tenant            may be null
 * @param identity          never null
 * @param owner             effective owner; null when neither catalog nor inventory names one
 * @param criticality       effective tier; null when unknown
 * @param lifecycle         effective lifecycle; never null (ACTIVE when unstated)
 * @param maturity          the identity's maturity when the catalog states one; null otherwise
 * @param consumers         workloads or apps using it (catalog, else inventory); never null
 * @param expectedSources   where its workload acts from; never null
 * @param privilegeScopes   what it may do; never null
 * @param privileged        whether it holds administrative privilege
 * @param credentials       its credentials, from inventory; never null
 * @param tags              inventory tags; never null
 * @param secretDestination where a rotated secret must be written (catalog); null when not stated
 * @param catalogEntry      the catalog pattern or id that matched; null when none did
 * @param provenance        field → "catalog:&lt;value&gt;" / "inventory:&lt;value&gt;" entries for evidence; never null
 */
public record IdentityRecord(String key, String platform, String tenant, IdentityRef identity,
                             String owner, Criticality criticality, Lifecycle lifecycle, Maturity maturity,
                             List<String> consumers, ExpectedSources expectedSources,
                             List<String> privilegeScopes, boolean privileged, List<Credential> credentials,
                             Map<String, String> tags, String secretDestination, String catalogEntry,
                             Map<String, String> provenance) {
    public IdentityRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(lifecycle, "lifecycle");
        consumers = List.copyOf(Objects.requireNonNull(consumers, "consumers"));
        Objects.requireNonNull(expectedSources, "expectedSources");
        privilegeScopes = List.copyOf(Objects.requireNonNull(privilegeScopes, "privilegeScopes"));
        credentials = List.copyOf(Objects.requireNonNull(credentials, "credentials"));
        tags = Map.copyOf(Objects.requireNonNull(tags, "tags"));
        provenance = Map.copyOf(Objects.requireNonNull(provenance, "provenance"));
    }

    /** A record for an identity nobody has described: no owner, no tier, no consumers. */
    public static IdentityRecord unknown(String key, String platform, String tenant, IdentityRef identity) {
        return new IdentityRecord(key, platform, tenant, identity, null, null, Lifecycle.ACTIVE, null, List.of(),
                ExpectedSources.NONE, List.of(), false, List.of(), Map.of(), null, null, Map.of());
    }

    public boolean ownerKnown() {
        return owner != null && !owner.isBlank();
    }

    /** Shared: more than one consumer uses it, so acting on it can break several applications. */
    public boolean shared() {
        return consumers.size() > 1;
    }
}

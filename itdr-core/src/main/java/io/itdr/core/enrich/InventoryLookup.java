package io.itdr.core.enrich;

import io.itdr.spi.inventory.InventoryIdentity;
import java.util.Optional;

/**
 * The connectors' inventory as the enricher reads it. Implementations are thread-safe and answer
 * from memory or a local store: the enricher calls this once per event.
 */
@FunctionalInterface
public interface InventoryLookup {

    /**
     * The identity with this key.
     *
     * @param identityKey {@link io.itdr.spi.event.IdentityEvent#identityKey(String, String, String)}; never null
     * @return empty when the inventory does not know it
     */
    Optional<InventoryIdentity> find(String identityKey);

    /** An inventory that knows nothing (no connector inventory configured). */
    static InventoryLookup none() {
        return key -> Optional.empty();
    }
}

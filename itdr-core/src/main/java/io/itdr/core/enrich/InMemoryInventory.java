package io.itdr.core.enrich;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.InventoryIdentity;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inventory held in memory, keyed by {@link IdentityEvent#identityKey(String, String, String)}.
 * Thread-safe: inventory sync threads {@link #put} while the pipeline reads.
 */
public final class InMemoryInventory implements InventoryLookup {
    private final ConcurrentHashMap<String, InventoryIdentity> identities = new ConcurrentHashMap<>();

    /** Adds or replaces an identity. */
    public void put(InventoryIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        identities.put(keyOf(identity), identity);
    }

    /** Forgets an identity; returns whether it was known. */
    public boolean remove(String identityKey) {
        return identities.remove(identityKey) != null;
    }

    @Override
    public Optional<InventoryIdentity> find(String identityKey) {
        return Optional.ofNullable(identities.get(Objects.requireNonNull(identityKey, "identityKey")));
    }

    public int size() {
        return identities.size();
    }

    static String keyOf(InventoryIdentity identity) {
        return IdentityEvent.identityKey(identity.platform(), identity.tenant(), identity.identity().id());
    }
}

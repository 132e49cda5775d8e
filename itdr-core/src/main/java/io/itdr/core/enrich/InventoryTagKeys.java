package io.itdr.core.enrich;

import java.util.Objects;

/**
 * Which inventory tags name an identity's owner and criticality tier. Immutable.
 *
 * @param owner       tag key of the owner ("owner"); never blank
 * @param criticality tag key of the tier, values tier0..tier3 ("criticality"); never blank
 */
public record InventoryTagKeys(String owner, String criticality) {
    public InventoryTagKeys {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(criticality, "criticality");
        if (owner.isBlank() || criticality.isBlank()) {
            throw new IllegalArgumentException("tag keys must not be blank");
        }
    }

    /** {@code owner} and {@code criticality}. */
    public static InventoryTagKeys defaults() {
        return new InventoryTagKeys("owner", "criticality");
    }
}

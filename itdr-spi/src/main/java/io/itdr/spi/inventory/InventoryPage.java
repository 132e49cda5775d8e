package io.itdr.spi.inventory;

import java.util.List;
import java.util.Objects;

/**
 * One page of inventory.
 *
 * @param identities    identities on this page; never null
 * @param nextPageToken the token for the next page, or null on the last page
 */
public record InventoryPage(List<InventoryIdentity> identities, String nextPageToken) {
    public InventoryPage {
        identities = List.copyOf(Objects.requireNonNull(identities, "identities"));
    }

    public boolean isLast() {
        return nextPageToken == null;
    }
}

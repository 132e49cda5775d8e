package io.itdr.spi.inventory;

import io.itdr.spi.event.IdentityRef;
import java.util.Optional;

/**
 * Lists the non-human identities of a platform with their credentials, owners, consumers and
 * privileges. Thread-safe; read-only (never mutates the platform).
 */
public interface InventorySource {

    /**
     * One page of identities.
     *
     * @param pageToken null for the first page, else a token from the previous page
     * @param pageSize  requested page size, at least 1; the connector may return fewer
     * @throws io.itdr.spi.ConnectorException retriable on throttling or 5xx, terminal otherwise
     */
    InventoryPage list(String pageToken, int pageSize);

    /**
     * One identity, read fresh from the platform (used before acting, to check owner and state).
     *
     * @param tenant   may be null
     * @param identity never null
     * @return empty when the platform does not know it
     */
    Optional<InventoryIdentity> get(String tenant, IdentityRef identity);
}

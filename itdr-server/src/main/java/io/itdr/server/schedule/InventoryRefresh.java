package io.itdr.server.schedule;

import io.itdr.core.enrich.InMemoryInventory;
import io.itdr.core.normalize.Printable;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.spi.Capability;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Reads each running connector's inventory into the engine's enrichment at start-up and every
 * 15 minutes.
 */
@Component
public class InventoryRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryRefresh.class);
    private static final Duration EVERY = Duration.ofMinutes(15);
    private static final int PAGE = 200;

    private final ConnectorRuntime connectors;
    private final InMemoryInventory inventory;
    private final TaskScheduler scheduler;

    public InventoryRefresh(ConnectorRuntime connectors, InMemoryInventory inventory, TaskScheduler scheduler) {
        this.connectors = connectors;
        this.inventory = inventory;
        this.scheduler = scheduler;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(Housekeeping.ORDER + 1)
    public void start() {
        for (ConnectorRuntime.Managed managed : connectors.running()) {
            if (managed.connector().capabilities().contains(Capability.INVENTORY)) {
                scheduler.scheduleWithFixedDelay(() -> refresh(managed), EVERY);
            }
        }
    }

    /** Reads the connector's whole inventory into the engine's enrichment; public for tests. */
    public void refresh(ConnectorRuntime.Managed managed) {
        try {
            String token = null;
            int read = 0;
            do {
                InventoryPage page = managed.connector().inventory().list(token, PAGE);
                for (InventoryIdentity identity : page.identities()) {
                    inventory.put(identity);
                }
                read += page.identities().size();
                token = page.nextPageToken();
            } while (token != null);
            LOG.info("connector {}: inventory read, {} identities", managed.id(), read);
        } catch (RuntimeException e) {
            LOG.warn("connector {}: inventory not read: {}", managed.id(), Printable.escape(e.getMessage()));
        }
    }
}

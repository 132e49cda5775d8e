package io.itdr.spi;

import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.FindingConfirmer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Optional;
import java.util.Set;

/**
 * A configured connection to one platform (one AWS organisation, one Okta org, ...), created
 * by {@link ConnectorFactory#create}. Every capability accessor has a default that refuses with
 * the standard {@link ErrorCode#NOT_SUPPORTED} error, so a new capability in a later minor
 * version of the contract never breaks an existing connector.
 *
 * <p>Implementations must be thread-safe: the host may poll telemetry, list inventory and run
 * actions from different threads at once. {@link #close()} is called once, after which no other
 * method is called.
 */
public interface Connector extends AutoCloseable {

    /** The id of the factory that made this connector (e.g. "aws"); never null. */
    String id();

    /** The capabilities this connector declares; never null, possibly empty. */
    Set<Capability> capabilities();

    /** Telemetry polling. Only called when {@link Capability#TELEMETRY_POLL} is declared. */
    default TelemetrySource telemetry() {
        throw ConnectorException.notSupported(id(), "telemetry polling");
    }

    /** Normalization of pushed raw payloads. Only called when {@link Capability#TELEMETRY_NORMALIZE} is declared. */
    default EventNormalizer normalizer() {
        throw ConnectorException.notSupported(id(), "normalizing pushed payloads");
    }

    /** Identity inventory. Only called when {@link Capability#INVENTORY} is declared. */
    default InventorySource inventory() {
        throw ConnectorException.notSupported(id(), "inventory");
    }

    /** Containment and recovery actions. Only called when {@link Capability#ACTIONS} is declared. */
    default ActionExecutor actions() {
        throw ConnectorException.notSupported(id(), "actions");
    }

    /**
     * Confirms pushed platform findings with the platform (see {@link FindingConfirmer}); empty
     * when this connector cannot, in which case pushed findings stay unconfirmed. Since SPI 1.2;
     * the default is empty, so connectors built against 1.0 and 1.1 load unchanged.
     */
    default Optional<FindingConfirmer> findingConfirmer() {
        return Optional.empty();
    }

    /**
     * A cheap liveness check of the platform connection (credentials valid, endpoint reachable).
     * The default reports healthy without calling the platform.
     *
     * @throws ConnectorException when the platform cannot be reached or refuses the credentials
     */
    default void checkHealth() {
    }

    /** Releases clients and threads. Must not throw for a connector that was never used. */
    @Override
    default void close() {
    }
}

package io.itdr.connector.support;

import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Set;

/**
 * A connector whose id, capabilities and parts are those of its {@link ConnectorParts}: the
 * delegation every connector would otherwise repeat. A subclass builds its parts in its
 * constructor and returns them from {@link #parts()}; it still implements what is its own:
 * {@code checkHealth()}, {@code close()}, {@code findingConfirmer()} and {@code toString()}.
 */
public abstract class AssembledConnector implements Connector {

    /** The connector's parts; called on every accessor, so return a field, never null once constructed. */
    protected abstract ConnectorParts parts();

    @Override
    public final String id() {
        return parts().connectorId();
    }

    @Override
    public final Set<Capability> capabilities() {
        return parts().capabilities();
    }

    @Override
    public final TelemetrySource telemetry() {
        return parts().telemetry();
    }

    @Override
    public final EventNormalizer normalizer() {
        return parts().normalizer();
    }

    @Override
    public final InventorySource inventory() {
        return parts().inventory();
    }

    @Override
    public final ActionExecutor actions() {
        return parts().actions();
    }
}

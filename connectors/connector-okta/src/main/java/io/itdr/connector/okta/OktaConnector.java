package io.itdr.connector.okta;

import io.itdr.connector.okta.normalize.ServiceUsers;
import io.itdr.connector.okta.normalize.SystemLogNormalizer;
import io.itdr.connector.okta.telemetry.SystemLogSettings;
import io.itdr.connector.okta.telemetry.SystemLogSource;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Objects;
import java.util.Set;

/**
 * A connection to one Okta org. Polls the System Log from a persisted cursor and normalizes what
 * Okta pushes or exports (event hook deliveries, System Log exports); every event names the org as
 * its tenant. Inventory and actions are not offered here yet: the SPI's defaults refuse them with the
 * standard error.
 *
 * <p>Thread-safe: the SDK client, the normalizer and the source are. {@link #toString()} never shows a secret.
 */
public final class OktaConnector implements Connector {
    private static final Set<Capability> CAPABILITIES = Set.of(Capability.TELEMETRY_POLL, Capability.TELEMETRY_NORMALIZE);

    private final OktaSettings settings;
    private final OktaClients clients;
    private final SystemLogNormalizer normalizer;
    private final SystemLogSource telemetry;

    OktaConnector(OktaSettings settings, SystemLogSettings systemLog, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        OktaErrors errors = new OktaErrors(context.clock());
        this.clients = new OktaClients(settings, context.http(), errors);
        this.normalizer = new SystemLogNormalizer(settings.org(), ServiceUsers.matching(settings.serviceUserPatterns()));
        this.telemetry = new SystemLogSource(clients, systemLog, normalizer, errors, context.metrics(), context.clock());
    }

    @Override
    public String id() {
        return OktaConnectorFactory.ID;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public TelemetrySource telemetry() {
        return telemetry;
    }

    @Override
    public EventNormalizer normalizer() {
        return normalizer;
    }

    /** The org's SDK client, shared with whatever else the connector runs against the org (built on first use). */
    public OktaClients clients() {
        return clients;
    }

    public OktaSettings settings() {
        return settings;
    }

    /** One System Log read of one event ({@code okta.logs.read} is the one scope every mode of the connector needs). */
    @Override
    public void checkHealth() {
        telemetry.probe();
    }

    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "OktaConnector[" + settings + ", " + clients + ", " + telemetry + "]";
    }
}

package io.itdr.connector.okta;

import io.itdr.connector.okta.act.OktaActionExecutor;
import io.itdr.connector.okta.inventory.OktaInventory;
import io.itdr.connector.okta.inventory.OktaInventorySettings;
import io.itdr.connector.okta.normalize.ServiceUsers;
import io.itdr.connector.okta.normalize.SystemLogNormalizer;
import io.itdr.connector.okta.telemetry.SystemLogSettings;
import io.itdr.connector.okta.telemetry.SystemLogSource;
import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.ConnectorContext;
import java.time.Clock;
import java.util.Objects;

/**
 * A connection to one Okta org. Polls the System Log from a persisted cursor and normalizes what
 * Okta pushes or exports (event hook deliveries, System Log exports); every event names the org as
 * its tenant. Lists OAuth service apps, API tokens and service users, and carries out containment on
 * apps, client secrets, JWKs, users and tokens ({@link OktaActionExecutor}). The inventory and the
 * executor are made on first use, since building the SDK client in private-key mode already asks
 * Okta for a token, and creating a connector must not call the platform.
 *
 * <p>Thread-safe: the SDK client, the normalizer and the source are. {@link #toString()} never shows a secret.
 */
public final class OktaConnector extends AssembledConnector {
    private final OktaSettings settings;
    private final OktaClients clients;
    private final SystemLogNormalizer normalizer;
    private final SystemLogSource telemetry;
    private final ConnectorParts parts;

    OktaConnector(OktaSettings settings, SystemLogSettings systemLog, OktaInventorySettings inventorySettings,
                  ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(inventorySettings, "inventorySettings");
        Clock clock = context.clock();
        OktaErrors errors = new OktaErrors(context.clock());
        this.clients = new OktaClients(settings, context.http(), errors);
        this.normalizer = new SystemLogNormalizer(settings.org(), ServiceUsers.matching(settings.serviceUserPatterns()));
        this.telemetry = new SystemLogSource(clients, systemLog, normalizer, errors, context.metrics(), context.clock());
        this.parts = ConnectorParts.builder(OktaConnectorFactory.ID).telemetry(telemetry).normalizer(normalizer)
                .inventoryOnFirstUse(() -> new OktaInventory(OktaConnectorFactory.ID, settings.org(), clients.apiClient(), errors,
                        inventorySettings))
                .actionsOnFirstUse(() -> new OktaActionExecutor(OktaConnectorFactory.ID, clients.apiClient(), errors, clock))
                .build();
    }

    /** Made on first use: see the class comment. */

    /** Made on first use: see the class comment. */

    /** The org's SDK client, shared with whatever else the connector runs against the org (built on first use). */
    public OktaClients clients() {
        return clients;
    }

    public OktaSettings settings() {
        return settings;
    }

    /** One System Log read of one event ({@code okta.logs.read} is the one scope every mode of the connector needs). */
    @Override
    protected ConnectorParts parts() {
        return parts;
    }

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

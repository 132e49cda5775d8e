package io.itdr.connector.gcp;

import io.itdr.connector.gcp.act.GcpActionExecutor;
import io.itdr.connector.gcp.inventory.GcpInventory;
import io.itdr.connector.gcp.normalize.AuditLogNormalizer;
import io.itdr.connector.gcp.telemetry.AuditLogSettings;
import io.itdr.connector.gcp.telemetry.AuditLogSource;
import io.itdr.connector.gcp.telemetry.PubSubSource;
import io.itdr.connector.gcp.telemetry.TelemetrySettings;
import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Objects;

/**
 * A connection to Google Cloud projects. Polls their Cloud Audit Logs from a persisted cursor
 * ({@link AuditLogSource}), or pulls them from a log sink's Pub/Sub subscription ({@link PubSubSource}), and normalizes what Cloud Logging delivers (log sink exports, Pub/Sub
 * deliveries) the same way; lists their service accounts, keys and roles on the projects, folders and organization
 * ({@link GcpInventory}); disables keys and accounts and takes those roles away
 * ({@link GcpActionExecutor}). Creating it calls nothing: credentials are read on first use.
 *
 * <p>Thread-safe. {@link #toString()} never shows a secret.
 */
public final class GcpConnector extends AssembledConnector {
    private final GcpSettings settings;
    private final GcpClients clients;
    private final TelemetrySource telemetry;
    private final Runnable probe;
    private final ConnectorParts parts;

    GcpConnector(GcpSettings settings, TelemetrySettings path, AuditLogSettings auditLogs, ResponseSettings response,
                 ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        this.clients = new GcpClients(settings, context.http());
        AuditLogNormalizer normalizer = new AuditLogNormalizer();
        if (path.mode() == TelemetrySettings.Mode.PUBSUB) {
            PubSubSource pubsub = new PubSubSource(clients, path.subscription(), normalizer, context.metrics());
            this.telemetry = pubsub;
            this.probe = pubsub::probe;
        } else {
            AuditLogSource logs = new AuditLogSource(clients, settings.projects(), auditLogs, normalizer, context.metrics(), context.clock());
            this.telemetry = logs;
            this.probe = logs::probe;
        }
        this.parts = ConnectorParts.builder(GcpConnectorFactory.ID).telemetry(telemetry).normalizer(normalizer)
                .inventory(new GcpInventory(GcpConnectorFactory.ID, clients, settings.projects(), response.ownerLabel(),
                        response.criticalityLabel(), response.hierarchy(), context.clock()))
                .actions(new GcpActionExecutor(GcpConnectorFactory.ID, clients, context.clock(), response.verifyAttempts(),
                        response.verifyFirstWait(), response.hierarchy(), duration -> Thread.sleep(duration.toMillis())))
                .build();
    }

    /**
     * One {@code entries.list} read (the credentials work and {@code logging.logEntries.list} is granted), or
     * with telemetry pubsub a {@code testIamPermissions} on the subscription ({@code pubsub.subscriptions.consume}).
     */
    @Override
    protected ConnectorParts parts() {
        return parts;
    }

    @Override
    public void checkHealth() {
        probe.run();
    }

    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "GcpConnector[" + settings + ", " + telemetry + "]";
    }
}

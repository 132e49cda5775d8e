package io.itdr.connector.azure;

import com.azure.core.credential.TokenCredential;
import io.itdr.connector.azure.act.EntraActionExecutor;
import io.itdr.connector.azure.inventory.EntraInventory;
import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.connector.azure.rbac.RoleAssignments;
import io.itdr.connector.azure.telemetry.EventHubSettings;
import io.itdr.connector.azure.telemetry.EventHubSource;
import io.itdr.connector.azure.telemetry.EventHubs;
import io.itdr.connector.azure.telemetry.GraphLogSettings;
import io.itdr.connector.azure.telemetry.GraphLogSource;
import io.itdr.connector.azure.telemetry.HubPartitions;
import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.telemetry.TelemetrySource;
import java.net.URI;
import java.util.Objects;
import java.util.function.Function;

/**
 * A connection to one Microsoft Entra tenant. Polls the Entra sign-in and directory audit logs from
 * Microsoft Graph ({@link GraphLogSource}) and normalizes what Azure pushes or exports
 * (diagnostic-settings deliveries, Graph pages), or with {@code telemetry=eventhubs} reads what diagnostic settings
 * stream to an event hub ({@link EventHubSource}); records without a tenant of their own are the
 * configured tenant's. Lists the tenant's service principals and managed identities ({@link EntraInventory}) and disables
 * them, reversibly ({@link EntraActionExecutor}).
 * Calls go to {@code graph-url}, or to the host's HTTP endpoint override for
 * {@code azure}. Creating it calls nothing: the credential asks Entra for a token on the first call.
 * Thread-safe. {@link #toString()} never shows a secret.
 */
public final class AzureConnector extends AssembledConnector {
    private final AzureSettings settings;
    private final TelemetrySource telemetry;
    private final Runnable probe;
    private final HubPartitions hub;
    private final ConnectorParts parts;

    AzureConnector(AzureSettings settings, GraphLogSettings logs, EventHubSettings hubs, ArmSettings arm,
                   Function<AzureSettings, TokenCredential> credentials, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(context, "context");
        URI graphRoot = context.http().endpoint(AzureConnectorFactory.ID).orElse(settings.graphUrl());
        TokenCredential credential = credentials.apply(settings);
        GraphHttp graph = new GraphHttp(credential, settings.graphUrl(), context.http(), context.clock());
        AzureLogNormalizer normalizer = new AzureLogNormalizer(settings.tenantId());
        GraphJson json = new GraphJson(graph, graphRoot);
        GraphSdk sdk = new GraphSdk(credential, settings.graphUrl(), graphRoot, context.http(), context.clock());
        if (hubs.mode() == EventHubSettings.Mode.EVENTHUBS) {
            this.hub = EventHubs.partitions(hubs, credential);
            EventHubSource source = new EventHubSource(hub, EventHubs.checkpoints(hubs, credential), normalizer, hubs.stream());
            this.telemetry = source;
            this.probe = source::probe;
        } else {
            GraphLogSource source = new GraphLogSource(json, normalizer, logs, context.clock());
            this.hub = null;
            this.telemetry = source;
            this.probe = source::probe;
        }
        RoleAssignments rbac = arm.subscriptions().isEmpty() ? null : new RoleAssignments(new GraphJson(
                new GraphHttp(credential, arm.armUrl(), context.http(), context.clock(), "Azure Resource Manager"),
                context.http().endpoint(ArmSettings.ENDPOINT).orElse(arm.armUrl())), arm.subscriptions());
        this.parts = ConnectorParts.builder(AzureConnectorFactory.ID).telemetry(TelemetryMetrics.counted(telemetry, context.metrics())).normalizer(normalizer)
                .inventory(new EntraInventory(sdk, settings.tenantId(), rbac, context.clock()))
                .actions(new EntraActionExecutor(AzureConnectorFactory.ID, sdk, rbac, context.clock()))
                .build();
    }

    /**
     * One read of one record of the first polled Graph log (needs AuditLog.Read.All, as polling does); with
     * {@code telemetry=eventhubs}, the hub's partition ids (needs Azure Event Hubs Data Receiver).
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
        if (hub != null) {
            hub.close();
        }
    }

    public AzureSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "AzureConnector[" + settings + ", " + telemetry + "]";
    }
}

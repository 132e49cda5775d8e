package io.itdr.connector.aws;

import io.itdr.connector.aws.act.AccountRoutedExecutor;
import io.itdr.connector.aws.act.IamActionExecutor;
import io.itdr.connector.aws.confirm.GuardDutyConfirmer;
import io.itdr.connector.aws.inventory.IamInventory;
import io.itdr.connector.aws.inventory.InventorySettings;
import io.itdr.connector.aws.normalize.CloudTrailNormalizer;
import io.itdr.connector.aws.telemetry.LookupEventsSettings;
import io.itdr.connector.aws.telemetry.LookupEventsSource;
import io.itdr.connector.aws.telemetry.TrailDelivery;
import io.itdr.connector.aws.telemetry.TrailDeliverySettings;
import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.telemetry.FindingConfirmer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection to one AWS account (or, with assume-role-arn, the account of that role); with
 * account-role-arn-template, actions on a target in another account act with that account's role. Offers
 * polling of CloudTrail event history (LookupEvents) or of a trail's S3 delivery (through SQS
 * notifications or a prefix scan; {@code telemetry}), normalization of CloudTrail and GuardDuty
 * exports, an inventory of IAM users and roles, and IAM containment actions.
 *
 * <p>Thread-safe: the SDK clients are, the normalizer, telemetry source, inventory and executor
 * are. {@link #toString()} never shows a secret.
 */
public final class AwsConnector extends AssembledConnector {
    private final AwsSettings settings;
    private final AwsClients clients;
    private final CloudTrailNormalizer normalizer = new CloudTrailNormalizer();
    private final IamInventory inventory;
    private final ActionExecutor actions;
    private volatile String baseAccount;
    private final TelemetrySource telemetry;
    private final ConnectorParts parts;
    private final GuardDutyConfirmer confirmer;

    AwsConnector(AwsSettings settings, LookupEventsSettings cloudTrail, TrailDeliverySettings delivery,
                 InventorySettings inventorySettings, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clients = new AwsClients(settings, context.http());
        this.inventory = new IamInventory(AwsConnectorFactory.ID, clients.iam, inventorySettings);
        IamActionExecutor baseActions = new IamActionExecutor(AwsConnectorFactory.ID, clients.iam, clients::secretsManager, context.clock());
        this.actions = settings.accountRoleArnTemplate() == null ? baseActions
                : new AccountRoutedExecutor(baseActions, this::baseAccount, account -> {
                    AwsClients.AccountClients other = clients.forAccount(account);
                    return new IamActionExecutor(AwsConnectorFactory.ID, other.iam(), other.secrets(), context.clock());
                });
        this.telemetry = switch (delivery.mode()) {
            case LOOKUP_EVENTS -> new LookupEventsSource(clients.cloudTrail, cloudTrail, normalizer, context.clock());
            case TRAIL_SQS -> TrailDelivery.queue(clients.sqs, clients.s3, normalizer, delivery);
            case TRAIL_S3_SCAN -> TrailDelivery.scan(clients.s3, normalizer, delivery, context.clock());
        };
        this.confirmer = new GuardDutyConfirmer(clients.guardDuty(), settings.region());
        this.parts = ConnectorParts.builder(AwsConnectorFactory.ID)
                .telemetry(TelemetryMetrics.counted(telemetry, context.metrics())).normalizer(normalizer).inventory(inventory).actions(actions).build();
    }

    /** Pushed GuardDuty findings are read back from GuardDuty (GetFindings) before a disruptive rung. */
    @Override
    protected ConnectorParts parts() {
        return parts;
    }

    @Override
    public Optional<FindingConfirmer> findingConfirmer() {
        return Optional.of(confirmer);
    }

    /** STS GetCallerIdentity: works for any valid credentials and needs no permission. */
    @Override
    public void checkHealth() {
        AwsErrors.call("sts:GetCallerIdentity", "caller", () -> clients.sts.getCallerIdentity());
    }

    /** The account the base clients act in: assume-role-arn's, else the caller's (sts:GetCallerIdentity, asked once). */
    private String baseAccount() {
        String account = baseAccount;
        if (account == null) {
            account = settings.assumeRoleArn() != null ? Arn.parse(settings.assumeRoleArn()).orElseThrow().account()
                    : AwsErrors.call("sts:GetCallerIdentity", "caller", () -> clients.sts.getCallerIdentity().account());
            baseAccount = account;
        }
        return account;
    }

    @Override
    public void close() {
        clients.close();
    }

    @Override
    public String toString() {
        return "AwsConnector[" + settings + ", " + clients + ", " + telemetry + "]";
    }
}

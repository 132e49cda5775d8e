package io.itdr.connector.aws.act;

import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;
import java.util.Objects;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Containment on AWS IAM with the SDK's {@link IamClient}:
 * <ul>
 *   <li>disable_credential → UpdateAccessKey Inactive ↔ Active (reversible);</li>
 *   <li>quarantine_session → inline policy AWSRevokeOlderSessions on a role or user ↔ its
 *       deletion (compensable): ends role sessions, or the temporary credentials a user obtained
 *       with GetSessionToken / GetFederationToken, issued before the plan; a user's long-lived
 *       access keys are untouched (disable_credential); see {@link SessionRevocation};</li>
 *   <li>rotate_credential → a new access key stored in the Secrets Manager secret the request
 *       names, the old key deactivated ↔ old key reactivated, secret label restored, new key
 *       deactivated (compensable; see {@link AccessKeyRotation});</li>
 *   <li>disable_identity → AWSDenyAll attached to the user or role ↔ detached (reversible).</li>
 * </ul>
 * step_up is refused with the standard NOT_SUPPORTED error.
 *
 * <p>Execution reads the state first and makes no call when it is already the plan's post-state;
 * a second execution under one idempotency key never calls the platform again. Revert refuses
 * with DRIFT when the state is no longer the post-state, unless forced. Every SDK failure becomes a
 * {@link ConnectorException} ({@link io.itdr.connector.aws.AwsErrors}).
 *
 * <p>Rung dispatch, plan ownership and the execute / verify / revert lifecycle are
 * connector-support's ({@link SnapshotActionExecutor}); this class only says which action carries
 * out which rung. Thread-safe: the actions are stateless; the record of applied idempotency keys is
 * synchronized and bounded (the engine reconciles older ones with {@link #verify}).
 */
public final class IamActionExecutor extends SnapshotActionExecutor {

    /**
     * @param connectorId the id plans are made under ("aws"); never null
     * @param iam         an IAM client; never null; closed by its owner, not here
     * @param secrets     Secrets Manager clients by region, for rotation; never null; closed by their owner
     * @param clock       the time of snapshots and of the session cut-off; never null
     */
    public IamActionExecutor(String connectorId, IamClient iam, SecretsManagerClients secrets, Clock clock) {
        super(dispatch(Objects.requireNonNull(connectorId, "connectorId"), Objects.requireNonNull(iam, "iam"),
                Objects.requireNonNull(secrets, "secrets"), Objects.requireNonNull(clock, "clock")));
    }

    private static RungDispatch<PlannedAction> dispatch(String connectorId, IamClient iam, SecretsManagerClients secrets, Clock clock) {
        return RungDispatch.<PlannedAction>builder(connectorId)
                .rung(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, new AccessKeyDeactivation(connectorId, iam, clock))
                .rung(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE, new SessionRevocation(connectorId, iam, clock))
                .rung(Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE, new AccessKeyRotation(connectorId, iam, secrets, clock))
                .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new DenyAllAttachment(connectorId, iam, clock))
                .build();
    }
}

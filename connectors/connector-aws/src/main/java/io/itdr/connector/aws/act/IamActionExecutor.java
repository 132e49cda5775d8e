package io.itdr.connector.aws.act;

import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
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
 * <p>Thread-safe: the actions are stateless; the record of applied idempotency keys is
 * synchronized and bounded (the engine reconciles older ones with {@link #verify}).
 */
public final class IamActionExecutor implements ActionExecutor {
    private static final int REMEMBERED_KEYS = 10_000;

    private final String connectorId;
    private final SnapshotExecution execution;
    private final Map<Rung, IamAction> actions;
    private final Map<Rung, Reversibility> rungs;

    /**
     * @param connectorId the id plans are made under ("aws"); never null
     * @param iam         an IAM client; never null; closed by its owner, not here
     * @param secrets     Secrets Manager clients by region, for rotation; never null; closed by their owner
     * @param clock       the time of snapshots and of the session cut-off; never null
     */
    public IamActionExecutor(String connectorId, IamClient iam, SecretsManagerClients secrets, Clock clock) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.execution = new SnapshotExecution(connectorId, REMEMBERED_KEYS);
        Objects.requireNonNull(iam, "iam");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(clock, "clock");
        Map<Rung, IamAction> byRung = new EnumMap<>(Rung.class);
        byRung.put(Rung.DISABLE_CREDENTIAL, new AccessKeyDeactivation(connectorId, iam, clock));
        byRung.put(Rung.QUARANTINE_SESSION, new SessionRevocation(connectorId, iam, clock));
        byRung.put(Rung.ROTATE_CREDENTIAL, new AccessKeyRotation(connectorId, iam, secrets, clock));
        byRung.put(Rung.DISABLE_IDENTITY, new DenyAllAttachment(connectorId, iam, clock));
        this.actions = Collections.unmodifiableMap(byRung);
        Map<Rung, Reversibility> classes = new EnumMap<>(Rung.class);
        classes.put(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE);
        classes.put(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE);
        classes.put(Rung.ROTATE_CREDENTIAL, Reversibility.COMPENSABLE);
        classes.put(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE);
        this.rungs = Collections.unmodifiableMap(classes);
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        return rungs;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Objects.requireNonNull(request, "request");
        return action(request.rung()).plan(request);
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        return execution.execute(actionOf(plan), plan, idempotencyKey);
    }

    @Override
    public Verification verify(ActionPlan plan) {
        return execution.verify(actionOf(plan), plan);
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        return execution.revert(actionOf(plan), plan, force);
    }

    private IamAction action(Rung rung) {
        IamAction action = actions.get(Objects.requireNonNull(rung, "rung"));
        if (action == null) {
            throw ConnectorException.notSupported(connectorId, "rung " + rung.policyName());
        }
        return action;
    }

    private IamAction actionOf(ActionPlan plan) {
        Objects.requireNonNull(plan, "plan");
        if (!plan.connectorId().equals(connectorId)) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan was made by connector '" + plan.connectorId()
                    + "', not '" + connectorId + "'");
        }
        return action(plan.request().rung());
    }
}

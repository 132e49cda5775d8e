package io.itdr.connector.aws.act;

import static io.itdr.connector.aws.AwsErrors.call;

import io.itdr.connector.aws.Arn;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.CredentialRef;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * disable_credential: {@code UpdateAccessKey Status=Inactive} on an IAM user's access key, undone
 * by {@code Status=Active} (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccessKey.html).
 * Reversible: the key keeps its secret and id. The plan reads ListAccessKeys (the key must belong to
 * the user) and GetAccessKeyLastUsed (for the approver). Temporary keys (ASIA…) cannot be
 * deactivated: quarantine_session on their role or user revokes them instead.
 */
final class AccessKeyDeactivation implements PlannedAction {
    static final String RUNG = "disable_credential";
    private final String connectorId;
    private final IamClient iam;
    private final Clock clock;

    AccessKeyDeactivation(String connectorId, IamClient iam, Clock clock) {
        this.connectorId = connectorId;
        this.iam = iam;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        CredentialRef credential = ActionTargets.credential(connectorId, request, "an access key id in the target");
        String keyId = credential.id();
        if (keyId.startsWith("ASIA") || "session_key".equals(credential.kind())) {
            throw ConnectorException.notSupported(connectorId, RUNG + " for temporary session key " + keyId
                    + ": AWS cannot deactivate it; quarantine_session on its role or user revokes the session");
        }
        Arn user = IamTargets.principal(connectorId, request, "user");
        String userName = user.resourceName();
        String status = status(userName, keyId);
        AccessKeyLastUsed lastUsed = call("iam:GetAccessKeyLastUsed", keyId,
                () -> iam.getAccessKeyLastUsed(r -> r.accessKeyId(keyId)).accessKeyLastUsed());
        Map<String, String> details = new HashMap<>();
        details.put("userName", userName);
        details.put("accessKeyId", keyId);
        StringBuilder summary = new StringBuilder("Deactivate access key ").append(keyId).append(" of IAM user ").append(userName);
        if (lastUsed != null && lastUsed.lastUsedDate() != null) {
            details.put("lastUsedDate", lastUsed.lastUsedDate().toString());
            details.put("lastUsedService", String.valueOf(lastUsed.serviceName()));
            summary.append(" (last used ").append(lastUsed.lastUsedDate()).append(" with ").append(lastUsed.serviceName()).append(')');
        } else {
            // GetAccessKeyLastUsed answers without a date for a key IAM has not yet seen used; its data can lag
            // behind the trail, so the plan does not claim "never used".
            summary.append(" (IAM reports no use yet)");
        }
        Snapshot pre = SnapshotExecution.snapshot(clock, key(keyId), status);
        Snapshot post = SnapshotExecution.snapshot(clock, key(keyId), StatusType.INACTIVE.toString());
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(update(keyId));
        return new ActionPlan(connectorId, request, calls, Reversibility.REVERSIBLE, pre, post, summary.toString(), details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String keyId = PlanDetails.require(plan, "accessKeyId");
        return SnapshotExecution.snapshot(clock, key(keyId), status(PlanDetails.require(plan, "userName"), keyId));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return setStatus(plan, SnapshotExecution.onlyValue(plan.postState()));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        return setStatus(plan, SnapshotExecution.onlyValue(plan.preState()));
    }

    private List<PlatformCall> setStatus(ActionPlan plan, String status) {
        String userName = PlanDetails.require(plan, "userName");
        String keyId = PlanDetails.require(plan, "accessKeyId");
        call("iam:UpdateAccessKey", keyId, () -> iam.updateAccessKey(r -> r.userName(userName).accessKeyId(keyId).status(status)));
        return List.of(update(keyId));
    }

    /** The key's status as ListAccessKeys reports it; NOT_FOUND when the user has no such key. */
    private String status(String userName, String keyId) {
        return call("iam:ListAccessKeys", userName, () -> {
            for (AccessKeyMetadata key : iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata()) {
                if (keyId.equals(key.accessKeyId())) {
                    return key.statusAsString();
                }
            }
            throw new ConnectorException(ErrorCode.NOT_FOUND, "access key " + keyId + " is not a key of IAM user " + userName);
        });
    }

    private static PlatformCall update(String keyId) {
        return new PlatformCall("iam:UpdateAccessKey", keyId, true);
    }

    private static String key(String keyId) {
        return "accessKey/" + keyId + "/status";
    }
}

package io.itdr.connector.aws.act;

import static io.itdr.connector.aws.AwsErrors.call;

import io.itdr.connector.aws.Arn;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;

/**
 * disable_identity: attach the AWS managed policy {@code AWSDenyAll} to an IAM user or role; an
 * explicit deny overrides every allow, so the principal can do nothing while its credentials,
 * sessions and other policies stay as they were. Undone by detaching it. Calls:
 * AttachUserPolicy / AttachRolePolicy (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html,
 * API_AttachRolePolicy.html), DetachUserPolicy / DetachRolePolicy, read with
 * ListAttachedUserPolicies / ListAttachedRolePolicies. Reversible.
 */
final class DenyAllAttachment implements PlannedAction {
    static final String POLICY_NAME = "AWSDenyAll";
    static final String ATTACHED = "attached";
    static final String DETACHED = "detached";

    private final String connectorId;
    private final IamClient iam;
    private final Clock clock;

    DenyAllAttachment(String connectorId, IamClient iam, Clock clock) {
        this.connectorId = connectorId;
        this.iam = iam;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Arn principal = IamTargets.principal(connectorId, request, "user", "role");
        String type = principal.resourceType();
        String name = principal.resourceName();
        String policyArn = "arn:" + principal.partition() + ":iam::aws:policy/" + POLICY_NAME;
        Snapshot pre = SnapshotExecution.snapshot(clock, key(type, name), attached(type, name, policyArn) ? ATTACHED : DETACHED);
        Snapshot post = SnapshotExecution.snapshot(clock, key(type, name), ATTACHED);
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(platformCall(type, "Attach", name));
        return new ActionPlan(connectorId, request, calls, Reversibility.REVERSIBLE, pre, post,
                "Attach " + policyArn + " to IAM " + type + " " + name + " (denies every action; keys and sessions kept)",
                Map.of("principalType", type, "principalName", name, "policyArn", policyArn));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String type = PlanDetails.require(plan, "principalType");
        String name = PlanDetails.require(plan, "principalName");
        return SnapshotExecution.snapshot(clock, key(type, name), attached(type, name, PlanDetails.require(plan, "policyArn")) ? ATTACHED : DETACHED);
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return change(plan, "Attach");
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        return change(plan, SnapshotExecution.onlyValue(plan.preState()).equals(ATTACHED) ? "Attach" : "Detach");
    }

    private List<PlatformCall> change(ActionPlan plan, String verb) {
        String type = PlanDetails.require(plan, "principalType");
        String name = PlanDetails.require(plan, "principalName");
        String policyArn = PlanDetails.require(plan, "policyArn");
        PlatformCall platformCall = platformCall(type, verb, name);
        call(platformCall.operation(), name, () -> switch (verb + type) {
            case "Attachuser" -> (Object) iam.attachUserPolicy(r -> r.userName(name).policyArn(policyArn));
            case "Detachuser" -> iam.detachUserPolicy(r -> r.userName(name).policyArn(policyArn));
            case "Attachrole" -> iam.attachRolePolicy(r -> r.roleName(name).policyArn(policyArn));
            default -> iam.detachRolePolicy(r -> r.roleName(name).policyArn(policyArn));
        });
        return List.of(platformCall);
    }

    private boolean attached(String type, String name, String policyArn) {
        String operation = type.equals("user") ? "iam:ListAttachedUserPolicies" : "iam:ListAttachedRolePolicies";
        return call(operation, name, () -> {
            Iterable<AttachedPolicy> policies = type.equals("user")
                    ? iam.listAttachedUserPoliciesPaginator(r -> r.userName(name)).attachedPolicies()
                    : iam.listAttachedRolePoliciesPaginator(r -> r.roleName(name)).attachedPolicies();
            for (AttachedPolicy policy : policies) {
                if (policyArn.equals(policy.policyArn())) {
                    return true;
                }
            }
            return false;
        });
    }

    private static PlatformCall platformCall(String type, String verb, String name) {
        return new PlatformCall("iam:" + verb + (type.equals("user") ? "User" : "Role") + "Policy", name + "/" + POLICY_NAME, true);
    }

    private static String key(String type, String name) {
        return type + "/" + name + "/managedPolicy/" + POLICY_NAME;
    }
}

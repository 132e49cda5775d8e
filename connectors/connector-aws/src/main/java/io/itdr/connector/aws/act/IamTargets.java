package io.itdr.connector.aws.act;

import io.itdr.connector.aws.Arn;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.Map;

/** Reading targets and plans; shared by the IAM actions. Stateless. */
final class IamTargets {
    private IamTargets() {
    }

    /** The IAM user or role ARN the target names, or a NOT_SUPPORTED refusal saying what {@code rung} needs. */
    static Arn principal(String connectorId, ActionTarget target, String rung, String... types) {
        Arn arn = Arn.parse(target.identity().id()).orElse(null);
        if (arn != null) {
            for (String type : types) {
                if (arn.isIamPrincipal(type)) {
                    return arn;
                }
            }
        }
        throw ConnectorException.notSupported(connectorId, rung + " for " + describe(target) + ": it acts on IAM "
                + String.join(" or ", types) + " ARNs (arn:aws:iam::<account>:" + types[0] + "/<name>)");
    }

    static String describe(ActionTarget target) {
        String kind = target.identity().kind();
        return (kind == null ? "identity" : kind) + " " + target.identity().id();
    }

    /** A detail the plan must carry; a plan without it was not made by this connector. */
    static String detail(ActionPlan plan, String key) {
        String value = plan.details().get(key);
        if (value == null) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan for " + plan.request().rung().policyName()
                    + " lacks detail '" + key + "': it was not made by this connector's plan()");
        }
        return value;
    }

    /** The value a snapshot holds for its only key. */
    static String only(Snapshot snapshot) {
        if (snapshot.state().size() != 1) {
            throw new ConnectorException(ErrorCode.INTERNAL, "expected a one-value snapshot, found " + snapshot.state().keySet());
        }
        return snapshot.state().values().iterator().next();
    }

    static Snapshot snapshot(Clock clock, String key, String value) {
        return new Snapshot(Map.of(key, value), clock.instant());
    }
}

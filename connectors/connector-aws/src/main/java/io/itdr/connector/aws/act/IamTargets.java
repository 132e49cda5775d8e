package io.itdr.connector.aws.act;

import io.itdr.connector.aws.Arn;
import io.itdr.connector.support.ActionTargets;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.action.ActionRequest;
import java.util.Arrays;

/** Reading IAM principals from action targets; shared by the IAM actions. Stateless. */
final class IamTargets {
    private IamTargets() {
    }

    /**
     * The IAM user or role ARN the request's target names.
     *
     * @param types the principal types the rung acts on ("user", "role"), the first one shown in the refusal
     * @throws ConnectorException the standard NOT_SUPPORTED refusal saying what the rung needs
     */
    static Arn principal(String connectorId, ActionRequest request, String... types) {
        return ActionTargets.identity(connectorId, request,
                id -> Arn.parse(id).filter(arn -> Arrays.stream(types).anyMatch(arn::isIamPrincipal)),
                "IAM " + String.join(" or ", types) + " ARNs (arn:aws:iam::<account>:" + types[0] + "/<name>)");
    }
}

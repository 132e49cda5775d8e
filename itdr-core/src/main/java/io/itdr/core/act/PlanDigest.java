package io.itdr.core.act;

import io.itdr.core.audit.HashInput;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.PlatformCall;
import java.util.Objects;

/**
 * The SHA-256 digest that binds an approval to a plan: if re-planning before execution yields a
 * different digest, the platform drifted and the approval no longer applies. Stateless.
 *
 * <p>The {@link HashInput} encoding, in this order:
 * <pre>
 *   domain "itdr.plan.v1"
 *   text(connectorId)
 *   text(request rung policy name)
 *   text(target tenant) text(identity id) text(identity kind) text(identity name)
 *   bool(credential present) [text(credential id) text(credential kind)]
 *   textMap(request parameters)
 *   int32(call count) then per call: text(operation) text(resource) bool(mutating)
 *   text(reversibility enum name)
 *   textMap(preState.state) textMap(postState.state)
 *   textMap(details)
 * </pre>
 * The summary (prose) and the snapshots' capture times are left out, so planning the same change
 * twice gives the same digest.
 */
public final class PlanDigest {
    public static final String HASH_DOMAIN = "itdr.plan.v1";

    private PlanDigest() {
    }

    /** Lowercase hex SHA-256 of {@code plan}. */
    public static String of(ActionPlan plan) {
        Objects.requireNonNull(plan, "plan");
        ActionTarget target = plan.request().target();
        HashInput input = new HashInput(HASH_DOMAIN)
                .text(plan.connectorId())
                .text(plan.request().rung().policyName())
                .text(target.tenant())
                .text(target.identity().id())
                .text(target.identity().kind())
                .text(target.identity().name())
                .bool(target.credential() != null);
        if (target.credential() != null) {
            input.text(target.credential().id()).text(target.credential().kind());
        }
        input.textMap(plan.request().parameters()).int32(plan.calls().size());
        for (PlatformCall call : plan.calls()) {
            input.text(call.operation()).text(call.resource()).bool(call.mutating());
        }
        return input.text(plan.reversibility().name())
                .textMap(plan.preState().state())
                .textMap(plan.postState().state())
                .textMap(plan.details())
                .sha256Hex();
    }
}

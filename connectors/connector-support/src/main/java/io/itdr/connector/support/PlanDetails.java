package io.itdr.connector.support;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import java.util.Objects;

/**
 * Reading the details a connector's {@code plan()} put into an {@link ActionPlan} (ids, names,
 * documents that execution needs), when the plan comes back to execute, verify or revert. A plan
 * lacking one was not made by this connector's {@code plan()}: the engine handed back something
 * else, which is a bug, never a platform state, so it is refused as {@link ErrorCode#INTERNAL}.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlanDetails {
    private PlanDetails() {
    }

    /**
     * The detail {@code key} of {@code plan}.
     *
     * @param plan never null
     * @param key  never null
     * @return the value; never null
     * @throws ConnectorException {@code INTERNAL} when the plan has no such detail
     */
    public static String require(ActionPlan plan, String key) {
        Objects.requireNonNull(key, "key");
        String value = plan.details().get(key);
        if (value == null) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan for " + plan.request().rung().policyName()
                    + " lacks detail '" + key + "': it was not made by this connector's plan()");
        }
        return value;
    }
}

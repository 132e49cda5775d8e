package io.itdr.connector.okta.act;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Map;

/** Reading targets and plans; shared by the Okta actions. Stateless. */
final class OktaTargets {
    /** The detail every plan carries: the {@link OktaAction#name()} that made it. */
    static final String ACTION = "action";

    private OktaTargets() {
    }

    /** "service_app 0oa1", for messages. */
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

    /** A status Okta answered with, or a MALFORMED_RESPONSE naming what lacked one. */
    static String status(Object status, String what) {
        if (status == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "Okta answered without a status for " + what);
        }
        return status.toString();
    }

    /** "2024-01-10" from an Okta timestamp, for summaries; the text as given when it is not one. */
    static String day(Object timestamp) {
        if (timestamp == null) {
            return "unknown";
        }
        String text = timestamp.toString();
        try {
            return OffsetDateTime.parse(text).toLocalDate().toString();
        } catch (java.time.format.DateTimeParseException e) {
            return text;
        }
    }
}

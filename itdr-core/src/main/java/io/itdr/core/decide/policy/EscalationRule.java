package io.itdr.core.decide.policy;

import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.Objects;

/**
 * Repeated findings for one identity make the response stronger. Counted on finding time: this
 * finding and every earlier distinct finding of the identity within {@code within}. Immutable.
 *
 * <p>Effects, when the count reaches {@code findings}: the finding's confidence is raised by
 * {@code raiseConfidence} (capped at 1) before rules are matched, so the rung still comes from a
 * rule; and, with {@code maxRung} set, the matched rule's rung is raised by one step but never
 * above {@code maxRung}. Escalation never creates a rung when no rule matched.
 *
 * @param id              unique among escalation rules; never null
 * @param description     for people; never null (empty when not given)
 * @param findings        how many findings (at least 2)
 * @param within          the window; positive, never null
 * @param raiseConfidence added to the confidence, in [0,1]
 * @param maxRung         the highest rung a rung raise may reach; null when this rule raises no rung
 */
public record EscalationRule(String id, String description, int findings, Duration within, double raiseConfidence,
                             Rung maxRung) {
    public EscalationRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(within, "within");
        if (findings < 2) {
            throw new IllegalArgumentException("an escalation counts at least 2 findings: " + findings);
        }
        if (within.isNegative() || within.isZero()) {
            throw new IllegalArgumentException("an escalation window is positive: " + within);
        }
        if (Double.isNaN(raiseConfidence) || raiseConfidence < 0 || raiseConfidence > 1) {
            throw new IllegalArgumentException("raiseConfidence must be within [0,1]: " + raiseConfidence);
        }
    }

    public boolean raisesRung() {
        return maxRung != null;
    }
}

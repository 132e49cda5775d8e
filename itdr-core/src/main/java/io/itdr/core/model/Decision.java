package io.itdr.core.model;

import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.Rung;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the policy decided for one finding. Immutable.
 *
 * <p>{@code intendedRung} is what the matching rule asked for; {@code rung} is what may run now
 * without a human, after guardrails, maturity caps and budgets: never above the intended rung.
 * When {@code hold} is true a human must approve the intended rung; meanwhile only {@code rung}
 * (monitor, or an isolating rung where that is reversible and allowed) runs.
 *
 * @param id               deterministic from the finding and policy; never null
 * @param time             decision time; never null
 * @param findingId        never null
 * @param identityKey      never null
 * @param ruleId           the containment rule that matched; null when none did (then observe)
 * @param intendedRung     never null
 * @param rung             never null, never above intendedRung
 * @param hold             whether the intended rung waits for a human
 * @param mode             shadow (record only) or enforce; never null
 * @param actions          the connector actions to plan for {@code rung} now (empty for observing rungs); never null
 * @param heldActions      the actions the intended rung would take, awaiting approval; never null
 * @param reasons          ordered, human-readable: every rule and guardrail involved; never empty
 * @param guardrails       ids of guardrails (and budgets, caps) that lowered the rung, in order; never null
 * @param frameworkTags    the rule's and finding's tags; never null
 * @param policy           never null
 * @param incidentId       the incident the finding belongs to (formed in the core before deciding); null when none was formed
 */
public record Decision(String id, Instant time, String findingId, String identityKey, String ruleId,
                       Rung intendedRung, Rung rung, boolean hold, Mode mode,
                       List<ActionRequest> actions, List<ActionRequest> heldActions,
                       List<String> reasons, List<String> guardrails, List<String> frameworkTags,
                       PolicyRef policy, String incidentId) {
    public Decision {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(findingId, "findingId");
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(intendedRung, "intendedRung");
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(policy, "policy");
        if (rung.isAbove(intendedRung)) {
            throw new IllegalArgumentException("a decision never raises a rung: " + rung.policyName() + " > " + intendedRung.policyName());
        }
        actions = List.copyOf(Objects.requireNonNull(actions, "actions"));
        heldActions = List.copyOf(Objects.requireNonNull(heldActions, "heldActions"));
        reasons = List.copyOf(Objects.requireNonNull(reasons, "reasons"));
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a decision gives at least one reason");
        }
        guardrails = List.copyOf(Objects.requireNonNull(guardrails, "guardrails"));
        frameworkTags = List.copyOf(Objects.requireNonNull(frameworkTags, "frameworkTags"));
    }

    /** A decision outside any incident. */
    public Decision(String id, Instant time, String findingId, String identityKey, String ruleId, Rung intendedRung, Rung rung, boolean hold,
                    Mode mode, List<ActionRequest> actions, List<ActionRequest> heldActions, List<String> reasons, List<String> guardrails,
                    List<String> frameworkTags, PolicyRef policy) {
        this(id, time, findingId, identityKey, ruleId, intendedRung, rung, hold, mode, actions, heldActions, reasons, guardrails,
                frameworkTags, policy, null);
    }

    /** The label used in reports: the rung's policy name, or "hold". */
    public String outcomeLabel() {
        return hold ? "hold" : rung.policyName();
    }
}

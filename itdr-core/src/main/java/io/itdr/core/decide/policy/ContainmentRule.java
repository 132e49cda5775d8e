package io.itdr.core.decide.policy;

import io.itdr.core.model.Mode;
import io.itdr.spi.action.Rung;
import java.util.List;
import java.util.Objects;

/**
 * A containment rule: when its condition holds for a finding, it asks for a rung. The first
 * matching rule in file order decides. Immutable.
 *
 * @param id          unique within the policy; never null
 * @param description what the rule is for, for people; never null (empty when not given)
 * @param when        the compiled CEL condition; never null
 * @param rung        the rung it asks for; never null
 * @param approval    whether the rung waits for a human; never null
 * @param mode        the rule's own mode; null when the rule inherits the policy's
 * @param tags        framework tags (OWASP NHI, MITRE ATT&amp;CK, NIST CSF); never null
 */
public record ContainmentRule(String id, String description, Condition when, Rung rung, Approval approval,
                              Mode mode, List<String> tags) {
    public ContainmentRule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(rung, "rung");
        Objects.requireNonNull(approval, "approval");
        tags = List.copyOf(Objects.requireNonNull(tags, "tags"));
    }

    /** The mode this rule runs in under a policy in {@code policyMode}: the stricter of both. */
    public Mode effectiveMode(Mode policyMode) {
        return mode == null ? policyMode : Mode.stricter(policyMode, mode);
    }
}

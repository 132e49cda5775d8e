package io.itdr.core.decide.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.model.Mode;
import org.junit.jupiter.api.Test;

/** Promoting a rule to enforce rewrites only its mode; comments and layout stay as written. */
class PolicyEditsTest {
    private static final String POLICY = """
            name: t          # a comment that stays
            version: "1"
            mode: enforce
            rules:
              - id: noisy
                mode: "shadow"   # still learning
                when: finding.confidence > 0.5
                rung: monitor
              - id: quiet
                when: "true"
                rung: notify
              - {id: flow, when: "true", rung: monitor, mode: shadow}
            """;

    @Test
    void aRuleWithAModeGetsItsValueReplaced() {
        String edited = PolicyEdits.enforceRule(POLICY, "noisy");
        assertThat(edited).isEqualTo(POLICY.replace("mode: \"shadow\"   # still learning", "mode: enforce   # still learning"));
        assertThat(PolicyLoader.parse(edited, "t").rule("noisy").orElseThrow().mode()).isEqualTo(Mode.ENFORCE);
    }

    @Test
    void aRuleWithoutAModeGetsAModeLineUnderItsId() {
        String edited = PolicyEdits.enforceRule(POLICY, "quiet");
        assertThat(edited).contains("  - id: quiet\n    mode: enforce\n    when: \"true\"\n");
        assertThat(PolicyLoader.parse(edited, "t").rule("quiet").orElseThrow().mode()).isEqualTo(Mode.ENFORCE);
    }

    @Test
    void anUnknownOrFlowStyleRuleIsRefusedWithAReason() {
        assertThatThrownBy(() -> PolicyEdits.enforceRule(POLICY, "nope")).hasMessage("the policy has no rule 'nope'");
        assertThatThrownBy(() -> PolicyEdits.enforceRule(POLICY, "flow")).hasMessageStartingWith("rule 'flow' is written in flow style");
    }
}

package io.itdr.core.decide.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Loading a policy is bounded (issue #20): size, rule count and CEL compile time; a constant
 * regular expression RE2 refuses and bytes that are not UTF-8 are refused at load, naming the rule.
 */
class PolicyLimitsTest {
    private static final String HEAD = "name: t\nversion: \"1\"\nmode: enforce\nrules:\n";

    private static String rules(int count) {
        StringBuilder b = new StringBuilder(HEAD);
        for (int i = 0; i < count; i++) {
            b.append("  - id: r").append(i).append("\n    when: finding.confidence > 0.").append(i % 9 + 1).append("\n    rung: monitor\n");
        }
        return b.toString();
    }

    private static PolicyException refused(String yaml, PolicyLimits limits) {
        try {
            PolicyLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "p.yaml", limits);
        } catch (PolicyException e) {
            return e;
        }
        throw new AssertionError("the policy was accepted");
    }

    @Test
    void aPolicyOverTheByteLimitIsRefusedBeforeItIsRead() {
        PolicyException e = refused(rules(3), new PolicyLimits(100, 10, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(e.problems()).singleElement().satisfies(p ->
                assertThat(p.reason()).matches("the policy is \\d+ bytes, over the limit of 100 bytes"));
    }

    @Test
    void tooManyRulesAreRefusedWithoutCompilingAny() {
        long started = System.nanoTime();
        PolicyException e = refused(rules(50), new PolicyLimits(1 << 20, 20, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("rules");
            assertThat(p.reason()).isEqualTo("50 rules, over the limit of 20; none was compiled");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(PolicyLoader.parse(rules(20).getBytes(StandardCharsets.UTF_8), "p.yaml",
                new PolicyLimits(1 << 20, 20, Duration.ofSeconds(1), Duration.ofSeconds(10))).rules()).hasSize(20);
    }

    @Test
    void aConditionOverThePerConditionCompileTimeIsRefusedNamingItsRule() {
        PolicyException e = refused(rules(2), new PolicyLimits(1 << 20, 10, Duration.ofNanos(1), Duration.ofSeconds(10)));
        assertThat(e.problems()).extracting(PolicyProblem::reason)
                .anySatisfy(r -> assertThat(r).startsWith("rule 'r0': compiling its condition took ").endsWith("per condition"))
                .anySatisfy(r -> assertThat(r).startsWith("rule 'r1': compiling its condition took "));
        assertThat(e.problems().get(0).path()).isEqualTo("rules[0].when");
    }

    @Test
    void compilingStopsOnceTheTotalCompileTimeIsSpent() {
        PolicyException e = refused(rules(30), new PolicyLimits(1 << 20, 100, Duration.ofSeconds(1), Duration.ofNanos(1)));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("rules[0].when");
            assertThat(p.reason()).startsWith("compiling stopped at rule 'r0': the policy's conditions took ").endsWith(" in total");
        });
    }

    @Test
    void anInvalidConstantRegexIsRefusedAtLoadNamingTheRule() {
        PolicyException e = refused(HEAD + """
                  - id: fine
                    when: identity.id.matches('^ci-[a-z]+$')
                    rung: monitor
                  - id: broken-regex
                    when: finding.detector == 'x' && identity.id.matches('(')
                    rung: monitor
                """, PolicyLimits.DEFAULTS);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("rules[1].when");
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.reason()).startsWith("rule 'broken-regex': invalid regular expression '(' in matches(): ");
        });
        PolicyException global = refused(HEAD + "  - id: g\n    when: matches(identity.id, '[z-a]')\n    rung: monitor\n",
                PolicyLimits.DEFAULTS);
        assertThat(global.getMessage()).contains("rule 'g': invalid regular expression '[z-a]'");
        PolicyException guardrail = refused(HEAD + "  - id: ok\n    when: \"true\"\n    rung: monitor\nguardrails:\n  custom:\n"
                + "    - id: gr\n      when: identity.tags.exists(k, k.matches('*'))\n", PolicyLimits.DEFAULTS);
        assertThat(guardrail.getMessage()).contains("guardrail 'gr': invalid regular expression '*'");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedAtTheirLineNamingTheRule() {
        byte[] good = (HEAD + "  - id: first\n    when: \"true\"\n    rung: monitor\n  - id: second\n    description: caf").getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\n    when: \"true\"\n    rung: monitor\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[good.length + 1 + tail.length];
        System.arraycopy(good, 0, bytes, 0, good.length);
        bytes[good.length] = (byte) 0xe9; // Latin-1 é: not UTF-8
        System.arraycopy(tail, 0, bytes, good.length + 1, tail.length);
        PolicyException e = assertThrowsPolicy(bytes);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(9);
            assertThat(p.column()).isEqualTo(21);
            assertThat(p.reason()).isEqualTo("not UTF-8 text: byte 0xe9 at byte offset " + good.length + ", in rule 'second'; a policy is UTF-8");
        });
    }

    private static PolicyException assertThrowsPolicy(byte[] bytes) {
        List<PolicyException> caught = new java.util.ArrayList<>();
        assertThatThrownBy(() -> PolicyLoader.parse(bytes, "p.yaml", PolicyLimits.DEFAULTS))
                .isInstanceOfSatisfying(PolicyException.class, caught::add);
        return caught.get(0);
    }
}

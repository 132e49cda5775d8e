package io.itdr.core.decide;

import io.itdr.fixture.clock.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Criticality;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Maturity;
import io.itdr.core.model.Mode;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PolicyEngineTest {

    /** One rule per detector; tests append sections to it. */
    private static final String RULES = """
            name: test
            version: "1"
            mode: enforce
            rules:
              - id: replay-quarantine
                description: replayed token
                when: finding.detector == 'token_replay' && finding.confidence >= 0.8
                rung: quarantine_session
                tags: [OWASP-NHI2]
              - id: platform-disable-credential
                when: finding.detector == 'platform_finding'
                rung: disable_credential
              - id: dormant-rotate
                when: finding.detector == 'dormant_reactivated'
                rung: rotate_credential
              - id: privilege-disable-identity
                when: finding.detector == 'privilege_change_then_use'
                rung: disable_identity
              - id: new-source-notify
                when: finding.detector == 'new_source'
                rung: notify
            """;

    private final SettableClock clock = new SettableClock(Scenario.T0);

    private PolicyEngine engine(String extra) {
        return engine(extra, RollbackPaths.typical());
    }

    private PolicyEngine engine(String extra, RollbackPaths paths) {
        return new PolicyEngine(PolicyLoader.parse(RULES + extra, "test.yaml"), clock, paths);
    }

    /** Each scenario is its own incident (incidents are tested in IncidentsTest). */
    private static Decision decide(PolicyEngine engine, Scenario s) {
        engine.incidents().clear();
        return engine.decide(s.finding(), s.identity(), s.event(false));
    }

    private static RollbackPaths pathsWith(Rung rung, Reversibility reversibility) {
        Map<Rung, Reversibility> m = new EnumMap<>(Rung.class);
        for (Rung r : Rung.values()) {
            RollbackPaths.typical().reversibility("aws", r).ifPresent(v -> m.put(r, v));
        }
        if (reversibility == null) {
            m.remove(rung);
        } else {
            m.put(rung, reversibility);
        }
        return RollbackPaths.of(Map.of("aws", m));
    }

    // ---- rules ----

    @Test
    void firstMatchingRuleGivesTheRungAndItsAction() {
        Decision d = decide(engine(""), Scenario.of("token_replay", 0.93));

        assertThat(d.ruleId()).isEqualTo("replay-quarantine");
        assertThat(d.intendedRung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(d.hold()).isFalse();
        assertThat(d.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(d.actions()).singleElement().satisfies(a -> {
            assertThat(a.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(a.target().identity()).isEqualTo(Scenario.IDENTITY);
            assertThat(a.target().credential()).isEqualTo(Scenario.CREDENTIAL);
        });
        assertThat(d.heldActions()).isEmpty();
        assertThat(d.guardrails()).isEmpty();
        assertThat(d.frameworkTags()).containsExactly("OWASP-NHI2", "T1550.001");
        assertThat(d.time()).isEqualTo(Scenario.T0);
        assertThat(d.reasons().get(0)).isEqualTo("rule replay-quarantine matched: finding.detector == 'token_replay' && "
                + "finding.confidence >= 0.8 (finding token_replay, confidence 0.93) → quarantine_session — replayed token");
        assertThat(d.reasons()).last().isEqualTo("outcome: quarantine_session");
    }

    @Test
    void noMatchingRuleObserves() {
        Decision d = decide(engine(""), Scenario.of("token_replay", 0.5));
        assertThat(d.ruleId()).isNull();
        assertThat(d.rung()).isEqualTo(Rung.OBSERVE);
        assertThat(d.actions()).isEmpty();
        assertThat(d.reasons()).contains("no containment rule matched → observe");
    }

    @Test
    void observingRungsPassEvenWhenGuardrailsWouldObject() {
        Decision d = decide(engine(""), Scenario.of("new_source", 0.9).owner(null).consumers("a", "b", "c"));
        assertThat(d.rung()).isEqualTo(Rung.NOTIFY);
        assertThat(d.hold()).isFalse();
        assertThat(d.guardrails()).isEmpty();
        assertThat(d.reasons()).contains("notify changes nothing on a platform: guardrails, maturity ceiling and budgets do not apply");
    }

    @Test
    void aRuleThatFailsToEvaluateDoesNotMatchAndSaysWhy() {
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("""
                name: t
                version: "1"
                mode: enforce
                rules:
                  - id: by-variant
                    when: finding.attributes['variant'] == 'outside_workload'
                    rung: disable_identity
                  - id: fallback
                    when: "true"
                    rung: monitor
                """, "t.yaml"), clock, RollbackPaths.typical());
        Decision d = decide(engine, Scenario.of("token_replay", 0.9));
        assertThat(d.ruleId()).isEqualTo("fallback");
        assertThat(d.reasons().get(0)).startsWith("rule by-variant skipped: its condition failed to evaluate (")
                .endsWith("), treated as not matching; counted as an evaluation error");
        assertThat(engine.evaluationErrors()).containsExactly(java.util.Map.entry("rule:by-variant", 1L));
    }

    @Test
    void stricterModeWinsAndIsRecorded() {
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("""
                name: t
                version: "1"
                mode: enforce
                rules:
                  - id: trial
                    when: "true"
                    rung: quarantine_session
                    mode: shadow
                """, "t.yaml"), clock, RollbackPaths.typical());
        Decision d = decide(engine, Scenario.of("token_replay", 0.9));
        assertThat(d.mode()).isEqualTo(Mode.SHADOW);
        assertThat(d.reasons()).contains("mode shadow (policy enforce, rule shadow; the stricter wins)");
        assertThat(d.reasons()).last().asString().endsWith("(shadow: recorded, nothing is carried out)");
    }

    @Test
    void decisionIdDependsOnFindingAndPolicyOnly() {
        Scenario s = Scenario.of("token_replay", 0.93);
        String first = decide(engine(""), s).id();
        clock.advance(Duration.ofHours(3));
        assertThat(decide(engine(""), s).id()).isEqualTo(first);
        assertThat(decide(engine("# edited\n"), s).id()).isNotEqualTo(first);
        assertThat(decide(engine(""), Scenario.of("token_replay", 0.93).findingId("f-2")).id()).isNotEqualTo(first);
    }

    // ---- built-in guardrails: each fires, lowers, and can be switched off ----

    @Nested
    class Guardrails {

        @Test
        void unknownOwnerHoldsWithoutIsolation() {
            Scenario s = Scenario.of("platform_finding", 0.95).owner(null);
            Decision d = decide(engine(""), s);
            assertThat(d.hold()).isTrue();
            assertThat(d.intendedRung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
            assertThat(d.rung()).isEqualTo(Rung.MONITOR);
            assertThat(d.guardrails()).containsExactly("unknown_owner");
            assertThat(d.reasons()).contains("guardrail unknown_owner: no owner known for " + s.identityKey() + " → hold (isolation not allowed)",
                    "interim: monitor (isolation not allowed by unknown_owner)");
            assertThat(d.actions()).isEmpty();
            assertThat(d.heldActions()).extracting(ActionRequest::rung).containsExactly(Rung.DISABLE_CREDENTIAL);

            Decision off = decide(engine("guardrails: {builtin: {unknown_owner: false}}\n"), s);
            assertThat(off.rung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
            assertThat(off.hold()).isFalse();
            assertThat(off.reasons()).anySatisfy(r -> assertThat(r).contains("switched off: unknown_owner"));
        }

        @Test
        void noRollbackPathHoldsAndIsolatesWhereThatIsReversible() {
            Scenario s = Scenario.of("privilege_change_then_use", 0.9);
            PolicyEngine engine = engine("", pathsWith(Rung.DISABLE_IDENTITY, null));
            Decision d = decide(engine, s);
            assertThat(d.hold()).isTrue();
            assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(d.guardrails()).containsExactly("no_rollback_path");
            assertThat(d.reasons()).contains("guardrail no_rollback_path: no connector can carry out disable_identity on aws → hold",
                    "interim: quarantine_session (reversible on aws, allowed)");
            assertThat(d.actions()).extracting(ActionRequest::rung).containsExactly(Rung.QUARANTINE_SESSION);

            Decision off = decide(engine("guardrails: {builtin: {no_rollback_path: {enabled: false}}}\n",
                    pathsWith(Rung.DISABLE_IDENTITY, null)), s);
            assertThat(off.rung()).isEqualTo(Rung.DISABLE_IDENTITY);
        }

        @Test
        void sharedIdentityHoldsWithoutIsolationAndTheLimitIsAParameter() {
            Scenario s = Scenario.of("platform_finding", 0.95).consumers("billing", "reports", "etl");
            Decision d = decide(engine(""), s);
            assertThat(d.rung()).isEqualTo(Rung.MONITOR);
            assertThat(d.guardrails()).containsExactly("shared_identity");
            assertThat(d.reasons()).contains("guardrail shared_identity: 3 consumers (limit 1) → hold (isolation not allowed)");

            assertThat(decide(engine("guardrails: {builtin: {shared_identity: {max_consumers: 3}}}\n"), s).hold()).isFalse();
            assertThat(decide(engine("guardrails: {builtin: {shared_identity: false}}\n"), s).rung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
        }

        @Test
        void unmappedTokenHoldsUnlessTheEventNamesAWorkload() {
            Scenario s = Scenario.of("platform_finding", 0.95).consumers().noExpectedSources();
            PolicyEngine engine = engine("");
            Decision d = engine.decide(s.finding(), s.identity(), s.event(false));
            assertThat(d.hold()).isTrue();
            assertThat(d.rung()).as("isolation is allowed: it is the safe move for a token nobody claims").isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(d.guardrails()).containsExactly("unmapped_token");
            assertThat(d.reasons()).contains("guardrail unmapped_token: no consumers or expected sources stated for the identity, "
                    + "and the event names no workload → hold");

            engine.incidents().clear();
            assertThat(engine.decide(s.finding(), s.identity(), s.event(true)).hold()).isFalse();
            engine.incidents().clear();
            assertThat(engine.decide(s.finding(), s.identity(), null).guardrails()).containsExactly("unmapped_token");
            assertThat(decide(engine("guardrails: {builtin: {unmapped_token: false}}\n"), s).hold()).isFalse();
        }

        @Test
        void businessCriticalHoldsAtOrAboveTheThreshold() {
            PolicyEngine engine = engine("");
            Decision tier0 = decide(engine, Scenario.of("token_replay", 0.93).criticality(Criticality.TIER0));
            assertThat(tier0.rung()).isEqualTo(Rung.MONITOR);
            assertThat(tier0.reasons()).contains("guardrail business_critical: tier0 is at or above the critical threshold tier1 → hold (isolation not allowed)");
            assertThat(decide(engine, Scenario.of("token_replay", 0.93).criticality(Criticality.TIER1)).hold()).isTrue();
            assertThat(decide(engine, Scenario.of("token_replay", 0.93).criticality(Criticality.TIER2)).hold()).isFalse();
            assertThat(decide(engine, Scenario.of("token_replay", 0.93).criticality(null)).hold()).isFalse();

            PolicyEngine strict = engine("guardrails: {builtin: {business_critical: {threshold: tier0, hold_unknown_tier: true}}}\n");
            assertThat(decide(strict, Scenario.of("token_replay", 0.93).criticality(Criticality.TIER1)).hold()).isFalse();
            assertThat(decide(strict, Scenario.of("token_replay", 0.93).criticality(null)).reasons())
                    .contains("guardrail business_critical: tier unknown, and hold_unknown_tier is on → hold (isolation not allowed)");

            PolicyEngine off = engine("guardrails: {builtin: {business_critical: false}}\n");
            assertThat(decide(off, Scenario.of("token_replay", 0.93).criticality(Criticality.TIER0)).rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        }

        @Test
        void irreversibleActionAlwaysNeedsApproval() {
            RollbackPaths irreversible = pathsWith(Rung.DISABLE_IDENTITY, Reversibility.IRREVERSIBLE);
            Scenario s = Scenario.of("privilege_change_then_use", 0.9);
            Decision d = decide(engine("guardrails: {builtin: {no_rollback_path: false}}\n", irreversible), s);
            assertThat(d.hold()).isTrue();
            assertThat(d.guardrails()).containsExactly("irreversible_action");
            assertThat(d.reasons()).contains("guardrail irreversible_action: disable_identity is irreversible on aws → approval required → hold");

            Decision both = decide(engine("", irreversible), s);
            assertThat(both.guardrails()).containsExactly("no_rollback_path", "irreversible_action");

            Decision off = decide(engine("guardrails: {builtin: {no_rollback_path: false, irreversible_action: false}}\n", irreversible), s);
            assertThat(off.hold()).isFalse();
            assertThat(off.rung()).isEqualTo(Rung.DISABLE_IDENTITY);
        }

        @Test
        void customGuardrailFiresAndMayAllowIsolation() {
            String custom = """
                    guardrails:
                      custom:
                        - id: break-glass
                          description: never touch break-glass identities
                          when: "'break-glass' in identity.tags && action.rung != 'step_up'"
                        - id: prod-isolation-ok
                          when: "identity.platform == 'aws' && action.reversibility == 'reversible'"
                          allow_isolation: true
                    """;
            Decision d = decide(engine(custom), Scenario.of("platform_finding", 0.95).tags(Map.of("break-glass", "yes")));
            assertThat(d.guardrails()).containsExactly("break-glass", "prod-isolation-ok");
            assertThat(d.rung()).isEqualTo(Rung.MONITOR);
            assertThat(d.reasons()).contains("guardrail break-glass (never touch break-glass identities): condition held: "
                    + "'break-glass' in identity.tags && action.rung != 'step_up' → hold (isolation not allowed)");

            Decision onlyIsolating = decide(engine(custom), Scenario.of("platform_finding", 0.95));
            assertThat(onlyIsolating.guardrails()).containsExactly("prod-isolation-ok");
            assertThat(onlyIsolating.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        }

        @Test
        void customGuardrailThatFailsToEvaluateFires() {
            Decision d = decide(engine("""
                    guardrails:
                      custom:
                        - id: by-tag
                          when: identity.tags['env'] == 'prod'
                    """), Scenario.of("token_replay", 0.93));
            assertThat(d.hold()).isTrue();
            assertThat(d.guardrails()).containsExactly("by-tag");
            assertThat(d.reasons()).anySatisfy(r -> assertThat(r).startsWith("guardrail by-tag (identity.tags['env'] == 'prod'): "
                    + "condition failed to evaluate (").endsWith("fires to be safe → hold (isolation not allowed)"));
        }

        @Test
        void approvalRequiredHolds() {
            PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("""
                    name: t
                    version: "1"
                    mode: enforce
                    rules:
                      - id: admin
                        when: "true"
                        rung: disable_identity
                        approval: required
                    """, "t.yaml"), clock, RollbackPaths.typical());
            Decision d = decide(engine, Scenario.of("privilege_change_then_use", 0.9));
            assertThat(d.hold()).isTrue();
            assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(d.guardrails()).isEmpty();
            assertThat(d.reasons()).contains("rule admin requires approval → hold");
            assertThat(d.heldActions()).extracting(ActionRequest::rung).containsExactly(Rung.DISABLE_IDENTITY);
        }

        @Test
        void credentialRungsNeedACredentialAndRotationADestination() {
            Decision noCredential = decide(engine(""), Scenario.of("platform_finding", 0.95).noCredential());
            assertThat(noCredential.guardrails()).containsExactly(PolicyEngine.MISSING_CREDENTIAL);
            assertThat(noCredential.rung()).isEqualTo(Rung.QUARANTINE_SESSION);

            Decision rotate = decide(engine(""), Scenario.of("dormant_reactivated", 0.9));
            assertThat(rotate.hold()).isFalse();
            assertThat(rotate.actions()).singleElement().satisfies(a -> assertThat(a.parameters())
                    .containsEntry(PolicyEngine.SECRET_DESTINATION, "vault:kv/ci-deployer"));

            Decision noDestination = decide(engine(""), Scenario.of("dormant_reactivated", 0.9).noSecretDestination());
            assertThat(noDestination.hold()).isTrue();
            assertThat(noDestination.guardrails()).containsExactly(PolicyEngine.MISSING_SECRET_DESTINATION);
            assertThat(noDestination.reasons()).anySatisfy(r -> assertThat(r).startsWith("rotate_credential must write the new secret somewhere"));
            assertThat(noDestination.heldActions()).singleElement().satisfies(a -> assertThat(a.parameters()).isEmpty());
        }

        @Test
        void isolationNeedsAReversibleQuarantineOnThePlatform() {
            Decision d = decide(engine("", pathsWith(Rung.QUARANTINE_SESSION, null)), Scenario.of("platform_finding", 0.95).noCredential());
            assertThat(d.rung()).isEqualTo(Rung.MONITOR);
            assertThat(d.reasons()).contains("interim: monitor (no reversible quarantine_session on aws)");
        }

        @Test
        void heldQuarantineFallsBackToMonitorNotToItself() {
            Decision d = decide(engine(""), Scenario.of("token_replay", 0.93).noExpectedSources().consumers());
            assertThat(d.hold()).isTrue();
            assertThat(d.rung()).isEqualTo(Rung.MONITOR);
            assertThat(d.reasons()).contains("interim: monitor (isolation would not be below quarantine_session)");
        }
    }

    // ---- maturity ----

    @Nested
    class MaturityCeiling {
        private static final String MATURITY = """
                maturity:
                  level: defined
                  ceilings: {initial: notify, developing: monitor, defined: quarantine_session, optimized: disable_identity}
                """;

        @Test
        void capsTheAutomaticRungAndHoldsTheIntendedOne() {
            Decision d = decide(engine(MATURITY), Scenario.of("platform_finding", 0.95));
            assertThat(d.intendedRung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
            assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(d.hold()).isTrue();
            assertThat(d.guardrails()).containsExactly(PolicyEngine.MATURITY_CEILING);
            assertThat(d.reasons()).contains("maturity ceiling: defined (estate) allows at most quarantine_session automatically "
                    + "→ disable_credential held for approval");
            assertThat(d.heldActions()).extracting(ActionRequest::rung).containsExactly(Rung.DISABLE_CREDENTIAL);
        }

        @Test
        void theIdentitysLowerCatalogMaturityApplies() {
            Decision d = decide(engine(MATURITY), Scenario.of("token_replay", 0.93).maturity(Maturity.INITIAL));
            assertThat(d.rung()).isEqualTo(Rung.NOTIFY);
            assertThat(d.reasons()).contains("maturity ceiling: initial (identity's catalog maturity, below the estate's defined) "
                    + "allows at most notify automatically → quarantine_session held for approval");
            Decision higher = decide(engine(MATURITY), Scenario.of("token_replay", 0.93).maturity(Maturity.OPTIMIZED));
            assertThat(higher.hold()).isFalse();
        }

        @Test
        void aRungWithinTheCeilingIsUntouched() {
            assertThat(decide(engine(MATURITY), Scenario.of("token_replay", 0.93)).hold()).isFalse();
        }

        @Test
        void aCeilingRungThatCannotRunFallsBackToTheInterim() {
            String ceilingRotate = """
                    maturity:
                      level: defined
                      ceilings: {initial: notify, developing: monitor, defined: rotate_credential, optimized: disable_identity}
                    """;
            Decision d = decide(engine(ceilingRotate), Scenario.of("privilege_change_then_use", 0.9).noSecretDestination());
            assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(d.hold()).isTrue();
        }

        @Test
        void theCeilingAlsoCapsTheInterim() {
            String developing = MATURITY.replace("level: defined", "level: developing");
            Decision d = decide(engine(developing), Scenario.of("privilege_change_then_use", 0.9).noCredential().consumers().noExpectedSources());
            assertThat(d.guardrails()).containsExactly("unmapped_token", PolicyEngine.MATURITY_CEILING);
            assertThat(d.rung()).isEqualTo(Rung.MONITOR);
        }
    }

    // ---- escalation ----

    @Nested
    class Escalation {

        @Test
        void repeatedFindingsRaiseConfidenceSoAStrongerRuleMatches() {
            PolicyEngine engine = engine("""
                    escalation:
                      - id: repeat
                        findings: 3
                        within: PT1H
                        raise_confidence: 0.1
                    """);
            Scenario s = Scenario.of("token_replay", 0.7);
            assertThat(decide(engine, s.findingId("a")).rung()).isEqualTo(Rung.OBSERVE);
            assertThat(decide(engine, s.findingId("b").at(Scenario.T0.plusSeconds(600))).rung()).isEqualTo(Rung.OBSERVE);
            assertThat(decide(engine, s.findingId("b").at(Scenario.T0.plusSeconds(600))).rung())
                    .as("the same finding decided again is counted once").isEqualTo(Rung.OBSERVE);
            Decision third = decide(engine, s.findingId("c").at(Scenario.T0.plusSeconds(1200)));
            assertThat(third.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(third.reasons().get(0)).isEqualTo("escalation repeat: 3 findings for " + s.identityKey()
                    + " within PT1H (threshold 3) → confidence 0.7 → 0.8");
            assertThat(third.reasons().get(1)).contains("(finding token_replay, confidence 0.8)");
        }

        @Test
        void findingsOutsideTheWindowDoNotCount() {
            PolicyEngine engine = engine("""
                    escalation:
                      - {id: repeat, findings: 2, within: PT10M, raise_confidence: 0.2}
                    """);
            Scenario s = Scenario.of("token_replay", 0.7);
            decide(engine, s.findingId("a"));
            assertThat(decide(engine, s.findingId("b").at(Scenario.T0.plus(Duration.ofMinutes(11)))).rung()).isEqualTo(Rung.OBSERVE);
            assertThat(decide(engine, s.findingId("c").at(Scenario.T0.plus(Duration.ofMinutes(15)))).rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        }

        @Test
        void rungRaiseIsOneStepAndNeverAboveItsCeiling() {
            PolicyEngine engine = engine("""
                    escalation:
                      - {id: repeat, findings: 2, within: PT1H, raise_rung_up_to: disable_credential}
                    """);
            Scenario replay = Scenario.of("token_replay", 0.9);
            assertThat(decide(engine, replay.findingId("a")).intendedRung()).isEqualTo(Rung.QUARANTINE_SESSION);
            Decision second = decide(engine, replay.findingId("b"));
            assertThat(second.intendedRung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
            assertThat(second.reasons()).contains("escalation repeat: 2 findings within PT1H (threshold 2) → rung quarantine_session "
                    + "→ disable_credential (up to disable_credential)");

            Decision atCeiling = decide(engine, Scenario.of("platform_finding", 0.9).findingId("c"));
            assertThat(atCeiling.intendedRung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
            assertThat(atCeiling.reasons()).contains("escalation repeat: 3 findings within PT1H (threshold 2): rung stays "
                    + "disable_credential (raise_rung_up_to disable_credential)");
        }

        @Test
        void escalationNeverCreatesARungWhenNoRuleMatched() {
            PolicyEngine engine = engine("""
                    escalation:
                      - {id: repeat, findings: 2, within: PT1H, raise_rung_up_to: disable_identity}
                    """);
            Scenario weak = Scenario.of("impossible_travel", 0.3);
            decide(engine, weak.findingId("a"));
            assertThat(decide(engine, weak.findingId("b")).intendedRung()).isEqualTo(Rung.OBSERVE);
        }

        @Test
        void historyIsPerIdentity() {
            PolicyEngine engine = engine("""
                    escalation:
                      - {id: repeat, findings: 2, within: PT1H, raise_confidence: 0.2}
                    """);
            decide(engine, Scenario.of("token_replay", 0.7).findingId("a").identity("one"));
            assertThat(decide(engine, Scenario.of("token_replay", 0.7).findingId("b").identity("two")).rung()).isEqualTo(Rung.OBSERVE);
        }
    }

    // ---- budgets ----

    @Nested
    class Budgets {
        private static final String BUDGETS = """
                budgets:
                  - {id: global, scope: global, max_actions: 10, window: PT1H}
                  - {id: per-owner, scope: owner, max_actions: 2, window: PT1H}
                """;

        @Test
        void aFullBudgetHoldsTripsTheBreakerAndResetReArmsIt() {
            PolicyEngine engine = engine(BUDGETS);
            Scenario s = Scenario.of("platform_finding", 0.95);
            Decision first = decide(engine, s.findingId("a"));
            assertThat(first.reasons()).contains("budgets: 1 disruptive action counted: budget global: 1/10 disruptive actions in PT1H; "
                    + "budget per-owner team-a: 1/2 disruptive actions in PT1H");
            assertThat(decide(engine, s.findingId("b")).hold()).isFalse();

            Decision third = decide(engine, s.findingId("c"));
            assertThat(third.hold()).isTrue();
            assertThat(third.rung()).isEqualTo(Rung.MONITOR);
            assertThat(third.guardrails()).containsExactly("budget_exhausted");
            assertThat(third.reasons()).contains("budget per-owner team-a: 2/2 disruptive actions in PT1H, breaker trips → hold (isolation not allowed)");
            assertThat(engine.budgets().trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("per-owner", "team-a"));

            assertThat(decide(engine, Scenario.of("platform_finding", 0.95).findingId("d").owner("team-b")).hold()).as("another owner's budget is separate").isFalse();

            clock.advance(Duration.ofHours(2));
            Decision stillTripped = decide(engine, s.findingId("e"));
            assertThat(stillTripped.hold()).as("the breaker outlives the window").isTrue();
            assertThat(stillTripped.reasons()).contains("budget per-owner team-a: 0/2 disruptive actions in PT1H, breaker tripped until reset → hold (isolation not allowed)");

            assertThat(engine.resetBreaker("per-owner", "team-a")).isTrue();
            assertThat(decide(engine, s.findingId("f")).hold()).isFalse();
            assertThat(engine.budgets().used("global", BudgetTracker.GLOBAL_KEY, clock.instant())).isEqualTo(1);
        }

        @Test
        void nonDisruptiveAndHeldMonitorDecisionsConsumeNothing() {
            PolicyEngine engine = engine(BUDGETS);
            decide(engine, Scenario.of("new_source", 0.9));
            decide(engine, Scenario.of("platform_finding", 0.95).consumers("a", "b"));
            assertThat(engine.budgets().usage(clock.instant())).isEmpty();
        }

        @Test
        void switchedOffBudgetGuardrailAppliesNoBudget() {
            PolicyEngine engine = engine(BUDGETS + "guardrails: {builtin: {budget_exhausted: false}}\n");
            for (int i = 0; i < 4; i++) {
                assertThat(decide(engine, Scenario.of("platform_finding", 0.95).findingId("f" + i)).hold()).isFalse();
            }
            assertThat(engine.budgets().usage(clock.instant())).isEmpty();
        }

        @Test
        void shadowModeSimulatesBudgetsOnASeparateTracker() {
            PolicyEngine engine = new PolicyEngine(PolicyLoader.parse(RULES.replace("mode: enforce", "mode: shadow") + BUDGETS, "s.yaml"),
                    clock, RollbackPaths.typical());
            Scenario s = Scenario.of("platform_finding", 0.95);
            decide(engine, s.findingId("a"));
            decide(engine, s.findingId("b"));
            Decision third = decide(engine, s.findingId("c"));

            assertThat(third.mode()).isEqualTo(Mode.SHADOW);
            assertThat(third.hold()).as("replay shows where the budget would have bitten").isTrue();
            assertThat(third.reasons()).contains("budget per-owner team-a: 2/2 disruptive actions in PT1H, breaker trips → hold "
                    + "(isolation not allowed) (simulated: shadow mode)");
            assertThat(engine.shadowBudgets().used("per-owner", "team-a", clock.instant())).isEqualTo(2);
            assertThat(engine.budgets().usage(clock.instant())).as("enforce budgets untouched").isEmpty();
        }

        @Test
        void interimIsolationCountsAgainstTheBudget() {
            PolicyEngine engine = engine(BUDGETS);
            Scenario held = Scenario.of("privilege_change_then_use", 0.9).noCredential().consumers().noExpectedSources();
            Decision d = decide(engine, held);
            assertThat(d.hold()).isTrue();
            assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(engine.budgets().used("per-owner", "team-a", clock.instant())).isEqualTo(1);
        }
    }

    // ---- reasons ----

    @Test
    void reasonsNameTheRuleEveryGuardrailThatFiredAndTheOutcome() {
        PolicyEngine engine = engine("""
                maturity:
                  level: developing
                  ceilings: {initial: notify, developing: monitor, defined: quarantine_session, optimized: disable_identity}
                guardrails:
                  custom:
                    - {id: always, when: "true", allow_isolation: true}
                """, pathsWith(Rung.DISABLE_IDENTITY, Reversibility.IRREVERSIBLE));
        Scenario s = Scenario.of("privilege_change_then_use", 0.9).owner(null).consumers("a", "b").criticality(Criticality.TIER0)
                .noExpectedSources();
        Decision d = decide(engine, s);

        assertThat(d.guardrails()).containsExactly("unknown_owner", "no_rollback_path", "shared_identity",
                "business_critical", "irreversible_action", "always");
        for (String id : d.guardrails()) {
            assertThat(d.reasons()).as("a reason names " + id).anySatisfy(r -> assertThat(r).contains(id));
        }
        assertThat(d.reasons()).anySatisfy(r -> assertThat(r).startsWith("rule privilege-disable-identity matched:"));
        assertThat(d.reasons()).contains("guardrails passed for disable_identity: unmapped_token, unconfirmed_finding",
                "interim: monitor (isolation not allowed by unknown_owner, shared_identity, business_critical)");
        assertThat(d.reasons()).last().isEqualTo("outcome: hold: monitor now, disable_identity awaits approval");
        assertThat(d.rung()).isEqualTo(Rung.MONITOR);
        assertThat(Optional.ofNullable(d.ruleId())).contains("privilege-disable-identity");
    }
}

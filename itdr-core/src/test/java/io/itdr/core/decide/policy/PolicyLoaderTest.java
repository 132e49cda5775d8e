package io.itdr.core.decide.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.Maturity;
import io.itdr.core.model.Mode;
import io.itdr.spi.action.Rung;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

    /** Lines 1-4; the first rule starts on line 5. */
    private static final String HEAD = """
            name: test
            version: "1"
            mode: enforce
            rules:
            """;

    private static List<PolicyProblem> problems(String yaml) {
        try {
            PolicyLoader.parse(yaml, "test.yaml");
        } catch (PolicyException e) {
            return e.problems();
        }
        throw new AssertionError("the policy was accepted:\n" + yaml);
    }

    private static PolicyProblem onlyProblem(String yaml) {
        List<PolicyProblem> problems = problems(yaml);
        assertThat(problems).as("problems").hasSize(1);
        return problems.get(0);
    }

    // ---- the default policy ----

    @Test
    void defaultPolicyLoadsInShadowModeWithEveryBuiltinGuardrailOn() throws Exception {
        Policy policy = PolicyLoader.loadDefault();

        assertThat(policy.ref().name()).isEqualTo("itdr-default");
        assertThat(policy.mode()).isEqualTo(Mode.SHADOW);
        assertThat(policy.guardrails().enabled()).isEqualTo(EnumSet.allOf(BuiltinGuardrail.class));
        assertThat(policy.guardrails().criticalTier()).isEqualTo(Criticality.TIER1);
        assertThat(policy.rules()).extracting(ContainmentRule::id).contains("token-replay-quarantine",
                "platform-finding-disable-credential", "dormant-reactivated-disable-credential",
                "impossible-travel-quarantine", "privilege-admin-disable-identity", "new-source-low-notify");
        assertThat(policy.rule("privilege-admin-disable-identity").orElseThrow().approval()).isEqualTo(Approval.REQUIRED);
        assertThat(policy.budgets()).extracting(BudgetRule::scope)
                .containsExactly(BudgetScope.GLOBAL, BudgetScope.PLATFORM, BudgetScope.OWNER);
        assertThat(policy.recoveryFor(Rung.QUARANTINE_SESSION)).contains(new RecoveryRule(Rung.QUARANTINE_SESSION, Duration.ofHours(4), true));
        assertThat(policy.maturity().level()).isEqualTo(Maturity.DEFINED);

        byte[] bytes;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            bytes = in.readAllBytes();
        }
        assertThat(policy.ref().sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    @Test
    void defaultPolicyHeaderDocumentsEveryCelVariable() throws IOException {
        String text;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String header = text.substring(0, text.indexOf("\nname:"));
        PolicyVariables.declaredFields().forEach((variable, fields) -> fields.forEach(field ->
                assertThat(header).as("documented in the header").containsPattern("#\\s+" + variable + "\\." + field + "\\s")));
    }

    @Test
    void everyDefaultRuleIsPrecededByAnIntentComment() throws IOException {
        String text;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String rules = text.substring(text.indexOf("\nrules:"), text.indexOf("\nguardrails:"));
        // A rule that shares the intent of the one before it (notify/monitor pairs) sits right under it.
        String[] blocks = rules.split("\n  - id: ");
        int commented = 0;
        for (int i = 0; i < blocks.length - 1; i++) {
            if (blocks[i].contains("# Intent:")) {
                commented++;
            }
        }
        assertThat(commented).as("rules with an intent comment above them").isGreaterThanOrEqualTo(blocks.length - 1 - 2);
    }

    // ---- a valid policy in full ----

    @Test
    void readsEverySection() {
        Policy policy = PolicyLoader.parse(HEAD + """
                  - id: r1
                    description: replay
                    when: finding.detector == 'token_replay'
                    rung: quarantine_session
                    approval: required
                    mode: shadow
                    tags: [T1550.001, RS.MI-01]
                maturity:
                  level: developing
                  ceilings: {initial: notify, developing: monitor, defined: quarantine_session, optimized: disable_identity}
                detection:
                  impossible_travel: {max_speed_kmh: 1200, min_distance_km: 300}
                  dormant_reactivated: {after: P30D}
                guardrails:
                  builtin:
                    unmapped_token: false
                    shared_identity: {max_consumers: 3}
                    business_critical: {threshold: tier0, hold_unknown_tier: true}
                  custom:
                    - id: no-prod
                      when: "'env' in identity.tags && identity.tags['env'] == 'prod' && action.rung != 'notify'"
                      allow_isolation: true
                escalation:
                  - id: repeat
                    findings: 3
                    within: PT30M
                    raise_confidence: 0.2
                    raise_rung_up_to: disable_credential
                budgets:
                  - {id: all, scope: global, max_actions: 5, window: PT1H}
                recovery:
                  - {rung: disable_identity, expires_after: P1D, auto_restore: false}
                """, "full.yaml");

        ContainmentRule r1 = policy.rules().get(0);
        assertThat(r1.approval()).isEqualTo(Approval.REQUIRED);
        assertThat(r1.effectiveMode(Mode.ENFORCE)).isEqualTo(Mode.SHADOW);
        assertThat(r1.tags()).containsExactly("T1550.001", "RS.MI-01");
        assertThat(r1.when().line()).isEqualTo(7);
        assertThat(policy.maturity().ceilingFor(null)).isEqualTo(Rung.MONITOR);
        assertThat(policy.maturity().ceilingFor(Maturity.INITIAL)).isEqualTo(Rung.NOTIFY);
        assertThat(policy.maturity().ceilingFor(Maturity.OPTIMIZED)).as("an identity cannot rise above the estate").isEqualTo(Rung.MONITOR);
        assertThat(policy.detectionTuning()).isEqualTo(Map.of(
                "impossible_travel", Map.of("max_speed_kmh", 1200.0, "min_distance_km", 300.0),
                "dormant_reactivated", Map.of("after", java.time.Duration.ofDays(30))));
        io.itdr.core.detect.DetectionSettings tuned = io.itdr.core.detect.DetectionSettings.defaults().tunedBy(policy.detectionTuning());
        assertThat(tuned.impossibleTravel().maxSpeedKmh()).isEqualTo(1200.0);
        assertThat(tuned.impossibleTravel().minDistanceKm()).isEqualTo(300.0);
        assertThat(tuned.dormancy().threshold()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(tuned.tokenReplay()).isEqualTo(io.itdr.core.detect.DetectionSettings.defaults().tokenReplay());
        GuardrailSettings g = policy.guardrails();
        assertThat(g.isEnabled(BuiltinGuardrail.UNMAPPED_TOKEN)).isFalse();
        assertThat(g.isEnabled(BuiltinGuardrail.SHARED_IDENTITY)).isTrue();
        assertThat(g.maxConsumers()).isEqualTo(3);
        assertThat(g.criticalTier()).isEqualTo(Criticality.TIER0);
        assertThat(g.holdUnknownTier()).isTrue();
        assertThat(g.custom()).singleElement().satisfies(c -> assertThat(c.allowIsolation()).isTrue());
        assertThat(policy.escalation()).containsExactly(new EscalationRule("repeat", "", 3, Duration.ofMinutes(30), 0.2, Rung.DISABLE_CREDENTIAL));
        assertThat(policy.budgets()).containsExactly(new BudgetRule("all", BudgetScope.GLOBAL, 5, Duration.ofHours(1)));
        assertThat(policy.recoveryFor(Rung.DISABLE_IDENTITY)).contains(new RecoveryRule(Rung.DISABLE_IDENTITY, Duration.ofDays(1), false));
        assertThat(policy.recoveryFor(Rung.QUARANTINE_SESSION)).isEmpty();
    }

    @Test
    void optionalSectionsDefaultToNoCeilingAllGuardrailsAndNoBudgets() {
        Policy policy = PolicyLoader.parse(HEAD + "  []\n", "min.yaml");
        assertThat(policy.maturity()).isNull();
        assertThat(policy.guardrails()).isEqualTo(GuardrailSettings.defaults());
        assertThat(policy.budgets()).isEmpty();
        assertThat(policy.escalation()).isEmpty();
        assertThat(policy.detectionTuning()).isEmpty();
    }

    // ---- hash and sources ----

    @Test
    void hashIsTheSha256OfTheBytesSoAnyEditChangesIt() throws Exception {
        String text = HEAD + "  []\n";
        Policy a = PolicyLoader.parse(text, "a.yaml");
        Policy b = PolicyLoader.parse(text + "# a comment\n", "a.yaml");
        assertThat(a.ref().sha256()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8))));
        assertThat(b.ref().sha256()).isNotEqualTo(a.ref().sha256());
        assertThat(a.ref().version()).isEqualTo("1");
    }

    @Test
    void loadsFromAFileAndNamesItInProblems(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, HEAD + "  []\n");
        assertThat(PolicyLoader.load(file).source()).isEqualTo(file.toString());

        Files.writeString(file, HEAD + "  - id: r1\n    when: true\n    rung: nope\n");
        assertThatThrownBy(() -> PolicyLoader.load(file)).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(file + ":7:11: rules[0].rung: expected a rung");

        Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> PolicyLoader.load(missing)).isInstanceOf(PolicyException.class)
                .hasMessageContaining(missing + ":0:0: cannot read the policy file");
    }

    // ---- refusals, each located ----

    @Test
    void celSyntaxErrorIsReportedOnTheLineOfTheWhen() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: finding.confidence >= (
                    rung: notify
                """);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.path()).isEqualTo("rules[0].when");
        assertThat(p.reason()).startsWith("CEL: ").contains("mismatched input");
    }

    @Test
    void celTypeErrorPointsAtTheOperator() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: finding.confidence > "x"
                    rung: notify
                """);
        assertThat(p.toString()).startsWith("test.yaml:6:30: rules[0].when: CEL: found no matching overload for '_>_' applied to '(double, string)'");
    }

    @Test
    void celErrorInsideABlockScalarNamesThePositionWithinTheExpression() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: >-
                      finding.detector == 'token_replay'
                      && finding.confidnce > 0.5
                    rung: notify
                """);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.reason()).contains("undefined field 'confidnce'").contains("column");
    }

    @Test
    void whenMustBeBool() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: finding.confidence
                    rung: notify
                """);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.reason()).isEqualTo("a condition must be a bool expression; this one is double");
    }

    @Test
    void rulesCannotSeeActionButGuardrailsCan() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: action.rung == 'notify'
                    rung: notify
                guardrails:
                  custom:
                    - id: g1
                      when: action.reversibility == 'irreversible'
                """);
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.reason()).contains("undeclared reference to 'action'");
    }

    @Test
    void unknownRungIsRefusedWithTheAcceptedNames() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: "true"
                    rung: quarantine
                """);
        assertThat(p.toString()).isEqualTo("test.yaml:7:11: rules[0].rung: expected a rung: observe, notify, monitor, "
                + "step_up, quarantine_session, disable_credential, rotate_credential, disable_identity, found 'quarantine'");
    }

    @Test
    void unknownApprovalAndModeAreRefused() {
        List<PolicyProblem> problems = problems(HEAD + """
                  - id: r1
                    when: "true"
                    rung: notify
                    approval: maybe
                    mode: loud
                """);
        assertThat(problems).extracting(PolicyProblem::line, PolicyProblem::path).containsExactly(
                tuple(8, "rules[0].approval"), tuple(9, "rules[0].mode"));
        assertThat(problems.get(0).reason()).isEqualTo("expected auto or required, found 'maybe'");
    }

    @Test
    void missingRequiredFieldIsReportedAtItsMapping() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: "true"
                """);
        assertThat(p.toString()).isEqualTo("test.yaml:5:5: rules[0].rung: missing required key 'rung'");
    }

    @Test
    void missingTopLevelFieldsAreEachReported() {
        List<PolicyProblem> problems = problems("rules: []\n");
        assertThat(problems).extracting(PolicyProblem::reason).containsExactly(
                "missing required key 'name'", "missing required key 'version'", "missing required key 'mode'");
        assertThat(problems).allSatisfy(p -> assertThat(p.line()).isEqualTo(1));
    }

    @Test
    void unknownKeyIsReportedOnItsLine() {
        List<PolicyProblem> problems = problems(HEAD + """
                  - id: r1
                    whne: "true"
                    rung: notify
                """);
        assertThat(problems).extracting(PolicyProblem::toString).containsExactly(
                "test.yaml:5:5: rules[0].when: missing required key 'when'",
                "test.yaml:6:5: rules[0].whne: unknown key 'whne'; expected one of [approval, description, id, mode, rung, tags, when]");
    }

    @Test
    void duplicateRuleIdIsReportedWhereItRepeats() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: "true"
                    rung: notify
                  - id: r1
                    when: "false"
                    rung: monitor
                """);
        assertThat(p.toString()).isEqualTo("test.yaml:8:9: rules[1].id: duplicate rule id 'r1' (first at line 5)");
    }

    @Test
    void duplicateYamlKeyIsRefused() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: "true"
                    rung: notify
                    rung: monitor
                """);
        assertThat(p.line()).isEqualTo(8);
        assertThat(p.reason()).isEqualTo("duplicate key 'rung' (first at line 7)");
    }

    @Test
    void wrongTypesAreRefused() {
        List<PolicyProblem> problems = problems(HEAD + """
                  []
                budgets:
                  - {id: b, scope: owner, max_actions: lots, window: 1h}
                guardrails:
                  builtin:
                    shared_identity: {enabled: yes-please, max_consumers: 0}
                """);
        assertThat(problems).extracting(PolicyProblem::reason).containsExactly(
                "expected a whole number, found 'lots'",
                "expected an ISO-8601 duration such as PT15M, PT1H or P1D, found '1h'",
                "expected true or false, found 'yes-please'",
                "must be at least 1, found 0");
        assertThat(problems).extracting(PolicyProblem::line).containsExactly(7, 7, 10, 10);
    }

    @Test
    void everyProblemIsReportedAtOnceInTheMessage() {
        PolicyException e = (PolicyException) catchThrowable(() -> PolicyLoader.parse("""
                name: test
                version: "1"
                mode: sometimes
                rules:
                  - id: r1
                    when: finding.confidence > "x"
                    rung: nope
                """, "many.yaml"));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage().lines()).containsExactly(
                "many.yaml:3:7: mode: expected shadow or enforce, found 'sometimes'",
                e.problems().get(1).toString(),
                "many.yaml:7:11: rules[0].rung: expected a rung: observe, notify, monitor, step_up, quarantine_session, "
                        + "disable_credential, rotate_credential, disable_identity, found 'nope'");
        assertThat(e.problems().get(1).toString()).startsWith("many.yaml:6:30: rules[0].when: CEL:");
    }

    @Test
    void yamlSyntaxErrorIsLocated() {
        PolicyProblem p = onlyProblem(HEAD + """
                  - id: r1
                    when: [unclosed
                    rung: notify
                """);
        assertThat(p.line()).isGreaterThanOrEqualTo(6);
        assertThat(p.reason()).startsWith("YAML: ");
    }

    @Test
    void emptyAndNonMappingDocumentsAreRefused() {
        assertThat(onlyProblem("").reason()).isEqualTo("the policy is empty");
        assertThat(onlyProblem("- a\n- b\n").reason()).startsWith("expected a mapping");
    }

    @Test
    void customGuardrailCannotTakeABuiltinId() {
        PolicyProblem p = onlyProblem(HEAD + """
                  []
                guardrails:
                  custom:
                    - id: shared_identity
                      when: "true"
                """);
        assertThat(p.line()).isEqualTo(8);
        assertThat(p.reason()).contains("is a built-in guardrail");
    }

    @Test
    void unknownBuiltinGuardrailIsRefused() {
        PolicyProblem p = onlyProblem(HEAD + """
                  []
                guardrails:
                  builtin:
                    shared_identiy: false
                """);
        assertThat(p.line()).isEqualTo(8);
        assertThat(p.reason()).startsWith("unknown key 'shared_identiy'");
    }

    @Test
    void maturityCeilingsMustNotFallAsMaturityRises() {
        PolicyProblem p = onlyProblem(HEAD + """
                  []
                maturity:
                  level: defined
                  ceilings:
                    initial: notify
                    developing: disable_credential
                    defined: monitor
                    optimized: disable_identity
                """);
        assertThat(p.line()).isEqualTo(11);
        assertThat(p.reason()).contains("must not fall");
    }

    @Test
    void escalationNeedsAnEffectAndAtLeastTwoFindings() {
        List<PolicyProblem> problems = problems(HEAD + """
                  []
                escalation:
                  - id: e
                    findings: 1
                    within: PT1H
                """);
        assertThat(problems).extracting(PolicyProblem::line, PolicyProblem::reason).containsExactly(
                tuple(7, "an escalation needs an effect: raise_confidence, raise_rung_up_to, or both"),
                tuple(8, "must be at least 2, found 1"));
    }

    @Test
    void recoveryRefusesObservingAndDuplicateRungs() {
        List<PolicyProblem> problems = problems(HEAD + """
                  []
                recovery:
                  - {rung: notify, expires_after: PT1H}
                  - {rung: quarantine_session, expires_after: PT1H}
                  - {rung: quarantine_session, expires_after: PT2H}
                """);
        assertThat(problems).extracting(PolicyProblem::line).containsExactly(7, 9);
        assertThat(problems.get(1).reason()).isEqualTo("duplicate recovery rule for quarantine_session (first at line 8)");
    }

    @Test
    void detectionThresholdsAreTypedAndAMisspeltOneIsRefused() {
        String yaml = """
                name: p
                version: "1"
                mode: shadow
                detection:
                  impossible_travel: {max_speed: 900}
                  dormant_reactivated: {after: 90 days}
                  new_source: {learning_events: -1}
                  geo_magic: {x: 1}
                rules:
                  - id: r
                    when: finding.confidence > 0.5
                    rung: notify
                """;
        assertThatThrownBy(() -> PolicyLoader.parse(yaml, "t.yaml"))
                .isInstanceOfSatisfying(PolicyException.class, e -> assertThat(e.problems()).extracting(PolicyProblem::toString)
                        .anySatisfy(p -> assertThat(p).startsWith("t.yaml:5:").contains("detection.impossible_travel.max_speed: unknown key 'max_speed'"))
                        .anySatisfy(p -> assertThat(p).startsWith("t.yaml:6:").contains("detection.dormant_reactivated.after").contains("ISO-8601"))
                        .anySatisfy(p -> assertThat(p).startsWith("t.yaml:7:").contains("detection.new_source.learning_events: must be at least 0"))
                        .anySatisfy(p -> assertThat(p).startsWith("t.yaml:8:").contains("unknown key 'geo_magic'")));
    }
}

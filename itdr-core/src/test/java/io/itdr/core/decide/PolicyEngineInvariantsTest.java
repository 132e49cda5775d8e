package io.itdr.core.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.BuiltinGuardrail;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Criticality;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Maturity;
import io.itdr.core.model.Mode;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the decide stage as jqwik properties (DESIGN §8): guardrails never raise a rung;
 * budgets hold under concurrency. Named *Test so the default surefire includes run it.
 */
class PolicyEngineInvariantsTest {
    private static final List<String> DETECTORS = List.of("new_source", "impossible_travel", "token_replay",
            "dormant_reactivated", "privilege_change_then_use", "platform_finding");
    private static final Set<String> ISOLATION_FORBIDDING = Arrays.stream(BuiltinGuardrail.values())
            .filter(BuiltinGuardrail::forbidsIsolation).map(BuiltinGuardrail::id).collect(Collectors.toSet());

    // ---- generated inputs ----

    /** A containment rule whose match the test can work out without CEL (the oracle). */
    record RuleSpec(String kind, String detector, double threshold, Rung rung, boolean approvalRequired, Mode mode) {
        String when() {
            return switch (kind) {
                case "detector" -> "finding.detector == '" + detector + "'";
                case "confidence" -> "finding.confidence >= " + threshold;
                case "failing" -> "finding.attributes['absent'] == 'x'"; // runtime error: never matches
                default -> "true";
            };
        }

        boolean matches(String findingDetector, double confidence) {
            return switch (kind) {
                case "detector" -> detector.equals(findingDetector);
                case "confidence" -> confidence >= threshold;
                case "failing" -> false;
                default -> true;
            };
        }
    }

    record PolicySpec(List<RuleSpec> rules, Set<BuiltinGuardrail> off, List<Rung> ceilings, Maturity level,
                      String custom, Integer ownerBudget, Mode mode) {
        String yaml() {
            StringBuilder y = new StringBuilder("name: generated\nversion: \"1\"\nmode: " + mode.policyName() + "\nrules:\n");
            for (int i = 0; i < rules.size(); i++) {
                RuleSpec r = rules.get(i);
                y.append("  - id: r").append(i).append('\n')
                        .append("    when: \"").append(r.when()).append("\"\n")
                        .append("    rung: ").append(r.rung().policyName()).append('\n')
                        .append("    approval: ").append(r.approvalRequired() ? "required" : "auto").append('\n');
                if (r.mode() != null) {
                    y.append("    mode: ").append(r.mode().policyName()).append('\n');
                }
            }
            y.append("guardrails:\n  builtin:\n");
            for (BuiltinGuardrail g : BuiltinGuardrail.values()) {
                if (g == BuiltinGuardrail.UNCONFIRMED_FINDING) {
                    continue; // cannot be switched off (the loader refuses); on by default
                }
                y.append("    ").append(g.id()).append(": ").append(!off.contains(g)).append('\n');
            }
            if (!custom.equals("none")) {
                String when = switch (custom) {
                    case "always" -> "true";
                    case "never" -> "false";
                    default -> "identity.tags['absent'] == 'x'"; // runtime error: fires
                };
                y.append("  custom:\n    - id: c1\n      when: \"").append(when).append("\"\n");
            }
            if (level != null) {
                y.append("maturity:\n  level: ").append(level.policyName()).append("\n  ceilings:\n");
                for (Maturity m : Maturity.values()) {
                    y.append("    ").append(m.policyName()).append(": ").append(ceilings.get(m.ordinal()).policyName()).append('\n');
                }
            }
            if (ownerBudget != null) {
                y.append("budgets:\n  - {id: per-owner, scope: owner, max_actions: ").append(ownerBudget).append(", window: PT1H}\n");
            }
            return y.toString();
        }

        Rung firstMatchingRung(String detector, double confidence) {
            return rules.stream().filter(r -> r.matches(detector, confidence)).findFirst().map(RuleSpec::rung).orElse(Rung.OBSERVE);
        }

        PolicySpec withoutGuardrails() {
            return new PolicySpec(rules, Set.of(BuiltinGuardrail.values()), ceilings, level, "none", ownerBudget, mode);
        }
    }

    record SubjectSpec(String detector, double confidence, boolean ownerKnown, Criticality criticality, int consumers,
                       boolean expectedSources, Maturity maturity, int flags) {
        boolean secretDestination() { return (flags & 1) != 0; }
        boolean credential() { return (flags & 2) != 0; }
        boolean eventPresent() { return (flags & 4) != 0; }
        boolean workload() { return (flags & 8) != 0; }

        Scenario scenario() {
            Scenario s = Scenario.of(detector, confidence).criticality(criticality).maturity(maturity);
            if (!ownerKnown) {
                s.owner(null);
            }
            s.consumers(java.util.stream.IntStream.range(0, consumers).mapToObj(i -> "app-" + i).toArray(String[]::new));
            if (!expectedSources) {
                s.noExpectedSources();
            }
            if (!secretDestination()) {
                s.noSecretDestination();
            }
            if (!credential()) {
                s.noCredential();
            }
            return s;
        }
    }

    @Provide
    Arbitrary<PolicySpec> policies() {
        Arbitrary<RuleSpec> rule = Combinators.combine(
                Arbitraries.of("detector", "detector", "confidence", "always", "failing"),
                Arbitraries.of(DETECTORS),
                Arbitraries.integers().between(0, 10).map(i -> i / 10.0),
                Arbitraries.of(Rung.class),
                Arbitraries.of(true, false, false),
                Arbitraries.of(Mode.class).injectNull(0.6)).as(RuleSpec::new);
        Arbitrary<List<Rung>> ceilings = Arbitraries.of(Rung.class).list().ofSize(4)
                .map(l -> l.stream().sorted().toList()); // ceilings never fall as maturity rises
        return Combinators.combine(
                rule.list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.of(BuiltinGuardrail.class).set().ofMaxSize(3),
                ceilings,
                Arbitraries.of(Maturity.class).injectNull(0.4),
                Arbitraries.of("none", "none", "always", "never", "failing"),
                Arbitraries.integers().between(1, 3).injectNull(0.5),
                Arbitraries.of(Mode.class)).as(PolicySpec::new);
    }

    @Provide
    Arbitrary<SubjectSpec> subjects() {
        return Combinators.combine(
                Arbitraries.of(DETECTORS),
                Arbitraries.integers().between(0, 100).map(i -> i / 100.0),
                Arbitraries.of(true, true, false),
                Arbitraries.of(Criticality.class).injectNull(0.3),
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false),
                Arbitraries.of(Maturity.class).injectNull(0.6),
                Arbitraries.integers().between(0, 15)).as(SubjectSpec::new);
    }

    /** Per rung that changes the platform: no connector (null) or a reversibility class. */
    @Provide
    Arbitrary<Map<Rung, Reversibility>> rollbackPaths() {
        List<Rung> platformRungs = Arrays.stream(Rung.values()).filter(Rung::changesPlatform).toList();
        return Arbitraries.of(Reversibility.class).injectNull(0.2).list().ofSize(platformRungs.size()).map(classes -> {
            Map<Rung, Reversibility> m = new EnumMap<>(Rung.class);
            for (int i = 0; i < platformRungs.size(); i++) {
                if (classes.get(i) != null) {
                    m.put(platformRungs.get(i), classes.get(i));
                }
            }
            return m;
        });
    }

    private static PolicyEngine engine(PolicySpec policy, Map<Rung, Reversibility> paths) {
        return new PolicyEngine(PolicyLoader.parse(policy.yaml(), "generated.yaml"),
                Clock.fixed(Scenario.T0, ZoneOffset.UTC), RollbackPaths.of(Map.of(Scenario.PLATFORM, paths)));
    }

    private static Decision decide(PolicyEngine engine, SubjectSpec subject) {
        Scenario s = subject.scenario();
        return engine.decide(s.finding(), s.identity(), subject.eventPresent() ? s.event(subject.workload()) : null);
    }

    // ---- properties ----

    @Property(tries = 200)
    void guardrailsNeverRaiseARung(@ForAll("policies") PolicySpec policy, @ForAll("subjects") SubjectSpec subject,
                                   @ForAll("rollbackPaths") Map<Rung, Reversibility> paths) {
        PolicyEngine engine = engine(policy, paths);
        Decision d = decide(engine, subject);

        Rung asked = policy.firstMatchingRung(subject.detector(), subject.confidence());
        assertThat(d.intendedRung()).as("the first matching rule's rung").isEqualTo(asked);
        assertThat(d.rung()).as("never above the intended rung").isLessThanOrEqualTo(d.intendedRung());
        if (!d.hold()) {
            assertThat(d.rung()).as("only a hold lowers the rung").isEqualTo(d.intendedRung());
        }
        if (!d.intendedRung().changesPlatform()) {
            assertThat(d.hold()).isFalse();
            assertThat(d.guardrails()).isEmpty();
        }
        if (d.hold() && d.rung() == Rung.QUARANTINE_SESSION) {
            assertThat(d.guardrails()).as("isolation only where no guardrail forbids it").doesNotContainAnyElementsOf(ISOLATION_FORBIDDING);
            assertThat(paths.get(Rung.QUARANTINE_SESSION)).isNotNull().isNotEqualTo(Reversibility.IRREVERSIBLE);
        }
        assertThat(d.actions().isEmpty()).isEqualTo(!d.rung().changesPlatform());
        assertThat(d.heldActions().isEmpty()).isEqualTo(!d.hold());
        assertThat(d.reasons()).last().asString().startsWith("outcome: ");
        if (d.mode() == Mode.SHADOW) {
            assertThat(engine.budgets().usage(Scenario.T0)).as("shadow never consumes real budgets").isEmpty();
        }
    }

    @Property(tries = 200)
    void switchingGuardrailsOnNeverRaisesTheRung(@ForAll("policies") PolicySpec policy, @ForAll("subjects") SubjectSpec subject,
                                                 @ForAll("rollbackPaths") Map<Rung, Reversibility> paths) {
        Decision guarded = decide(engine(policy, paths), subject);
        Decision unguarded = decide(engine(policy.withoutGuardrails(), paths), subject);
        assertThat(guarded.intendedRung()).isEqualTo(unguarded.intendedRung());
        assertThat(guarded.rung()).isLessThanOrEqualTo(unguarded.rung());
    }

    @Property(tries = 100)
    void aBudgetIsNeverExceededUnderConcurrentDecisions(@ForAll @IntRange(min = 1, max = 8) int global,
                                                        @ForAll @IntRange(min = 1, max = 5) int perPlatform,
                                                        @ForAll @IntRange(min = 1, max = 3) int perOwner,
                                                        @ForAll @IntRange(min = 2, max = 6) int threads,
                                                        @ForAll @IntRange(min = 1, max = 20) int decisionsPerThread) throws Exception {
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("""
                name: budgets
                version: "1"
                mode: enforce
                rules:
                  - {id: disable, when: "true", rung: disable_credential}
                budgets:
                  - {id: global, scope: global, max_actions: %d, window: PT1H}
                  - {id: per-platform, scope: platform, max_actions: %d, window: PT1H}
                  - {id: per-owner, scope: owner, max_actions: %d, window: PT1H}
                """.formatted(global, perPlatform, perOwner), "budgets.yaml"),
                Clock.fixed(Scenario.T0, ZoneOffset.UTC), RollbackPaths.typical());
        List<String> owners = Arrays.asList("team-a", "team-b", "team-c", null);
        List<String> platforms = List.of("aws", "gcp");
        ConcurrentLinkedQueue<Decision> decisions = new ConcurrentLinkedQueue<>();
        Map<String, String> ownerOfFinding = new java.util.concurrent.ConcurrentHashMap<>();
        Map<String, String> platformOfFinding = new java.util.concurrent.ConcurrentHashMap<>();

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < decisionsPerThread; i++) {
                        String owner = owners.get((thread + i) % owners.size());
                        String platform = platforms.get((thread * 7 + i) % platforms.size());
                        String id = "f-" + thread + "-" + i;
                        Scenario s = Scenario.of("platform_finding", 0.95).findingId(id).platform(platform).owner(owner);
                        ownerOfFinding.put(id, owner == null ? BudgetTracker.NO_OWNER : owner);
                        platformOfFinding.put(id, platform);
                        decisions.add(engine.decide(s.finding(), s.identity(), s.event(true)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        List<Decision> disruptive = decisions.stream().filter(d -> d.rung().isDisruptive()).toList();
        Map<String, Long> byOwner = disruptive.stream().collect(Collectors.groupingBy(d -> ownerOfFinding.get(d.findingId()), Collectors.counting()));
        Map<String, Long> byPlatform = disruptive.stream().collect(Collectors.groupingBy(d -> platformOfFinding.get(d.findingId()), Collectors.counting()));

        assertThat(decisions).hasSize(threads * decisionsPerThread);
        assertThat((long) disruptive.size()).isLessThanOrEqualTo(global);
        byOwner.values().forEach(n -> assertThat(n).isLessThanOrEqualTo(perOwner));
        byPlatform.values().forEach(n -> assertThat(n).isLessThanOrEqualTo(perPlatform));
        assertThat(engine.budgets().used("global", BudgetTracker.GLOBAL_KEY, Scenario.T0))
                .as("every disruptive decision took exactly one unit").isEqualTo(disruptive.size());
        for (BudgetTracker.BudgetUsage u : engine.budgets().usage(Scenario.T0)) {
            assertThat(u.used()).as(u.describe()).isLessThanOrEqualTo(u.budget().maxActions());
        }
        // Every budget allows at least one action, so the first decision through always gets one.
        assertThat(disruptive).isNotEmpty();
    }
}

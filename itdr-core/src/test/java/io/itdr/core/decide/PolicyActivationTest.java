package io.itdr.core.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Decision;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Activating a policy at run time: the swap waits for work in flight, so everything decided inside
 * one {@link PolicyEngine#underOneVersion} is by one version; budgets and tripped breakers survive;
 * a condition over CEL's iteration limit is an evaluation error, counted.
 */
class PolicyActivationTest {
    private final SettableClock clock = new SettableClock(Scenario.T0);

    private static Policy policy(String version, String rung, int maxActions) {
        return PolicyLoader.parse("""
                name: t
                version: "%s"
                mode: enforce
                rules:
                  - id: all
                    when: "true"
                    rung: %s
                budgets:
                  - id: global
                    scope: global
                    max_actions: %d
                    window: PT1H
                """.formatted(version, rung, maxActions), "t.yaml");
    }

    @Test
    void anActivationWaitsForTheEventInFlightWhichIsDecidedEntirelyByTheOldVersion() throws Exception {
        Policy v1 = policy("1", "monitor", 5);
        Policy v2 = policy("2", "notify", 5);
        PolicyEngine engine = new PolicyEngine(v1, clock, RollbackPaths.typical());
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Decision[]> event = pool.submit(() -> engine.underOneVersion(() -> {
                Decision first = engine.decide(Scenario.of("token_replay", 0.9).findingId("a").finding(),
                        Scenario.of("token_replay", 0.9).identity(), null);
                inside.countDown();
                await(release);
                Decision second = engine.decide(Scenario.of("token_replay", 0.9).findingId("b").finding(),
                        Scenario.of("token_replay", 0.9).identity(), null);
                return new Decision[] {first, second};
            }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            AtomicBoolean ledgered = new AtomicBoolean();
            // the event holds the version: an activation cannot get in
            assertThat(engine.activate(v2, Duration.ofMillis(50), () -> ledgered.set(true))).isFalse();
            assertThat(ledgered).isFalse();
            Future<Boolean> activation = pool.submit(() -> engine.activate(v2, Duration.ofSeconds(10), () -> ledgered.set(true)));
            release.countDown();
            Decision[] decided = event.get(10, TimeUnit.SECONDS);
            assertThat(activation.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ledgered).isTrue();
            assertThat(decided).extracting(Decision::policy).containsOnly(v1.ref());
            assertThat(decided).extracting(Decision::rung).containsOnly(Rung.MONITOR);
            Decision after = engine.decide(Scenario.of("token_replay", 0.9).findingId("c").finding(),
                    Scenario.of("token_replay", 0.9).identity(), null);
            assertThat(after.policy()).isEqualTo(v2.ref());
            assertThat(after.rung()).isEqualTo(Rung.NOTIFY);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aFailureBeforeTheSwapLeavesTheOldVersionInForce() throws Exception {
        Policy v1 = policy("1", "monitor", 5);
        PolicyEngine engine = new PolicyEngine(v1, clock, RollbackPaths.typical());
        try {
            engine.activate(policy("2", "notify", 5), Duration.ofSeconds(5), () -> {
                throw new IllegalStateException("ledger down");
            });
        } catch (IllegalStateException expected) {
            assertThat(expected).hasMessage("ledger down");
        }
        assertThat(engine.policy()).isSameAs(v1);
    }

    @Test
    void budgetsAndTrippedBreakersSurviveASwapUnderTheNewLimits() throws Exception {
        PolicyEngine engine = new PolicyEngine(policy("1", "monitor", 2), clock, RollbackPaths.typical());
        BudgetTracker budgets = engine.budgets();
        assertThat(budgets.tryConsume(clock.instant(), "aws", "o").granted()).isTrue();
        assertThat(budgets.tryConsume(clock.instant(), "aws", "o").granted()).isTrue();
        assertThat(budgets.tryConsume(clock.instant(), "aws", "o").granted()).isFalse(); // trips the breaker

        assertThat(engine.activate(policy("2", "monitor", 10), Duration.ofSeconds(5), () -> { })).isTrue();
        assertThat(engine.budgets()).isSameAs(budgets);
        assertThat(budgets.used("global", BudgetTracker.GLOBAL_KEY, clock.instant())).isEqualTo(2);
        assertThat(budgets.trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("global", BudgetTracker.GLOBAL_KEY));
        assertThat(budgets.budgets()).singleElement().satisfies(b -> assertThat(b.maxActions()).isEqualTo(10));
        // still refused: the breaker stays tripped until a person resets it
        assertThat(budgets.tryConsume(clock.instant(), "aws", "o").breakerWasTripped()).isTrue();

        assertThat(engine.activate(PolicyLoader.parse("""
                name: t
                version: "3"
                mode: enforce
                rules: []
                """, "t.yaml"), Duration.ofSeconds(5), () -> { })).isTrue();
        assertThat(budgets.trippedBreakers()).isEmpty();
        assertThat(budgets.usage(clock.instant())).isEmpty();
    }

    @Test
    void aRuleOverCelsIterationLimitIsAnEvaluationErrorCountedNotASilentMiss() {
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("""
                name: t
                version: "1"
                mode: enforce
                rules:
                  - id: quadratic
                    when: identity.consumers.all(a, identity.consumers.all(b, identity.consumers.all(c, a != '' || b != c)))
                    rung: disable_identity
                  - id: fallback
                    when: "true"
                    rung: monitor
                """, "t.yaml"), clock, RollbackPaths.typical());
        String[] consumers = new String[40];
        for (int i = 0; i < consumers.length; i++) {
            consumers[i] = "c" + i;
        }
        Scenario s = Scenario.of("token_replay", 0.9).consumers(consumers);
        Decision d = engine.decide(s.finding(), s.identity(), null);
        assertThat(d.ruleId()).isEqualTo("fallback");
        assertThat(d.reasons().get(0)).startsWith("rule quadratic skipped: its condition failed to evaluate (")
                .contains("Iteration budget exceeded").endsWith("counted as an evaluation error");
        assertThat(engine.evaluationErrors()).containsEntry("rule:quadratic", 1L);
        assertThat(engine.evaluationErrorCount()).isEqualTo(1);
    }

    @Test
    void aConditionOverTheIterationBudgetOnConstantListsIsAnEvaluationErrorToo() {
        String list = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]";
        PolicyEngine engine = new PolicyEngine(PolicyLoader.parse("name: t\nversion: \"1\"\nmode: enforce\nrules:\n  - id: heavy\n    when: '"
                + list + ".all(a, " + list + ".all(b, " + list + ".all(c, a + b + c > 0)))'\n    rung: notify\n", "t.yaml"),
                clock, RollbackPaths.typical());
        Scenario s = Scenario.of("token_replay", 0.9);
        engine.decide(s.finding(), s.identity(), null);
        assertThat(engine.evaluationErrors()).containsEntry("rule:heavy", 1L);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

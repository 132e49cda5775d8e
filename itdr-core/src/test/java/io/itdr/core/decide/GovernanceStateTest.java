package io.itdr.core.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.state.InMemoryStateStore;
import io.itdr.core.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Budgets, breakers, escalation history and incidents written through to a store and read back. */
class GovernanceStateTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Policy POLICY = PolicyLoader.loadDefault();

    private final InMemoryStateStore store = new InMemoryStateStore();

    private PolicyEngine restart() {
        return new PolicyEngine(POLICY, CLOCK, RollbackPaths.platformFacts(), GovernanceState.restoredFrom(store));
    }

    private static void exhaust(PolicyEngine engine, String owner) {
        while (engine.budgets().tryConsume(NOW, "aws", owner, "finding f-" + owner).granted()) {
            // spend the owner's budget until its breaker trips
        }
    }

    @Test
    void anExhaustedBudgetStaysExhaustedAndATrippedBreakerStaysTrippedAfterARestart() {
        PolicyEngine before = restart();
        exhaust(before, "team-a");
        before.budgets().tryConsume(NOW, "gcp", "team-b");
        before.governance().flush();

        PolicyEngine after = restart();
        assertThat(after.governance().restored().breakers()).isEqualTo(1);
        assertThat(after.budgets().trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("per-owner", "team-a"));
        assertThat(after.budgets().trip("per-owner", "team-a")).hasValueSatisfying(trip -> {
            assertThat(trip.at()).isEqualTo(NOW);
            assertThat(trip.by()).isEqualTo("finding f-team-a");
        });
        assertThat(after.budgets().used("per-owner", "team-a", NOW)).isEqualTo(3);
        assertThat(after.budgets().used("per-owner", "team-b", NOW)).isEqualTo(1);
        assertThat(after.budgets().used("global", BudgetTracker.GLOBAL_KEY, NOW)).isEqualTo(4);
        BudgetTracker.Admission refused = after.budgets().tryConsume(NOW, "aws", "team-a");
        assertThat(refused.granted()).isFalse();
        assertThat(refused.breakerWasTripped()).as("refused by the breaker tripped before the restart").isTrue();
    }

    @Test
    void aBreakerResetIsWrittenAtOnceAndTheUnitsStillCount() {
        PolicyEngine before = restart();
        exhaust(before, "team-a");
        before.governance().flush();
        assertThat(before.resetBreaker("per-owner", "team-a")).isTrue();

        PolicyEngine after = restart();
        assertThat(after.budgets().trippedBreakers()).isEmpty();
        assertThat(after.budgets().used("per-owner", "team-a", NOW)).isEqualTo(3);
        assertThat(after.budgets().tryConsume(NOW, "aws", "team-a").granted()).as("the window is still full: it trips again").isFalse();
    }

    @Test
    void unitsThatLeftTheWindowAreDeletedFromTheStore() {
        PolicyEngine engine = restart();
        engine.budgets().tryConsume(NOW, "aws", "team-a");
        engine.governance().flush();
        assertThat(store.size(GovernanceState.BUDGETS)).isEqualTo(3); // global, per-platform aws, per-owner team-a

        assertThat(engine.budgets().usage(NOW.plus(Duration.ofHours(2)))).allSatisfy(u -> assertThat(u.used()).isZero());
        engine.governance().flush();
        assertThat(store.size(GovernanceState.BUDGETS)).isZero();
    }

    @Test
    void anotherPolicyOverTheSameStateKeepsBudgetsByIdAndIgnoresOthers() {
        PolicyEngine first = restart();
        exhaust(first, "team-a");
        Policy tighter = PolicyLoader.parse(defaultPolicyText()
                .replace("  - id: per-owner\n    scope: owner\n    max_actions: 3\n", "  - id: per-owner\n    scope: owner\n    max_actions: 5\n")
                .replace("  - id: global\n    scope: global\n", "  - id: global-v2\n    scope: global\n"), "edited policy");
        PolicyEngine second = new PolicyEngine(tighter, CLOCK, RollbackPaths.platformFacts(), first.governance());

        assertThat(second.budgets().trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("per-owner", "team-a"));
        assertThat(second.budgets().used("per-owner", "team-a", NOW)).isEqualTo(3);
        assertThat(second.budgets().budgets()).extracting(b -> b.id()).contains("global-v2");
        assertThat(second.budgets().usage(NOW)).extracting(u -> u.budget().id()).doesNotContain("global");
    }

    private static String defaultPolicyText() {
        try (var in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).contains("  - id: per-owner\n    scope: owner\n    max_actions: 3\n", "  - id: global\n    scope: global\n");
            return text;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anEntryOfAnotherFormatVersionIsSkippedAndCounted() {
        store.write(List.of(new StateStore.Change(GovernanceState.BUDGETS, "per-owner\tteam-z",
                        "{\"v\":99,\"b\":\"per-owner\",\"k\":\"team-z\",\"u\":[]}"),
                new StateStore.Change(GovernanceState.ESCALATION, "aws:1:x", "not json")));

        GovernanceState state = GovernanceState.restoredFrom(store);

        assertThat(state.restored().unreadable()).isEqualTo(2);
        assertThat(state.restored().budgetKeys()).isZero();
    }

    @Test
    void inMemoryStateNotesNothing() {
        PolicyEngine engine = new PolicyEngine(POLICY, CLOCK, RollbackPaths.platformFacts());
        exhaust(engine, "team-a");
        engine.governance().flush();
        assertThat(engine.governance().restored()).isEqualTo(GovernanceState.Restored.NOTHING);
    }
}

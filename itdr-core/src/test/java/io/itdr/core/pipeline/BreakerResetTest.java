package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.decide.policy.PolicyLoader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A person resets a tripped breaker through the engine: ledgered first, with actor and reason; nothing else is ledgered. */
class BreakerResetTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T05:00:00Z"), ZoneOffset.UTC);

    private final InMemoryLedger ledger = new InMemoryLedger(CLOCK);
    private final ResponseEngine engine = ResponseEngine.builder(PolicyLoader.loadDefault(), CLOCK, ledger).build();

    @Test
    void aTrippedBreakerIsResetOnceAndTheResetIsLedgered() {
        BudgetTracker budgets = engine.policyEngine().budgets();
        while (budgets.tryConsume(CLOCK.instant(), "aws", "team-a").granted()) {
            // spend the owner's budget until its breaker trips
        }
        assertThat(budgets.trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("per-owner", "team-a"));

        assertThat(engine.resetBreaker("per-owner", "team-a", "user:alice/token:cli", "owner rotated every key on purpose")).isTrue();
        assertThat(budgets.trippedBreakers()).isEmpty();
        assertThat(engine.resetBreaker("per-owner", "team-a", "user:alice", "again")).as("not tripped: nothing to do").isFalse();

        assertThat(ledger.read(1, 100)).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo("admin.breaker_reset");
            assertThat(entry.actor()).isEqualTo("user:alice/token:cli");
            assertThat(entry.evidence()).containsEntry("budget.id", "per-owner").containsEntry("budget.key", "team-a")
                    .containsEntry("budget.used", "3").containsEntry("reason", "owner rotated every key on purpose");
        });
        assertThat(budgets.tryConsume(CLOCK.instant(), "aws", "team-a").granted()).as("still full: trips again").isFalse();
    }

    @Test
    void anUnknownBudgetOrABlankReasonIsRefused() {
        assertThatThrownBy(() -> engine.resetBreaker("no-such", "*", "user:alice", "r")).hasMessageContaining("no budget 'no-such'");
        BudgetTracker budgets = engine.policyEngine().budgets();
        while (budgets.tryConsume(CLOCK.instant(), "aws", "team-b").granted()) {
            // trip it
        }
        assertThatThrownBy(() -> engine.resetBreaker("per-owner", "team-b", "user:alice", " ")).hasMessageContaining("reason");
        assertThat(budgets.trippedBreakers()).hasSize(1);
        assertThat(ledger.read(1, 100)).extracting(LedgerEntry::kind).isEmpty();
    }
}

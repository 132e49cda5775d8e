package io.itdr.core.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.decide.policy.BudgetRule;
import io.itdr.core.decide.policy.BudgetScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetTrackerTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private final BudgetTracker tracker = new BudgetTracker(List.of(
            new BudgetRule("global", BudgetScope.GLOBAL, 3, Duration.ofHours(1)),
            new BudgetRule("per-platform", BudgetScope.PLATFORM, 5, Duration.ofHours(1)),
            new BudgetRule("per-owner", BudgetScope.OWNER, 1, Duration.ofMinutes(10))));

    @Test
    void aRefusalTakesNothingFromTheOtherBudgets() {
        assertThat(tracker.tryConsume(T, "aws", "team-a").granted()).isTrue();
        BudgetTracker.Admission refused = tracker.tryConsume(T, "aws", "team-a");
        assertThat(refused.granted()).isFalse();
        assertThat(refused.refusedBy().budget().id()).isEqualTo("per-owner");
        assertThat(tracker.used("global", BudgetTracker.GLOBAL_KEY, T)).isEqualTo(1);
        assertThat(tracker.used("per-platform", "aws", T)).isEqualTo(1);
    }

    @Test
    void theWindowSlides() {
        assertThat(tracker.tryConsume(T, "aws", "team-a").granted()).isTrue();
        tracker.tryConsume(T.plusSeconds(60), "aws", "team-b");
        assertThat(tracker.used("per-owner", "team-a", T.plus(Duration.ofMinutes(10)))).as("window end is exclusive").isZero();
        assertThat(tracker.used("global", BudgetTracker.GLOBAL_KEY, T.plus(Duration.ofMinutes(59)))).isEqualTo(2);
        assertThat(tracker.used("global", BudgetTracker.GLOBAL_KEY, T.plus(Duration.ofMinutes(60)).plusSeconds(30))).isEqualTo(1);
    }

    @Test
    void aTrippedBreakerRefusesUntilResetThenTheWindowStillCounts() {
        tracker.tryConsume(T, "aws", "a");
        tracker.tryConsume(T, "gcp", "b");
        tracker.tryConsume(T, "okta", "c");
        BudgetTracker.Admission full = tracker.tryConsume(T, "aws", "d");
        assertThat(full.breakerWasTripped()).isFalse();
        assertThat(full.refusedBy().describe()).isEqualTo("budget global: 3/3 disruptive actions in PT1H");
        assertThat(tracker.trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("global", "*"));

        Instant later = T.plus(Duration.ofHours(2));
        BudgetTracker.Admission tripped = tracker.tryConsume(later, "aws", "d");
        assertThat(tripped.granted()).isFalse();
        assertThat(tripped.breakerWasTripped()).isTrue();

        assertThat(tracker.reset("global", "*")).isTrue();
        assertThat(tracker.reset("global", "*")).isFalse();
        assertThat(tracker.tryConsume(later, "aws", "d").granted()).isTrue();
    }

    @Test
    void ownerlessIdentitiesShareOneKeyAndUsageIsReported() {
        tracker.tryConsume(T, "aws", null);
        assertThat(tracker.tryConsume(T, "aws", " ").refusedBy().key()).isEqualTo(BudgetTracker.NO_OWNER);
        assertThat(tracker.usage(T)).extracting(u -> u.budget().id() + "/" + u.key() + "=" + u.used() + (u.tripped() ? "!" : ""))
                .containsExactly("global/*=1", "per-owner/(no owner)=1!", "per-platform/aws=1");
        tracker.resetAll();
        assertThat(tracker.trippedBreakers()).isEmpty();
    }

    @Test
    void askingForAnUnknownBudgetNamesTheKnownOnes() {
        assertThatThrownBy(() -> tracker.used("nope", "x", T)).hasMessage("no budget 'nope'; the policy has [global, per-platform, per-owner]");
    }
}

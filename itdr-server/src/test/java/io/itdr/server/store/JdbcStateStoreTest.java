package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.decide.GovernanceState;
import io.itdr.core.decide.PolicyEngine;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's restart-surviving state on both databases the server runs on. */
class JdbcStateStoreTest {
    private static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0, ZoneOffset.UTC);

    @TempDir
    static Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", TestDatabases.h2(dir.resolve("h2-" + System.nanoTime()))),
                Arguments.of("postgresql", TestDatabases.postgres()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void entriesAreWrittenReplacedDeletedAndReadBackInWriteOrder(String name, DataSource database) {
        JdbcStateStore store = new JdbcStateStore(database, CLOCK);
        store.write(List.of(new StateStore.Change("detector", "a", "{\"v\":1,\"n\":1}"),
                new StateStore.Change("detector", "b", "{\"v\":1,\"n\":2}"),
                new StateStore.Change("budget", "a", "{\"v\":1}")));
        store.write(List.of(new StateStore.Change("detector", "a", "{\"v\":1,\"n\":3}"),
                new StateStore.Change("budget", "a", null)));

        JdbcStateStore restarted = new JdbcStateStore(database, CLOCK); // a new instance continues the order
        restarted.write(List.of(new StateStore.Change("detector", "c", "{\"v\":1,\"n\":4}")));
        Map<String, String> read = new LinkedHashMap<>();
        restarted.read("detector", read::put);

        assertThat(read).containsExactly(Map.entry("b", "{\"v\":1,\"n\":2}"), Map.entry("a", "{\"v\":1,\"n\":3}"),
                Map.entry("c", "{\"v\":1,\"n\":4}"));
        assertThat(restarted.size("budget")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aTrippedBreakerAndAnExhaustedBudgetSurviveARestartAndSoDoesAReset(String name, DataSource database) {
        PolicyEngine before = new PolicyEngine(PolicyLoader.loadDefault(), CLOCK, RollbackPaths.platformFacts(),
                GovernanceState.restoredFrom(new JdbcStateStore(database, CLOCK)));
        while (before.budgets().tryConsume(T0, "aws", "team-a", "finding f1").granted()) {
            // spend the owner's budget until its breaker trips
        }
        before.budgets().tryConsume(T0, "aws", "team-b", "finding f2");
        before.governance().flush();

        PolicyEngine after = new PolicyEngine(PolicyLoader.loadDefault(), CLOCK, RollbackPaths.platformFacts(),
                GovernanceState.restoredFrom(new JdbcStateStore(database, CLOCK)));
        assertThat(after.budgets().trippedBreakers()).containsExactly(new BudgetTracker.BudgetKey("per-owner", "team-a"));
        assertThat(after.budgets().trip("per-owner", "team-a")).hasValue(new io.itdr.core.decide.BudgetState.Trip(T0, "finding f1"));
        assertThat(after.budgets().used("per-owner", "team-a", T0)).isEqualTo(3);
        assertThat(after.budgets().used("global", "*", T0)).isEqualTo(4);
        assertThat(after.budgets().tryConsume(T0, "aws", "team-a").breakerWasTripped()).isTrue();

        assertThat(after.resetBreaker("per-owner", "team-a")).isTrue();
        PolicyEngine third = new PolicyEngine(PolicyLoader.loadDefault(), CLOCK, RollbackPaths.platformFacts(),
                GovernanceState.restoredFrom(new JdbcStateStore(database, CLOCK)));
        assertThat(third.budgets().trippedBreakers()).isEmpty();
        assertThat(third.budgets().used("per-owner", "team-a", T0)).isEqualTo(3);
    }
}

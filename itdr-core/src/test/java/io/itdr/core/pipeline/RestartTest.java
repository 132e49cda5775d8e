package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.decide.GovernanceState;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.model.Decision;
import io.itdr.core.state.InMemoryStateStore;
import io.itdr.core.state.StateStore;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An engine restarted mid-stream on its state store decides exactly as one that never stopped:
 * detector baselines, escalation history, incidents, budget units and tripped breakers all carry
 * over. The stream makes identities jump between continents and replay tokens, so containments are
 * decided, incidents group them, escalation raises confidence and the per-owner budgets trip.
 */
class RestartTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T08:00:00Z"), ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final Policy POLICY = PolicyLoader.parse(
            PolicyLoader.class.getClassLoader().resources(PolicyLoader.DEFAULT_POLICY_RESOURCE).findFirst().map(RestartTest::read)
                    .orElseThrow().replaceFirst("(?m)^mode: shadow$", "mode: enforce"), "enforcing default policy");
    private static final IdentityCatalog CATALOG = IdentityCatalog.parse(catalog(), "test catalog");

    @Test
    void anEngineRestartedMidStreamDecidesAsOneThatNeverStopped() {
        List<IdentityEvent> events = stream(1_500);

        InMemoryStateStore uninterruptedStore = new InMemoryStateStore();
        ResponseEngine uninterrupted = engine(uninterruptedStore, new InMemoryLedger(CLOCK));
        List<Decision> expected = run(uninterrupted, events);
        uninterrupted.checkpointDetectors();

        InMemoryStateStore store = new InMemoryStateStore();
        InMemoryLedger ledger = new InMemoryLedger(CLOCK);
        ResponseEngine first = engine(store, ledger);
        List<Decision> actual = new ArrayList<>(run(first, events.subList(0, 700)));
        first.checkpointDetectors(); // what the server does on shutdown
        ResponseEngine second = engine(store, ledger);
        assertThat(second.restored().detection().identities()).isEqualTo(first.trackedIdentities());
        assertThat(second.restored().governance().breakers()).as("breakers tripped before the restart").isPositive();
        actual.addAll(run(second, events.subList(700, events.size())));
        second.checkpointDetectors();

        assertThat(expected).as("a stream that exercises the state").hasSizeGreaterThan(50);
        assertThat(expected.stream().filter(d -> d.guardrails().contains("budget_exhausted"))).isNotEmpty();
        assertThat(expected.stream().filter(d -> d.guardrails().contains("incident_contained"))).isNotEmpty();
        assertThat(expected.stream().filter(d -> d.reasons().stream().anyMatch(r -> r.startsWith("escalation")))).isNotEmpty();
        assertThat(summaries(actual)).containsExactlyElementsOf(summaries(expected));
        assertThat(usage(second)).isEqualTo(usage(uninterrupted));
        assertThat(second.policyEngine().budgets().trippedBreakers()).isEqualTo(uninterrupted.policyEngine().budgets().trippedBreakers());
        for (String section : List.of(DetectionEngine.SECTION, GovernanceState.BUDGETS, GovernanceState.ESCALATION,
                GovernanceState.INCIDENTS, GovernanceState.INCIDENT_FINDINGS)) {
            assertThat(entries(store, section)).as(section).isEqualTo(entries(uninterruptedStore, section));
        }
    }

    @Test
    void withoutAStoreNothingIsKeptAndARestartForgets() {
        List<IdentityEvent> events = stream(700);
        ResponseEngine first = ResponseEngine.builder(POLICY, CLOCK, new InMemoryLedger(CLOCK)).catalog(CATALOG).build();
        run(first, events);
        assertThat(first.policyEngine().budgets().trippedBreakers()).isNotEmpty();
        assertThat(first.checkpointDetectors()).isZero();

        ResponseEngine second = ResponseEngine.builder(POLICY, CLOCK, new InMemoryLedger(CLOCK)).catalog(CATALOG).build();
        assertThat(second.restored().governance()).isEqualTo(GovernanceState.Restored.NOTHING);
        assertThat(second.policyEngine().budgets().trippedBreakers()).isEmpty();
    }

    static ResponseEngine engine(StateStore store, InMemoryLedger ledger) {
        return ResponseEngine.builder(POLICY, CLOCK, ledger).catalog(CATALOG).state(store, 0).build();
    }

    static List<Decision> run(ResponseEngine engine, List<IdentityEvent> events) {
        List<Decision> decisions = new ArrayList<>();
        for (IdentityEvent event : events) {
            engine.pipeline().process(event).forEach(o -> decisions.add(o.decision()));
        }
        return decisions;
    }

    private static List<String> summaries(List<Decision> decisions) {
        return decisions.stream().map(d -> String.join(" | ", d.id(), d.findingId(), d.incidentId(), d.intendedRung().policyName(),
                d.rung().policyName(), Boolean.toString(d.hold()), String.join(",", d.guardrails()), String.join(" / ", d.reasons())))
                .toList();
    }

    private static List<String> usage(ResponseEngine engine) {
        return engine.policyEngine().budgets().usage(CLOCK.instant()).stream().map(BudgetTracker.BudgetUsage::describe).toList();
    }

    static Map<String, String> entries(InMemoryStateStore store, String section) {
        Map<String, String> out = new LinkedHashMap<>();
        store.read(section, out::put);
        return out;
    }

    /**
     * Twelve service roles of four owners, each calling from its usual network (AWS, AS 16509, in
     * Virginia) with a token that lives 50 events; now and then one is used from far away (another
     * AS, another continent), which reads as impossible travel and as a replayed token.
     */
    static List<IdentityEvent> stream(int count) {
        Random random = new Random(42);
        Geo home = new Geo("US", "Virginia", "Ashburn", 39.04, -77.49);
        Geo[] away = {new Geo("AU", null, "Sydney", -33.87, 151.21), new Geo("DE", null, "Frankfurt", 50.11, 8.68),
                new Geo("BR", null, "Sao Paulo", -23.55, -46.63)};
        List<IdentityEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = i % 12;
            String role = "arn:aws:iam::111122223333:role/team" + (n % 4 + 1) + "-svc" + n;
            boolean far = i > 240 && random.nextInt(100) < 6;
            Geo geo = far ? away[random.nextInt(away.length)] : home;
            Source source = new Source(far ? "203.0." + random.nextInt(200) + ".7" : "52.94.1." + n,
                    far ? 64_500L + random.nextInt(3) : 16509L, null, geo, "aws-sdk-java/2.31 app/" + n, null);
            events.add(IdentityEvent.builder("ev-" + i, T0.plusSeconds(30L * i), "aws", IdentityRef.of(role))
                    .tenant("111122223333").action("s3:GetObject").source(source)
                    .session(new SessionInfo(null, "tok-" + n + "-" + (i / 600), null, null)).build());
        }
        return events;
    }

    private static String catalog() {
        StringBuilder catalog = new StringBuilder("identities:\n");
        for (int team = 1; team <= 4; team++) {
            catalog.append("  - match: \"arn:aws:iam::*:role/team").append(team).append("-*\"\n")
                    .append("    platform: aws\n")
                    .append("    owner: team-").append(team).append('\n')
                    .append("    criticality: tier3\n")
                    .append("    consumers: [orders-api]\n");
        }
        return catalog.toString();
    }

    private static String read(java.net.URL url) {
        try (var in = url.openStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

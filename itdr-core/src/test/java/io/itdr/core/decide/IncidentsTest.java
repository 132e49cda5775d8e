package io.itdr.core.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Decision;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Incidents are formed before deciding: findings on one identity within the policy's window form
 * one incident; a target is contained once per rung per incident, and only that containment spends
 * a budget.
 */
class IncidentsTest {
    private static final Clock CLOCK = Clock.fixed(Scenario.T0, ZoneOffset.UTC);
    private static final String POLICY = """
            name: incidents-test
            version: "1"
            mode: enforce
            rules:
              - id: replay
                when: finding.detector == 'token_replay' || finding.detector == 'impossible_travel'
                rung: quarantine_session
            budgets:
              - id: global
                scope: global
                max_actions: 10
                window: PT1H
            incidents:
              window: PT30M
            """;

    private final Policy policy = PolicyLoader.parse(POLICY, "incidents-test.yaml");
    private final PolicyEngine engine = new PolicyEngine(policy, CLOCK, RollbackPaths.typical());

    private Decision decide(Scenario s) {
        return engine.decide(s.finding(), s.identity(), s.event(true));
    }

    @Test
    void twoFindingsOfOneEventAreOneIncidentWithOneContainmentAndOneBudgetUnit() {
        Decision replay = decide(Scenario.of("token_replay", 0.93).findingId("f-replay"));
        Decision travel = decide(Scenario.of("impossible_travel", 0.9).findingId("f-travel"));

        assertThat(replay.incidentId()).isEqualTo(Incidents.idFor("f-replay")).isEqualTo(travel.incidentId());
        assertThat(replay.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(replay.actions()).hasSize(1);
        assertThat(travel.intendedRung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(travel.rung()).isEqualTo(Rung.OBSERVE);
        assertThat(travel.actions()).isEmpty();
        assertThat(travel.guardrails()).containsExactly(PolicyEngine.INCIDENT_CONTAINED);
        assertThat(travel.reasons()).anySatisfy(r -> assertThat(r).startsWith("incident " + replay.incidentId()
                + ": quarantine_session of this target was planned by decision " + replay.id()));
        assertThat(engine.budgets().used("global", BudgetTracker.GLOBAL_KEY, CLOCK.instant())).as("one containment, one unit").isEqualTo(1);
        assertThat(engine.incidents().incidentOf("f-travel")).isEqualTo(replay.incidentId());
    }

    @Test
    void anotherIdentityOrAFindingPastTheWindowStartsAnotherIncident() {
        Decision first = decide(Scenario.of("token_replay", 0.93).findingId("f-1"));
        Decision other = decide(Scenario.of("token_replay", 0.93).findingId("f-2").identity("arn:aws:iam::111122223333:user/other"));
        Decision within = decide(Scenario.of("token_replay", 0.93).findingId("f-3").at(Scenario.T0.plus(Duration.ofMinutes(29))));
        Decision later = decide(Scenario.of("token_replay", 0.93).findingId("f-4").at(Scenario.T0.plus(Duration.ofMinutes(29 + 31))));

        assertThat(other.incidentId()).isNotEqualTo(first.incidentId());
        assertThat(other.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(within.incidentId()).as("29 minutes after the last finding").isEqualTo(first.incidentId());
        assertThat(within.rung()).isEqualTo(Rung.OBSERVE);
        assertThat(later.incidentId()).as("31 minutes after the last finding of the incident").isEqualTo(Incidents.idFor("f-4"));
        assertThat(later.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
    }

    @Test
    void decidingTheSameFindingAgainKeepsItsIncident() {
        Decision once = decide(Scenario.of("token_replay", 0.93).findingId("f-1"));
        assertThat(engine.incidents().assign(Scenario.of("token_replay", 0.93).findingId("f-1").finding())).isEqualTo(once.incidentId());
        assertThat(policy.incidentWindow()).isEqualTo(Duration.ofMinutes(30));
        assertThat(PolicyLoader.loadDefault().incidentWindow()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aRepeatIsAttachedToTheIncidentsFindingOfTheSameDetectorAndVariantWithinTheWindowOnly() {
        Scenario burst = Scenario.of("nhi_behaviour", 0.3).findingId("f-burst").attributes(java.util.Map.of("variant", "discovery_burst"));
        String incident = engine.incidents().assign(burst.finding());
        String key = burst.identityKey();

        assertThat(engine.incidents().attach(key, "nhi_behaviour", "discovery_burst", Scenario.T0.plusSeconds(60)))
                .contains(new Incidents.Attached(incident, "f-burst", 1));
        assertThat(engine.incidents().attach(key, "nhi_behaviour", "fan_out", Scenario.T0.plusSeconds(60)))
                .as("another variant has no finding in the incident").isEmpty();
        assertThat(engine.incidents().attach(key, "token_replay", null, Scenario.T0.plusSeconds(60))).isEmpty();
        assertThat(engine.incidents().attach("aws//someone-else", "nhi_behaviour", "discovery_burst", Scenario.T0)).isEmpty();
        assertThat(engine.incidents().attach(key, "nhi_behaviour", "discovery_burst", Scenario.T0.plus(Duration.ofMinutes(31))))
                .as("past the incident window").isEmpty();
        assertThat(engine.incidents().attach(key, "nhi_behaviour", "discovery_burst", Scenario.T0.minus(Duration.ofMinutes(29))))
                .as("before the finding, within the window").isPresent();
    }

    @Test
    void anIncidentHoldsABoundedNumberOfAttachedEvents() {
        Scenario burst = Scenario.of("nhi_behaviour", 0.3).findingId("f-burst").attributes(java.util.Map.of("variant", "discovery_burst"));
        engine.incidents().assign(burst.finding());
        int attached = 0;
        for (int i = 0; i < Incidents.MAX_EVIDENCE_PER_INCIDENT + 50; i++) {
            if (engine.incidents().attach(burst.identityKey(), "nhi_behaviour", "discovery_burst", Scenario.T0.plusSeconds(i)).isPresent()) {
                attached++;
            }
        }
        assertThat(attached).isEqualTo(Incidents.MAX_EVIDENCE_PER_INCIDENT);
    }
}

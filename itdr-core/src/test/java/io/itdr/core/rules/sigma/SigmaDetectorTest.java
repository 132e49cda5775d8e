package io.itdr.core.rules.sigma;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Finding;
import io.itdr.core.pipeline.CaseStore;
import io.itdr.core.pipeline.EventStore;
import io.itdr.core.pipeline.Intake;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loaded rules run as a detector on the raw record beside each event, through the one assembly of the engine. */
class SigmaDetectorTest {
    private static final Instant T0 = Instant.parse("2019-01-01T00:00:00Z");
    private static final String ROLE = "arn:aws:iam::123456789012:role/example-role";

    /**
     * A real CloudTrail record: corpus record 12c9a5eed4ed8b04 (../shared/corpus/aws_cloudtrail.jsonl,
     * from panther-labs/panther-analysis, the test "Security Configuration Changed" of
     * AWS.CloudTrail.SecurityConfigurationChange, labelled malicious), with its eventID and time as given.
     */
    static String deleteTrail(String eventId) {
        return """
                {"awsRegion": "us-west-2", "eventID": "%s", "eventName": "DeleteTrail", "eventSource": "cloudtrail.amazonaws.com",
                 "eventTime": "2019-01-01T00:00:00Z", "eventType": "AwsApiCall", "eventVersion": "1.05", "readOnly": false,
                 "recipientAccountId": "123456789012", "requestID": "1111", "requestParameters": {"name": "example-trail"},
                 "responseElements": null, "sourceIPAddress": "111.111.111.111", "userAgent": "Mozilla/2.0 (compatible; NEWT ActiveX; Win32)",
                 "userIdentity": {"accessKeyId": "1111", "accountId": "123456789012",
                  "arn": "arn:aws:sts::123456789012:assumed-role/example-role/example-user", "invokedBy": "cloudformation.amazonaws.com",
                  "principalId": "1111", "sessionContext": {"attributes": {"creationDate": "2019-01-01T00:00:00Z", "mfaAuthenticated": "true"},
                  "sessionIssuer": {"accountId": "123456789012", "arn": "arn:aws:iam::123456789012:role/example-role", "principalId": "1111",
                  "type": "Role", "userName": "example-role"}, "webIdFederationData": {}}, "type": "AssumedRole"}}
                """.formatted(eventId);
    }

    /** Written for this test after the trail rules security teams share: stopping or deleting a trail. */
    static final String TRAIL_RULE = """
            title: Trail stopped or deleted
            id: 0d4bd7a8-0000-4000-8000-00000000a001
            level: high
            tags:
              - attack.defense-evasion
              - attack.t1562.008
            logsource:
              product: aws
              service: cloudtrail
            detection:
              selection:
                eventSource: cloudtrail.amazonaws.com
                eventName:
                  - StopLogging
                  - DeleteTrail
              filter_service:
                userIdentity.invokedBy: config.amazonaws.com
              condition: selection and not filter_service
            """;

    static IdentityEvent event(String id, Instant time, String action) {
        return IdentityEvent.builder(id, time, "aws", IdentityRef.of(ROLE)).tenant("123456789012").action(action).build();
    }

    static List<Pipeline.Outcome> run(List<IdentityEvent> events, List<String> records, SigmaRule... rules) {
        return run(new InMemoryLedger(Clock.fixed(T0, ZoneOffset.UTC)), events, records, rules);
    }

    static List<Pipeline.Outcome> run(InMemoryLedger ledger, List<IdentityEvent> events, List<String> records, SigmaRule... rules) {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        List<Pipeline.Outcome> outcomes = new ArrayList<>();
        Intake intake = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger)
                .addDetector(SigmaDetector.of(List.of(rules)))
                .build()
                .intake(EventStore.NONE, CaseStore.NONE, new Intake.Observer() {
                    @Override
                    public void outcome(String connectorId, Pipeline.Outcome outcome) {
                        outcomes.add(outcome);
                    }
                });
        intake.accept("aws", events, records);
        return outcomes;
    }

    static SigmaRule trailRule() {
        return (SigmaRule) new SigmaRuleLoader().parse("trail.yml", TRAIL_RULE);
    }

    @Test
    void aRealDeleteTrailRecordIsAFindingOfTheRuleCitingTheEvent() {
        List<Pipeline.Outcome> outcomes = run(List.of(event("corpus-12c9a5eed4ed8b04", T0, "cloudtrail:DeleteTrail")),
                List.of(deleteTrail("corpus-12c9a5eed4ed8b04")), trailRule());
        assertThat(outcomes).hasSize(1);
        Finding f = outcomes.get(0).finding();
        assertThat(f.detector()).isEqualTo("sigma:0d4bd7a8-0000-4000-8000-00000000a001");
        assertThat(f.confidence()).isEqualTo(0.8);
        assertThat(f.frameworkTags()).containsExactly("TA0005", "T1562.008");
        assertThat(f.evidenceEventIds()).containsExactly("corpus-12c9a5eed4ed8b04");
        assertThat(f.attributes()).containsEntry("rule_title", "Trail stopped or deleted").containsEntry("rule_level", "high");
        assertThat(f.summary()).contains("Trail stopped or deleted");
        // the default policy: a high-level rule finding raises monitoring, nothing disruptive
        assertThat(outcomes.get(0).decision().rung()).isEqualTo(Rung.MONITOR);
        assertThat(outcomes.get(0).decision().ruleId()).isEqualTo("sigma-rule-monitor");
    }

    @Test
    void aNearMissOfTheSameRecordDoesNotFire() {
        String viaConfig = deleteTrail("e-1").replace("cloudformation.amazonaws.com", "config.amazonaws.com");
        String describe = deleteTrail("e-2").replace("\"DeleteTrail\"", "\"DescribeTrails\"");
        assertThat(run(List.of(event("e-1", T0, "cloudtrail:DeleteTrail"), event("e-2", T0.plusSeconds(1), "cloudtrail:DescribeTrails")),
                List.of(viaConfig, describe), trailRule())).isEmpty();
    }

    @Test
    void anEventWithoutItsRawRecordIsNotMatched() {
        assertThat(run(List.of(event("e-1", T0, "cloudtrail:DeleteTrail")), List.of(), trailRule())).isEmpty();
    }

    @Test
    void aBurstIsReportedOncePerIdentityAndRuleWithinTheHour() {
        List<IdentityEvent> events = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(event("e-" + i, T0.plusSeconds(60L * i), "cloudtrail:DeleteTrail"));
            records.add(deleteTrail("e-" + i));
        }
        events.add(event("e-late", T0.plusSeconds(3600 + 120), "cloudtrail:DeleteTrail"));
        records.add(deleteTrail("e-late"));
        List<Pipeline.Outcome> outcomes = run(events, records, trailRule());
        assertThat(outcomes).extracting(o -> o.finding().evidenceEventIds().get(0)).containsExactly("e-0", "e-late");
    }

    @Test
    void laterMatchesOfABurstAreAttachedToItsFindingWithoutANewDecision() {
        List<IdentityEvent> events = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(event("e-" + i, T0.plusSeconds(60L * i), "cloudtrail:DeleteTrail"));
            records.add(deleteTrail("e-" + i));
        }
        InMemoryLedger ledger = new InMemoryLedger(Clock.fixed(T0, ZoneOffset.UTC));
        List<Pipeline.Outcome> outcomes = run(ledger, events, records, trailRule());
        assertThat(outcomes).hasSize(1);
        String findingId = outcomes.get(0).finding().id();
        List<LedgerEntry> entries = ledger.read(1, 100);
        List<LedgerEntry> added = entries.stream().filter(e -> e.kind().equals(LedgerKinds.FINDING_EVIDENCE_ADDED)).toList();
        assertThat(added).extracting(e -> e.evidence().get("finding.events")).containsExactly("e-1", "e-2", "e-3", "e-4");
        assertThat(added).allSatisfy(e -> {
            assertThat(e.evidence()).containsEntry("finding.id", findingId)
                    .containsEntry("finding.detector", "sigma:0d4bd7a8-0000-4000-8000-00000000a001");
            assertThat(e.incidentId()).isEqualTo(outcomes.get(0).decision().incidentId());
        });
        assertThat(added.get(3).evidence()).containsEntry("incident.evidence_count", "4");
        assertThat(entries).filteredOn(e -> e.kind().equals(LedgerKinds.DECISION)).hasSize(1);
    }
}

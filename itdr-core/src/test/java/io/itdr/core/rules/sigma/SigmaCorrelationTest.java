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
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sigma correlation rules, from the examples of the Sigma correlation specification 2.1.0
 * (github.com/SigmaHQ/sigma-specification, specification/sigma-correlation-rules-specification.md
 * and tests/schema/correlation/*.yml). The specification's examples are written for Windows logs
 * (ComputerName, User); here their base rules read the Okta System Log, a log source this
 * distribution reads, with the same shape: failed and successful sign-ins grouped by user
 * ({@code actor.alternateId}) or source address ({@code client.ipAddress}).
 */
class SigmaCorrelationTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @TempDir
    Path dir;

    /** The base rules the examples refer to. */
    private static final String FAILED_LOGIN = """
            title: Single failed login
            id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
            name: failed_login
            logsource:
              product: okta
              service: okta
            detection:
              selection:
                eventType: user.session.start
                outcome.result: FAILURE
              condition: selection
            """;
    private static final String SUCCESSFUL_LOGIN = """
            title: Successful login
            id: 4d0a2c75-f8e4-4e49-9a3a-c8a2a6b0b5c2
            name: successful_login
            logsource:
              product: okta
              service: okta
            detection:
              selection:
                eventType: user.session.start
                outcome.result: SUCCESS
              condition: selection
            """;

    /** The specification's example "Failed Logins Followed by Successful Login", as one multi-document file. */
    private static final String SPEC_EXAMPLE = """
            title: Correlation - Multiple Failed Logins Followed by Successful Login
            id: b180ead8-d58f-40b2-ae54-c8940995b9b6
            status: experimental
            description: Detects multiple failed logins by a single user followed by a successful login of that user
            author: Florian Roth (Nextron Systems)
            date: 2023-06-16
            correlation:
                type: temporal_ordered
                rules:
                    - multiple_failed_login
                    - successful_login
                group-by:
                    - actor.alternateId
                timespan: 10m
            falsepositives:
                - Unlikely
            level: high
            ---
            title: Multiple failed logons
            id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
            description: Detects multiple failed logins within a certain amount of time
            name: multiple_failed_login
            correlation:
                type: event_count
                rules:
                    - failed_login
                group-by:
                    - actor.alternateId
                timespan: 10m
                condition:
                    gte: 10
            ---
            """ + FAILED_LOGIN + "---\n" + SUCCESSFUL_LOGIN;

    private SigmaRules load(String... files) throws IOException {
        for (int i = 0; i < files.length; i++) {
            Files.writeString(dir.resolve("r" + i + ".yml"), files[i]);
        }
        return new SigmaRuleLoader().load(List.of(dir));
    }

    private static String login(String id, String user, String ip, boolean success) {
        return """
                {"uuid": "%s", "eventType": "user.session.start", "published": "2026-11-02T10:00:00.000Z",
                 "actor": {"id": "00u1", "type": "User", "alternateId": "%s"}, "client": {"ipAddress": "%s"},
                 "outcome": {"result": "%s"}}
                """.formatted(id, user, ip, success ? "SUCCESS" : "FAILURE");
    }

    private record Run(List<Finding> findings, List<LedgerEntry> ledger) {
        List<LedgerEntry> added() {
            return ledger.stream().filter(e -> e.kind().equals(LedgerKinds.FINDING_EVIDENCE_ADDED)).toList();
        }
    }

    /** One sign-in: id, user, address, success, seconds after T0. */
    private record Login(String id, String user, String ip, boolean success, long at) {
    }

    private static Run run(SigmaRules rules, List<Login> logins) {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        InMemoryLedger ledger = new InMemoryLedger(clock);
        List<Finding> findings = new ArrayList<>();
        Intake intake = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, ledger)
                .addDetector(SigmaDetector.of(rules))
                .build()
                .intake(EventStore.NONE, CaseStore.NONE, new Intake.Observer() {
                    @Override
                    public void outcome(String connectorId, Pipeline.Outcome outcome) {
                        findings.add(outcome.finding());
                    }
                });
        List<IdentityEvent> events = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (Login l : logins) {
            events.add(IdentityEvent.builder(l.id(), T0.plusSeconds(l.at()), "okta", IdentityRef.of(l.user())).tenant("example.okta.com")
                    .action("user.session.start").build());
            records.add(login(l.id(), l.user(), l.ip(), l.success()));
        }
        intake.accept("okta", events, records);
        return new Run(findings, ledger.read(1, 10_000));
    }

    private static List<Login> failures(String user, String ip, int n, long from, long every) {
        List<Login> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Login(user + "-f" + from + "-" + i, user, ip, false, from + i * every));
        }
        return out;
    }

    @Test
    void theSpecificationsExampleFileLoadsWithItsBaseRules() throws IOException {
        SigmaRules loaded = load(SPEC_EXAMPLE);
        assertThat(loaded.refused()).isEmpty();
        assertThat(loaded.rules()).extracting(SigmaRule::name).containsExactly("failed_login", "successful_login");
        assertThat(loaded.correlations()).extracting(SigmaCorrelation::id)
                .as("each after those it refers to").containsExactly("a8418a5a-5fc4-46b5-b23b-6c73beb19d41",
                        "b180ead8-d58f-40b2-ae54-c8940995b9b6");
        SigmaCorrelation outer = loaded.correlations().get(1);
        assertThat(outer.type()).isEqualTo(SigmaCorrelation.Type.TEMPORAL_ORDERED);
        assertThat(outer.rules().get(0)).isSameAs(loaded.correlations().get(0));
        assertThat(outer.rules().get(1)).isSameAs(loaded.rules().get(1));
        assertThat(outer.timespan()).isEqualTo(Duration.ofMinutes(10));
        assertThat(outer.confidence()).isEqualTo(0.8);
    }

    @Test
    void failedLoginsFollowedBySuccessAreOneFindingOfTheOuterCorrelationOnly() throws IOException {
        List<Login> logins = new ArrayList<>(failures("alice@example.com", "203.0.113.9", 10, 0, 20));
        logins.add(new Login("alice-ok", "alice@example.com", "203.0.113.9", true, 240));
        Run run = run(load(SPEC_EXAMPLE), logins);
        assertThat(run.findings()).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo("sigma:b180ead8-d58f-40b2-ae54-c8940995b9b6");
            assertThat(f.attributes()).containsEntry("correlation_type", "temporal_ordered")
                    .containsEntry("group", "actor.alternateId=alice@example.com").containsEntry("count", "2");
            assertThat(f.evidenceEventIds()).contains("alice-ok").hasSize(11);
        });
    }

    @Test
    void aSuccessBeforeTheFailuresOrTooFewFailuresIsNoFinding() throws IOException {
        List<Login> before = new ArrayList<>();
        before.add(new Login("bob-ok", "bob@example.com", "203.0.113.9", true, 0));
        before.addAll(failures("bob@example.com", "203.0.113.9", 10, 10, 20));
        assertThat(run(load(SPEC_EXAMPLE), before).findings()).as("success first").isEmpty();
        List<Login> nine = new ArrayList<>(failures("carol@example.com", "203.0.113.9", 9, 0, 20));
        nine.add(new Login("carol-ok", "carol@example.com", "203.0.113.9", true, 240));
        assertThat(run(new SigmaRuleLoader().load(List.of(dir)), nine).findings()).as("nine failures").isEmpty();
    }

    /** tests/schema/correlation/event_count.yml: a count of matches per group within the timespan. */
    @Test
    void eventCountHoldsPerGroupWithinTheTimespanAndLaterMatchesAreRepeats() throws IOException {
        String rule = """
                title: Many failed logins
                id: 0e95725d-7320-415d-80f7-004da920fc11
                correlation:
                    type: event_count
                    rules:
                        - 53ba33fd-3a50-4468-a5ef-c583635cfa92
                    group-by:
                        - actor.alternateId
                    timespan: 1h
                    condition:
                        gte: 100
                """;
        SigmaRules rules = load(rule, FAILED_LOGIN);
        List<Login> logins = new ArrayList<>(failures("dave@example.com", "198.51.100.1", 105, 0, 10));
        logins.addAll(failures("erin@example.com", "198.51.100.1", 99, 0, 10)); // another group, one short
        Run run = run(rules, logins);
        assertThat(run.findings()).singleElement().satisfies(f -> {
            assertThat(f.identityKey()).endsWith("dave@example.com");
            assertThat(f.attributes()).containsEntry("count", "100");
            assertThat(f.evidenceEventIds()).hasSize(CorrelationState.MAX_EVIDENCE).endsWith("dave@example.com-f0-99");
        });
        assertThat(run.added()).as("matches 101 to 105 while it holds").hasSize(5);
        // the same number of failures spread over more than the hour never holds
        assertThat(run(rules, failures("frank@example.com", "198.51.100.1", 150, 0, 40)).findings()).isEmpty();
    }

    /** tests/schema/correlation/value_count.yml: distinct values of a field per group. */
    @Test
    void valueCountCountsDistinctValues() throws IOException {
        String rule = """
                title: Failed login
                id: 0e95725d-7320-415d-80f7-004da920fc12
                correlation:
                    type: value_count
                    rules:
                        - failed_login
                    group-by:
                        - client.ipAddress
                    timespan: 1d
                    condition:
                        field: actor.alternateId
                        gte: 5
                """;
        SigmaRules rules = load(rule, FAILED_LOGIN);
        List<Login> spray = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            spray.add(new Login("spray-" + i, "user" + i + "@example.com", "192.0.2.50", false, i * 60L));
        }
        assertThat(run(rules, spray).findings()).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("group", "client.ipAddress=192.0.2.50").containsEntry("count", "5"));
        assertThat(run(rules, failures("gina@example.com", "192.0.2.50", 20, 0, 60)).findings())
                .as("one user failing twenty times is one value").isEmpty();
    }

    private static final String RECON = """
            title: Recon %1$s
            id: 00000000-0000-4000-8000-00000000000%2$d
            name: recon_cmd_%1$s
            logsource:
              product: okta
              service: okta
            detection:
              selection:
                eventType: %3$s
              condition: selection
            """;

    private static String recon(String name, int n, String eventType) {
        return RECON.formatted(name, n, eventType);
    }

    private static String record(String id, String eventType, String user) {
        return """
                {"uuid": "%s", "eventType": "%s", "actor": {"alternateId": "%s"}, "client": {"ipAddress": "192.0.2.1"},
                 "outcome": {"result": "SUCCESS"}}
                """.formatted(id, eventType, user);
    }

    private static List<Finding> runTypes(SigmaRules rules, String user, List<String> eventTypes, long every) {
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        List<Finding> findings = new ArrayList<>();
        Intake intake = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, new InMemoryLedger(clock))
                .addDetector(SigmaDetector.of(rules)).build()
                .intake(EventStore.NONE, CaseStore.NONE, new Intake.Observer() {
                    @Override
                    public void outcome(String connectorId, Pipeline.Outcome outcome) {
                        findings.add(outcome.finding());
                    }
                });
        List<IdentityEvent> events = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < eventTypes.size(); i++) {
            String id = user + "-" + i;
            events.add(IdentityEvent.builder(id, T0.plusSeconds(i * every), "okta", IdentityRef.of(user)).tenant("example.okta.com")
                    .action(eventTypes.get(i)).build());
            records.add(record(id, eventTypes.get(i), user));
        }
        intake.accept("okta", events, records);
        return findings;
    }

    /** tests/schema/correlation/temporal.yml and temporal_ordered.yml: recon commands a, b, c within 5 minutes. */
    @Test
    void temporalNeedsEveryRuleWithinTheTimespanInAnyOrderAndTemporalOrderedInOrder() throws IOException {
        String temporal = """
                title: Recon
                id: 0e95725d-7320-415d-80f7-004da920fc20
                correlation:
                    type: temporal
                    rules:
                        - recon_cmd_a
                        - recon_cmd_b
                        - recon_cmd_c
                    group-by:
                        - actor.alternateId
                    timespan: 5m
                """;
        String ordered = temporal.replace("title: Recon", "title: Recon ordered").replace("fc20", "fc21")
                .replace("type: temporal", "type: temporal_ordered");
        SigmaRules rules = load(temporal, ordered, recon("a", 1, "user.account.list"), recon("b", 2, "group.list"),
                recon("c", 3, "application.list"));
        assertThat(rules.refused()).isEmpty();
        List<Finding> inOrder = runTypes(rules, "h@example.com", List.of("user.account.list", "group.list", "application.list"), 30);
        assertThat(inOrder).extracting(f -> f.attributes().get("correlation_type")).containsExactlyInAnyOrder("temporal", "temporal_ordered");
        List<Finding> shuffled = runTypes(rules, "i@example.com", List.of("application.list", "user.account.list", "group.list"), 30);
        assertThat(shuffled).extracting(f -> f.attributes().get("correlation_type")).containsExactly("temporal");
        assertThat(runTypes(rules, "j@example.com", List.of("user.account.list", "group.list"), 30)).as("two of three").isEmpty();
        assertThat(runTypes(rules, "k@example.com", List.of("user.account.list", "group.list", "application.list"), 200))
                .as("spread over more than 5 minutes").isEmpty();
    }

    /** The specification's field name aliases: one group across rules that name the same value differently. */
    @Test
    void aliasesGroupAcrossFieldsOfDifferentRules() throws IOException {
        String rule = """
                title: Same address in both
                id: 0e95725d-7320-415d-80f7-004da920fc30
                correlation:
                    type: temporal
                    rules:
                        - failed_login
                        - successful_login
                    group-by:
                        - the_user
                    timespan: 10m
                    aliases:
                        the_user:
                            failed_login: actor.alternateId
                            successful_login: actor.alternateId
                """;
        SigmaRules rules = load(rule, FAILED_LOGIN, SUCCESSFUL_LOGIN);
        assertThat(rules.refused()).isEmpty();
        List<Login> logins = List.of(new Login("l-1", "l@example.com", "192.0.2.7", false, 0),
                new Login("l-2", "l@example.com", "192.0.2.8", true, 30), new Login("m-1", "m@example.com", "192.0.2.8", true, 40));
        assertThat(run(rules, logins).findings()).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("group", "the_user=l@example.com"));
    }

    @Test
    void aRuleReferredToByAGeneratingCorrelationStillReportsOnItsOwn() throws IOException {
        String rule = """
                title: Many failed logins
                id: 0e95725d-7320-415d-80f7-004da920fc40
                generate: true
                correlation:
                    type: event_count
                    rules: [failed_login]
                    group-by: [actor.alternateId]
                    timespan: 1h
                    condition:
                        gte: 3
                """;
        Run run = run(load(rule, FAILED_LOGIN), failures("n@example.com", "192.0.2.1", 3, 0, 10));
        assertThat(run.findings()).extracting(Finding::detector).containsExactly("sigma:53ba33fd-3a50-4468-a5ef-c583635cfa92",
                "sigma:0e95725d-7320-415d-80f7-004da920fc40");
    }

    @Test
    void whatCannotBeJudgedOrResolvedIsRefusedWithTheReason() throws IOException {
        String head = "title: c\nid: c-%d\ncorrelation:\n  type: %s\n  rules: [%s]\n  group-by: [actor.alternateId]\n  timespan: %s\n";
        SigmaRules loaded = load(FAILED_LOGIN,
                head.formatted(1, "value_sum", "failed_login", "1h") + "  condition:\n    field: x\n    gt: 5\n",
                head.formatted(2, "event_count", "failed_login", "1h") + "  condition:\n    neq: 5\n",
                head.formatted(3, "event_count", "failed_login", "1h") + "  condition:\n    lt: 5\n",
                head.formatted(4, "event_count", "no_such_rule", "1h") + "  condition:\n    gte: 5\n",
                head.formatted(5, "event_count", "c-6", "1h") + "  condition:\n    gte: 5\n",
                head.formatted(6, "event_count", "c-5", "1h") + "  condition:\n    gte: 5\n",
                head.formatted(7, "event_count", "failed_login", "1 hour") + "  condition:\n    gte: 5\n",
                head.formatted(8, "value_count", "failed_login", "1h") + "  condition:\n    gte: 5\n",
                head.formatted(9, "event_count", "failed_login", "1h") + "  condition:\n    gte: 5000\n",
                head.formatted(10, "event_count", "failed_login", "1h"));
        assertThat(loaded.correlations()).isEmpty();
        assertThat(loaded.refused()).extracting(RuleRefusal::reason).anySatisfy(r -> assertThat(r).contains("'value_sum' is not supported"))
                .anySatisfy(r -> assertThat(r).contains("'neq' is not supported"))
                .anySatisfy(r -> assertThat(r).contains("only an upper bound"))
                .anySatisfy(r -> assertThat(r).contains("rule 'no_such_rule' it refers to is not loaded"))
                .anySatisfy(r -> assertThat(r).contains("cycle"))
                .anySatisfy(r -> assertThat(r).contains("timespan '1 hour'"))
                .anySatisfy(r -> assertThat(r).contains("value_count needs correlation.condition.field"))
                .anySatisfy(r -> assertThat(r).contains("a count above 1024"))
                .anySatisfy(r -> assertThat(r).contains("correlation.condition is required"));
        assertThat(loaded.refused()).allSatisfy(r -> assertThat(r.line()).isPositive());
    }

    @Test
    void groupsAreBounded() throws IOException {
        String rule = """
                title: Many failed logins
                id: 0e95725d-7320-415d-80f7-004da920fc50
                correlation:
                    type: event_count
                    rules: [failed_login]
                    group-by: [actor.alternateId]
                    timespan: 1h
                    condition:
                        gte: 2
                """;
        SigmaRules rules = load(rule, FAILED_LOGIN);
        SigmaDetector detector = SigmaDetector.of(rules);
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        Intake intake = ResponseEngine.builder(PolicyLoader.loadDefault(), clock, new InMemoryLedger(clock)).addDetector(detector).build()
                .intake(EventStore.NONE, CaseStore.NONE, new Intake.Observer() {
                });
        List<IdentityEvent> events = new ArrayList<>();
        List<String> records = new ArrayList<>();
        for (int i = 0; i < CorrelationState.MAX_GROUPS + 500; i++) {
            String user = "u" + i + "@example.com";
            events.add(IdentityEvent.builder("g-" + i, T0.plusMillis(i), "okta", IdentityRef.of(user)).tenant("example.okta.com")
                    .action("user.session.start").build());
            records.add(login("g-" + i, user, "192.0.2.1", false));
        }
        intake.accept("okta", events, records);
        assertThat(detector.correlationGroups("0e95725d-7320-415d-80f7-004da920fc50")).isEqualTo(CorrelationState.MAX_GROUPS);
    }
}

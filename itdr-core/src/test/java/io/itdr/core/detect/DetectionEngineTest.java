package io.itdr.core.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A small mixed stream through the enricher and the full engine. */
class DetectionEngineTest {
    private static final Instant T0 = Instant.parse("2025-03-01T08:00:00Z");
    private static final String PAYMENTS = "arn:aws:iam::111122223333:role/payments-api";
    private static final String CI = "arn:aws:iam::111122223333:role/ci-deployer";
    private static final String LEGACY = "arn:aws:iam::111122223333:user/legacy-export";
    private static final String ADMIN = "arn:aws:iam::111122223333:user/admin";
    private static final IdentityCatalog CATALOG = IdentityCatalog.parse("""
            identities:
              - match: "arn:aws:iam::111122223333:role/payments-*"
                owner: team-payments
                criticality: tier0
                consumers: [payments-api]
                expected_sources:
                  cidrs: [10.20.0.0/16]
              - match: "arn:aws:iam::111122223333:role/ci-*"
                owner: team-platform
                expected_sources:
                  cidrs: [10.30.0.0/16]
              - match: "arn:aws:iam::111122223333:user/legacy-export"
                lifecycle: decommissioned
            """, "catalog.yaml");

    private final Enricher enricher = new Enricher(CATALOG, InventoryLookup.none(), InventoryTagKeys.defaults());

    @Test
    void mixedStreamFiresEachDetectorOnceAndTheCiRunnerNever() {
        // the stream is an hour long: new_source's one-day learning period would cover all of it
        DetectionEngine engine = new DetectionEngine(DetectionSettings.defaults()
                .withNewSource(new DetectionSettings.NewSource(20, 32, Duration.ZERO, 4)), GeoResolver.none());

        List<Finding> findings = run(engine, stream());

        Map<String, Long> byDetector = findings.stream()
                .collect(Collectors.groupingBy(Finding::detector, TreeMap::new, Collectors.counting()));
        assertThat(byDetector).containsExactlyInAnyOrderEntriesOf(Map.of(
                "new_source", 1L, "impossible_travel", 1L, "token_replay", 1L, "platform_finding", 1L,
                "dormant_reactivated", 1L, "privilege_change_then_use", 1L));
        assertThat(findings).noneMatch(f -> f.identity().id().equals(CI));
        // The replayed call is also outside the expected sources; one event gives one replay finding.
        assertThat(findings).filteredOn(f -> f.detector().equals("token_replay"))
                .extracting(f -> f.attributes().get("variant")).containsExactly("multi_source");
        assertThat(findings).filteredOn(f -> f.detector().equals("new_source")).singleElement()
                .satisfies(f -> assertThat(f.confidence()).isEqualTo(0.85));
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.frameworkTags()).isNotEmpty();
            assertThat(f.evidenceEventIds()).isNotEmpty();
            assertThat(f.confidence()).isBetween(0.0, 1.0);
        });
        assertThat(engine.trackedIdentities()).isEqualTo(4);
    }

    @Test
    void findingIdsAreDeterministic() {
        List<String> first = run(new DetectionEngine(DetectionSettings.defaults(), GeoResolver.none()), stream())
                .stream().map(Finding::id).collect(Collectors.toList());
        List<String> second = run(new DetectionEngine(DetectionSettings.defaults(), GeoResolver.none()), stream())
                .stream().map(Finding::id).collect(Collectors.toList());

        assertThat(first).isNotEmpty().doesNotHaveDuplicates().isEqualTo(second);
        assertThat(first).allMatch(id -> id.matches("[0-9a-f]{32}"));
    }

    @Test
    void detectorsRunInTheDocumentedOrder() {
        assertThat(new DetectionEngine(DetectionSettings.defaults(), GeoResolver.none()).detectorIds()).containsExactly(
                "new_source", "impossible_travel", "token_replay", "dormant_reactivated", "privilege_change_then_use",
                "platform_finding", "nhi_behaviour");
    }

    @Test
    void recordOfAnotherIdentityIsRefused() {
        DetectionEngine engine = new DetectionEngine(DetectionSettings.defaults(), GeoResolver.none());
        IdentityEvent event = IdentityEvent.builder("x1", T0, "aws", IdentityRef.of(PAYMENTS)).tenant("111122223333").build();

        assertThatThrownBy(() -> engine.process(event, enricher.enrich("aws", "111122223333", IdentityRef.of(CI))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x1");
    }

    private List<Finding> run(DetectionEngine engine, List<IdentityEvent> events) {
        List<Finding> findings = new ArrayList<>();
        for (IdentityEvent event : events) {
            findings.addAll(engine.process(event, enricher.enrich(event)));
        }
        return findings;
    }

    private static List<IdentityEvent> stream() {
        List<IdentityEvent> events = new ArrayList<>();
        SessionInfo token = new SessionInfo("payments-session", "ASIAPAYMENTS", T0, false);
        Geo virginia = new Geo("US", "us-east-1", "Ashburn", 39.0438, -77.4874);
        for (int i = 0; i < 30; i++) {
            Instant t = T0.plus(Duration.ofMinutes(i));
            events.add(event("pay-" + i, t, PAYMENTS).session(token)
                    .source(new Source("10.20." + (i % 4) + ".10", null, null, virginia, "aws-sdk-java/2.20", null))
                    .workload(new Workload("i-0pay", "ec2", "payments-api")).build());
            events.add(event("ci-" + i, t, CI)
                    .source(new Source("10.30." + i + "." + (i + 1), null, null, null, "github-runner/" + (i % 3), null)).build());
        }
        // the payments token replayed from Amsterdam two minutes later, then used repeatedly
        Geo amsterdam = new Geo("NL", null, "Amsterdam", 52.3676, 4.9041);
        for (int i = 0; i < 5; i++) {
            events.add(event("attack-" + i, T0.plus(Duration.ofMinutes(31 + i)), PAYMENTS).session(token)
                    .source(new Source("203.0.113.7", null, null, amsterdam, "aws-cli/2.15", null)).build());
        }
        events.add(event("guardduty-1", T0.plus(Duration.ofMinutes(40)), PAYMENTS).category(EventCategory.PLATFORM_FINDING)
                .finding(new PlatformFinding("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 0.9, "8.0", null))
                .build());
        // an admin grants the decommissioned user admin rights, and it is used
        events.add(event("grant-1", T0.plus(Duration.ofMinutes(50)), ADMIN).category(EventCategory.PRIVILEGE_CHANGE)
                .action("AttachUserPolicy").target(LEGACY)
                .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AdministratorAccess"), true)).build());
        events.add(event("legacy-1", T0.plus(Duration.ofMinutes(55)), LEGACY).action("CreateAccessKey").build());
        events.add(event("legacy-2", T0.plus(Duration.ofMinutes(56)), LEGACY).action("ListUsers").build());
        return events;
    }

    private static IdentityEvent.Builder event(String id, Instant time, String identity) {
        return IdentityEvent.builder(id, time, "aws", IdentityRef.of(identity)).tenant("111122223333");
    }
}

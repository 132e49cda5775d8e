package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static io.itdr.core.detect.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenReplayDetectorTest {
    private static final SessionInfo TOKEN = new SessionInfo("sess-1", "ASIATEMP1", T0, false);
    private static final Source WORKLOAD_HOST = source("10.1.1.5", 16509L, "aws-sdk-java/2");
    private static final Source ATTACKER = source("203.0.113.7", 64999L, "aws-cli/2");

    private final Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()));

    @Test
    void tokenFromASecondAsnFiresOncePerPairNotPerCall() {
        harness.feed(event(at(0)).session(TOKEN).source(WORKLOAD_HOST).build());
        List<Finding> first = harness.feed(event(at(5)).session(TOKEN).source(ATTACKER).build());
        for (int i = 0; i < 30; i++) {
            harness.feed(event(at(6 + i)).session(TOKEN).source(i % 2 == 0 ? ATTACKER : WORKLOAD_HOST).build());
        }

        assertThat(first).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "multi_source").containsEntry("token", "ASIATEMP1")
                    .containsEntry("first_network", "as:16509").containsEntry("second_network", "as:64999");
            assertThat(f.confidence()).isEqualTo(0.8);
            assertThat(f.evidenceEventIds()).hasSize(2);
            assertThat(f.frameworkTags()).contains("T1550.001", "T1528");
        });
        assertThat(harness.findings()).hasSize(1);
    }

    @Test
    void aThirdNetworkIsAnotherPair() {
        harness.feed(event(at(0)).session(TOKEN).source(WORKLOAD_HOST).build());
        harness.feed(event(at(1)).session(TOKEN).source(ATTACKER).build());
        harness.feed(event(at(2)).session(TOKEN).source(source("198.51.100.3", 64777L, null)).build());
        assertThat(harness.findings()).hasSize(2);
    }

    @Test
    void differentSlash24WithoutAsnFires() {
        harness.feed(event(at(0)).session(TOKEN).source(source("198.51.100.3", null, null)).build());
        assertThat(harness.feed(event(at(1)).session(TOKEN).source(source("198.51.101.3", null, null)).build())).hasSize(1);
    }

    @Test
    void sameNetworkOtherAddressDoesNotFire() {
        harness.feed(event(at(0)).session(TOKEN).source(source("198.51.100.3", null, null)).build());
        assertThat(harness.feed(event(at(1)).session(TOKEN).source(source("198.51.100.200", null, "other/1")).build())).isEmpty();
        harness.feed(event(at(2)).session(TOKEN).source(source("52.1.1.1", 16509L, null)).build());
        // the ASN differs in kind from the /24s: a platform inconsistency, not a replay
        assertThat(harness.findings()).isEmpty();
    }

    @Test
    void serviceCallsOnTheIdentitysBehalfAreNotNetworks() {
        harness.feed(event(at(0)).session(TOKEN).source(source("10.1.1.5", null, null)).build());
        assertThat(harness.feed(event(at(1)).session(TOKEN).source(source("cloudformation.amazonaws.com", null, null)).build())).isEmpty();
    }

    @Test
    void useAfterTheWindowIsNotReplay() {
        harness.feed(event(at(0)).session(TOKEN).source(WORKLOAD_HOST).build());
        assertThat(harness.feed(event(at(61)).session(TOKEN).source(ATTACKER).build())).isEmpty();
    }

    @Test
    void differentTokensFromDifferentNetworksAreNormal() {
        harness.feed(event(at(0)).session(TOKEN).source(WORKLOAD_HOST).build());
        SessionInfo other = new SessionInfo("sess-2", "ASIATEMP2", T0, false);
        assertThat(harness.feed(event(at(1)).session(other).source(ATTACKER).build())).isEmpty();
    }

    @Test
    void sessionIdIsTheKeyWhenNoTokenId() {
        SessionInfo session = new SessionInfo("okta-session-9", null, null, null);
        harness.feed(event(at(0)).session(session).source(WORKLOAD_HOST).build());
        assertThat(harness.feed(event(at(1)).session(session).source(ATTACKER).outcome(Outcome.FAILURE).build()))
                .singleElement().satisfies(f -> assertThat(f.attributes()).containsEntry("token", "okta-session-9"));
    }

    @Test
    void credentialUsedOutsideItsExpectedSourcesFiresOncePerSource() {
        IdentityRecord record = record(List.of("10.1.0.0/16"), List.of());
        harness.feed(event(at(0)).source(WORKLOAD_HOST).build(), record);
        List<Finding> first = harness.feed(event(at(1)).credential(new CredentialRef("AKIA1", "access_key")).source(ATTACKER).build(), record);
        harness.feed(event(at(2)).source(ATTACKER).build(), record);
        harness.feed(event(at(3)).source(source("198.51.100.9", 64777L, null)).build(), record);

        assertThat(first).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "outside_workload").containsEntry("reason", "source");
            assertThat(f.confidence()).isEqualTo(0.6);
            assertThat(f.summary()).contains("credential AKIA1");
        });
        assertThat(harness.findings()).hasSize(2);
    }

    @Test
    void insideTheExpectedSourcesNeverFires() {
        IdentityRecord record = record(List.of("10.1.0.0/16"), List.of("payments-api"));
        for (int i = 0; i < 50; i++) {
            harness.feed(event(at(i)).session(TOKEN).source(source("10.1." + i + ".9", null, null))
                    .workload(new Workload("i-0" + i, "ec2", "payments-api")).build(), record);
        }
        assertThat(harness.findings()).isEmpty();
    }

    @Test
    void expectedNetworksCountAsOneSoTheyCannotHideAReplay() {
        IdentityRecord record = record(List.of("10.1.0.0/16"), List.of());
        for (int i = 0; i < 10; i++) {
            // NAT gateways in several zones: one token, many /24s, all expected
            harness.feed(event(at(i)).session(TOKEN).source(source("10.1." + i + ".1", null, null)).build(), record);
        }
        List<Finding> findings = harness.feed(event(at(11)).session(TOKEN).source(source("203.0.113.7", null, null)).build(), record);

        assertThat(findings).filteredOn(f -> f.attributes().get("variant").equals("multi_source")).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("first_network", "expected_sources")
                        .containsEntry("second_network", "v4:203.0.113.0/24"));
    }

    @Test
    void workloadNotAmongTheConsumersFires() {
        IdentityRecord record = record(List.of(), List.of("payments-api", "payments-batch"));
        assertThat(harness.feed(event(at(0)).workload(new Workload("payments-batch", "k8s", null)).build(), record)).isEmpty();

        List<Finding> findings = harness.feed(event(at(1)).workload(new Workload("i-0bad", "ec2", "crypto-miner")).build(), record);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("reason", "workload").containsEntry("workload", "i-0bad")
                    .containsEntry("consumers", "payments-api,payments-batch");
            assertThat(f.confidence()).isEqualTo(0.55);
        });
    }

    @Test
    void unknownWorkloadOrConsumersCannotBeJudged() {
        assertThat(harness.feed(event(at(0)).workload(new Workload("i-0x", "ec2", null)).build(), Fixtures.record())).isEmpty();
        IdentityRecord record = record(List.of(), List.of("payments-api"));
        assertThat(harness.feed(event(at(1)).build(), record)).isEmpty();
    }

    private static IdentityRecord record(List<String> cidrs, List<String> consumers) {
        return Fixtures.record(new ExpectedSources(cidrs, List.of(), List.of(), List.of()), consumers, Lifecycle.ACTIVE, List.of());
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}

package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static io.itdr.core.detect.Fixtures.record;
import static io.itdr.core.detect.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewSourceDetectorTest {
    private static final Source HOME = source("10.1.1.5", 64500L, "aws-sdk-java/2.20");

    private final Fixtures.Harness harness = new Fixtures.Harness(new NewSourceDetector(new DetectionSettings.NewSource(5, 32)));

    @Test
    void newNetworkAfterLearningFiresOnceForABurst() {
        learn(HOME);
        Source stranger = source("203.0.113.7", 64999L, "aws-sdk-java/2.20");

        List<Finding> first = harness.feed(event(at(100)).source(stranger).build());
        for (int i = 0; i < 50; i++) {
            assertThat(harness.feed(event(at(101 + i)).source(stranger).build())).isEmpty();
        }

        assertThat(first).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo("new_source");
            assertThat(f.confidence()).isEqualTo(0.5);
            assertThat(f.attributes()).containsEntry("new_network", "true").containsEntry("network", "as:64999")
                    .containsEntry("new_fingerprint", "true").containsEntry("expected_sources", "not_stated");
            assertThat(f.frameworkTags()).contains("OWASP-NHI2", "T1078.004");
            assertThat(f.evidenceEventIds()).hasSize(1);
        });
        assertThat(harness.findings()).hasSize(1);
    }

    @Test
    void nothingFiresWhileLearning() {
        for (int i = 0; i < 5; i++) {
            assertThat(harness.feed(event(at(i)).source(source("198.51.100." + i, 65000L + i, "tool/" + i)).build())).isEmpty();
        }
    }

    @Test
    void knownSourceNeverFires() {
        learn(HOME);
        for (int i = 0; i < 100; i++) {
            assertThat(harness.feed(event(at(100 + i)).source(HOME).build())).isEmpty();
        }
    }

    @Test
    void onlyANewUserAgentIsLowConfidence() {
        learn(HOME);
        Finding finding = harness.feed(event(at(100)).source(source("10.1.1.5", 64500L, "python-requests/2.31")).build()).get(0);

        assertThat(finding.confidence()).isEqualTo(0.25);
        assertThat(finding.attributes()).containsEntry("new_network", "false").containsEntry("new_fingerprint", "true");
    }

    @Test
    void outsideTheExpectedSourcesFromAProxyIsHigherConfidence() {
        IdentityRecord record = record(expected("10.1.0.0/16"), List.of(), Lifecycle.ACTIVE, List.of());
        learn(HOME, record);
        Source tor = new Source("203.0.113.7", 64999L, null, null, "aws-sdk-java/2.20", true);

        Finding finding = harness.feed(event(at(100)).source(tor).build(), record).get(0);

        assertThat(finding.confidence()).isEqualTo(0.85);
        assertThat(finding.attributes()).containsEntry("expected_sources", "outside").containsEntry("proxy", "true");
    }

    @Test
    void benignCiRunnerFromItsFixedRangeNeverFires() {
        IdentityRecord ci = record(expected("10.20.0.0/16"), List.of(), Lifecycle.ACTIVE, List.of());
        // every run comes from another runner in the range, so every /24 and fingerprint is new
        for (int i = 0; i < 500; i++) {
            Source runner = source("10.20." + (i % 256) + "." + (i * 7 % 250 + 1), null, "github-runner/" + (i % 9));
            assertThat(harness.feed(event(at(i)).source(runner).build(), ci)).isEmpty();
        }
    }

    @Test
    void failedEventsNeitherFireNorTeach() {
        learn(HOME);
        Source stranger = source("203.0.113.7", 64999L, "curl/8");
        assertThat(harness.feed(event(at(100)).source(stranger).outcome(Outcome.FAILURE).build())).isEmpty();
        assertThat(harness.feed(event(at(101)).source(stranger).build())).hasSize(1);
    }

    @Test
    void newCountryFromTheResolverFires() {
        GeoResolver resolver = s -> Optional.of(new Geo(s.ip().startsWith("10.") ? "US" : "KP", null, null, null, null));
        Fixtures.Harness geoHarness = new Fixtures.Harness(new NewSourceDetector(new DetectionSettings.NewSource(5, 32)), resolver);
        for (int i = 0; i < 5; i++) {
            geoHarness.feed(event(at(i)).source(HOME).build());
        }
        // same ASN and agent, so only the country is new
        Finding finding = geoHarness.feed(event(at(100)).source(source("175.45.176.1", 64500L, "aws-sdk-java/2.20")).build()).get(0);

        assertThat(finding.attributes()).containsEntry("new_country", "true").containsEntry("country", "KP")
                .containsEntry("new_network", "false");
        assertThat(finding.confidence()).isEqualTo(0.5);
    }

    @Test
    void unknownSourcesAreIgnored() {
        learn(HOME);
        assertThat(harness.feed(event(at(100)).source(Source.UNKNOWN).build())).isEmpty();
    }

    /**
     * The generated estate's CI identities (estate-generator, seed 7): every job runs on a fresh
     * GitHub-hosted runner in another /24, no ASN known without network data. With the default
     * settings, the first day only teaches; after four address blocks a fifth is no news, while a
     * new owner (an ASN) still is.
     */
    @Test
    void anIdentityWhoseAddressesChurnIsJudgedByOwnerCountryAndClient() {
        Fixtures.Harness defaults = new Fixtures.Harness(new NewSourceDetector(DetectionSettings.NewSource.defaults()));
        for (int i = 0; i < 30; i++) { // the first day: only learning, whatever the count
            assertThat(defaults.feed(event(T0.plus(java.time.Duration.ofMinutes(30L * i)))
                    .source(source("20.1." + i + ".9", null, "aws-cli/2.15")).build())).isEmpty();
        }
        java.time.Instant day2 = T0.plus(java.time.Duration.ofDays(2));
        assertThat(defaults.feed(event(day2).source(source("20.9.77.9", null, "aws-cli/2.15")).build()))
                .as("one more runner address").isEmpty();
        assertThat(defaults.feed(event(day2.plusSeconds(60)).source(source("20.9.78.9", null, "curl/8.4")).build()))
                .as("a new client is still news").singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("new_network", "false").containsEntry("new_fingerprint", "true"));
        assertThat(defaults.feed(event(day2.plusSeconds(120)).source(source("203.0.113.7", 64999L, "aws-cli/2.15")).build()))
                .as("a new network owner").singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("new_network", "true").containsEntry("network", "as:64999"));
    }

    @Test
    void anIdentityWithFewAddressesStillReportsANewOne() {
        Fixtures.Harness defaults = new Fixtures.Harness(new NewSourceDetector(DetectionSettings.NewSource.defaults()));
        for (int i = 0; i < 30; i++) { // a day and a half from two NAT addresses
            assertThat(defaults.feed(event(T0.plus(java.time.Duration.ofHours(i))).source(source("198.51.100." + (1 + i % 2), null,
                    "aws-sdk-java/2.20")).build())).isEmpty();
        }
        assertThat(defaults.feed(event(T0.plus(java.time.Duration.ofDays(2))).source(source("192.0.2.10", null, "aws-sdk-java/2.20"))
                .build())).singleElement().satisfies(f -> assertThat(f.attributes()).containsEntry("new_network", "true"));
    }

    private void learn(Source source) {
        learn(source, record());
    }

    private void learn(Source source, IdentityRecord record) {
        for (int i = 0; i < 5; i++) {
            harness.feed(event(at(i)).source(source).build(), record);
        }
    }

    private static ExpectedSources expected(String cidr) {
        return new ExpectedSources(List.of(cidr), List.of(), List.of(), List.of());
    }

    private static Instant at(int minutes) {
        return T0.plusSeconds(60L * minutes);
    }
}

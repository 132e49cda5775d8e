package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static io.itdr.core.detect.Fixtures.located;
import static io.itdr.core.detect.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImpossibleTravelDetectorTest {
    private static final Source NEW_YORK = located("198.51.100.1", "US", "New York", 40.7128, -74.0060);
    private static final Source LONDON = located("203.0.113.1", "GB", "London", 51.5074, -0.1278);
    private static final Source PARIS = located("192.0.2.1", "FR", "Paris", 48.8566, 2.3522);
    private static final Source FRANKFURT = located("192.0.2.99", "DE", "Frankfurt", 50.1109, 8.6821);

    private final Fixtures.Harness harness = new Fixtures.Harness(newDetector());

    @Test
    void newYorkToLondonInAnHourFires() {
        harness.feed(event(T0).source(NEW_YORK).build());
        List<Finding> findings = harness.feed(event(T0.plus(Duration.ofHours(1))).source(LONDON).build());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo("impossible_travel");
            assertThat(Double.parseDouble(f.attributes().get("distance_km"))).isCloseTo(5570, within(15.0));
            assertThat(f.attributes()).containsEntry("from", "New York, US").containsEntry("to", "London, GB");
            assertThat(f.evidenceEventIds()).hasSize(2);
            assertThat(f.confidence()).isBetween(0.5, 0.95);
        });
    }

    @Test
    void plausibleFlightDoesNotFire() {
        harness.feed(event(T0).source(NEW_YORK).build());
        assertThat(harness.feed(event(T0.plus(Duration.ofHours(8))).source(LONDON).build())).isEmpty();
    }

    @Test
    void shortHopsNeverFireEvenAtOnce() {
        harness.feed(event(T0).source(PARIS).build());
        assertThat(ImpossibleTravelDetector.distanceKm(48.8566, 2.3522, 50.1109, 8.6821)).isLessThan(500);
        assertThat(harness.feed(event(T0).source(FRANKFURT).build())).isEmpty();
    }

    @Test
    void simultaneousFarEventsAreInfiniteSpeed() {
        harness.feed(event(T0).source(NEW_YORK).build());
        Finding finding = harness.feed(event(T0).source(LONDON).build()).get(0);
        assertThat(finding.attributes()).containsEntry("speed_kmh", "inf");
        assertThat(finding.confidence()).isCloseTo(0.95, within(1e-9));
    }

    @Test
    void confidenceGrowsWithSpeed() {
        Fixtures.Harness slow = new Fixtures.Harness(newDetector());
        slow.feed(event(T0).source(NEW_YORK).build());
        double slowConfidence = slow.feed(event(T0.plus(Duration.ofHours(5))).source(LONDON).build()).get(0).confidence();
        harness.feed(event(T0).source(NEW_YORK).build());
        double fastConfidence = harness.feed(event(T0.plus(Duration.ofMinutes(10))).source(LONDON).build()).get(0).confidence();

        assertThat(fastConfidence).isGreaterThan(slowConfidence);
    }

    @Test
    void alternatingBetweenTwoPlacesIsOneIncident() {
        for (int i = 0; i < 20; i++) {
            harness.feed(event(T0.plus(Duration.ofMinutes(i))).source(i % 2 == 0 ? NEW_YORK : LONDON).build());
        }
        assertThat(harness.findings()).hasSize(1);
    }

    @Test
    void samePairIsReportedAgainAfterTheSuppressionWindow() {
        harness.feed(event(T0).source(NEW_YORK).build());
        harness.feed(event(T0.plus(Duration.ofMinutes(30))).source(LONDON).build());
        Instant dayLater = T0.plus(Duration.ofHours(25));
        harness.feed(event(dayLater).source(NEW_YORK).build()); // a plausible flight back
        harness.feed(event(dayLater.plus(Duration.ofMinutes(30))).source(LONDON).build());
        assertThat(harness.findings()).hasSize(2);
    }

    @Test
    void resolverLocatesSourcesWithoutPlatformCoordinates() {
        GeoResolver resolver = s -> Optional.of("198.51.100.1".equals(s.ip())
                ? new Geo("US", null, "New York", 40.7128, -74.0060) : new Geo("JP", null, "Tokyo", 35.6762, 139.6503));
        Fixtures.Harness resolved = new Fixtures.Harness(newDetector(), resolver);
        resolved.feed(event(T0).source(source("198.51.100.1", null, null)).build());
        List<Finding> findings = resolved.feed(event(T0.plus(Duration.ofHours(2))).source(source("203.0.113.1", null, null)).build());

        assertThat(findings).singleElement().satisfies(f -> assertThat(f.attributes()).containsEntry("to", "Tokyo, JP"));
    }

    @Test
    void platformCoordinatesWinOverTheResolver() {
        GeoResolver misleading = s -> Optional.of(new Geo("AU", null, "Sydney", -33.8688, 151.2093));
        Fixtures.Harness resolved = new Fixtures.Harness(newDetector(), misleading);
        resolved.feed(event(T0).source(PARIS).build());
        assertThat(resolved.feed(event(T0.plus(Duration.ofMinutes(5))).source(PARIS).build())).isEmpty();
    }

    @Test
    void failedEventsAndExpectedSourcesAreNotCompared() {
        harness.feed(event(T0).source(NEW_YORK).build());
        assertThat(harness.feed(event(T0.plus(Duration.ofMinutes(5))).source(LONDON).outcome(Outcome.FAILURE).build())).isEmpty();

        IdentityRecord multiRegion = Fixtures.record(new ExpectedSources(List.of(), List.of(), List.of(), List.of("US", "GB")),
                List.of(), Lifecycle.ACTIVE, List.of());
        Fixtures.Harness expected = new Fixtures.Harness(newDetector());
        expected.feed(event(T0).source(NEW_YORK).build(), multiRegion);
        assertThat(expected.feed(event(T0.plus(Duration.ofMinutes(5))).source(LONDON).build(), multiRegion)).isEmpty();
    }

    @Test
    void expectedPlaceStillAnchorsAJumpToAnUnexpectedOne() {
        IdentityRecord usOnly = Fixtures.record(new ExpectedSources(List.of(), List.of(), List.of(), List.of("US")),
                List.of(), Lifecycle.ACTIVE, List.of());
        harness.feed(event(T0).source(NEW_YORK).build(), usOnly);
        assertThat(harness.feed(event(T0.plus(Duration.ofMinutes(20))).source(LONDON).build(), usOnly)).hasSize(1);
    }

    @Test
    void haversineMatchesAKnownDistance() {
        // Paris–London is about 344 km
        assertThat(ImpossibleTravelDetector.distanceKm(48.8566, 2.3522, 51.5074, -0.1278)).isCloseTo(343.5, within(2.0));
        assertThat(ImpossibleTravelDetector.distanceKm(10, 20, 10, 20)).isZero();
    }

    private static ImpossibleTravelDetector newDetector() {
        return new ImpossibleTravelDetector(DetectionSettings.ImpossibleTravel.defaults());
    }
}

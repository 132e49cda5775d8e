package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.PlatformFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlatformFindingDetectorTest {
    private static final String EXFILTRATION = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS";

    private final Fixtures.Harness harness = new Fixtures.Harness(
            new PlatformFindingDetector(DetectionSettings.PlatformFindings.defaults()));

    @Test
    void passesThePlatformsConfidenceAndType() {
        List<Finding> findings = harness.feed(finding(at(0), EXFILTRATION, 1.0));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo("platform_finding");
            assertThat(f.confidence()).isEqualTo(1.0);
            assertThat(f.attributes()).containsEntry("finding_type", EXFILTRATION).containsEntry("severity", "HIGH")
                    .containsEntry("description", "credentials used from outside AWS");
            assertThat(f.summary()).contains("aws reported " + EXFILTRATION);
        });
    }

    @Test
    void repeatsOfAnOpenFindingAreOneIncident() {
        harness.feed(finding(at(0), EXFILTRATION, 0.8));
        for (int i = 1; i <= 10; i++) {
            assertThat(harness.feed(finding(at(i * 30), EXFILTRATION, 0.8))).isEmpty();
        }
        assertThat(harness.feed(finding(at(10 * 30 + 61), EXFILTRATION, 0.8))).hasSize(1);
    }

    @Test
    void anotherTypeIsAnotherFinding() {
        harness.feed(finding(at(0), EXFILTRATION, 0.8));
        assertThat(harness.feed(finding(at(1), "Discovery:IAMUser/AnomalousBehavior", 0.5))).hasSize(1);
    }

    @Test
    void ordinaryEventsAreIgnored() {
        assertThat(harness.feed(event(at(0)).build())).isEmpty();
    }

    static IdentityEvent finding(Instant time, String type, double confidence) {
        return event(time).category(EventCategory.PLATFORM_FINDING).action("GuardDutyFinding")
                .finding(new PlatformFinding(type, confidence, "HIGH", "credentials used from outside AWS")).build();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}

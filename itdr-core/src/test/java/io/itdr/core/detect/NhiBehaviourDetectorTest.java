package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Finding;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NhiBehaviourDetectorTest {
    private final Fixtures.Harness harness = new Fixtures.Harness(new NhiBehaviourDetector(DetectionSettings.NhiBehaviour.defaults()));

    @Test
    void firstSensitiveActionAfterTheLearningPeriodFiresWithItsSensitivity() {
        harness.feed(call(T0, "s3:GetObject", null));
        harness.feed(call(T0.plus(Duration.ofDays(8)), "s3:GetObject", null));

        List<Finding> findings = harness.feed(call(T0.plus(Duration.ofDays(8)).plusSeconds(60), "cloudtrail:StopLogging", null));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "first_sensitive_action").containsEntry("family", "defense_evasion");
            assertThat(f.confidence()).isEqualTo(0.9);
        });
        assertThat(harness.feed(call(T0.plus(Duration.ofDays(9)), "cloudtrail:StopLogging", null))).as("known now").isEmpty();
    }

    @Test
    void nothingIsNewDuringTheLearningPeriodInEventTime() {
        harness.feed(call(T0, "s3:GetObject", null));
        assertThat(harness.feed(call(T0.plus(Duration.ofDays(6)), "iam:CreateAccessKey", null))).isEmpty();
        assertThat(harness.feed(call(T0.plus(Duration.ofDays(6)), "secretsmanager:GetSecretValue", null))).isEmpty();
    }

    @Test
    void oneIncidentReportsOnlyMoreSensitiveFirstUses() {
        harness.feed(call(T0, "s3:GetObject", null));
        Instant later = T0.plus(Duration.ofDays(10));
        assertThat(harness.feed(call(later, "ssm:GetParameter", null))).hasSize(1); // 0.4
        assertThat(harness.feed(call(later.plusSeconds(10), "ec2:RunInstances", null))).as("not more sensitive").isEmpty();
        assertThat(harness.feed(call(later.plusSeconds(20), "iam:CreateAccessKey", null))).singleElement()
                .satisfies(f -> assertThat(f.confidence()).isEqualTo(0.8));
        assertThat(harness.feed(call(later.plus(Duration.ofHours(2)), "ssm:SendCommand", null))).as("a new incident").hasSize(1);
    }

    @Test
    void secretsReadAcrossManyResourcesInAShortWindowFanOut() {
        List<Finding> findings = List.of();
        for (int i = 0; i < 10; i++) {
            findings = harness.feed(call(T0.plusSeconds(i * 5), "secretsmanager:GetSecretValue", Map.of("resource", "prod/db-" + i)));
            if (i < 9) {
                assertThat(findings).isEmpty();
            }
        }
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "fan_out").containsEntry("family", "secret_read")
                    .containsEntry("resources", "10");
            assertThat(f.evidenceEventIds()).hasSize(10);
        });
        assertThat(harness.feed(call(T0.plusSeconds(60), "secretsmanager:GetSecretValue", Map.of("resource", "prod/db-99"))))
                .as("once per incident").isEmpty();
    }

    @Test
    void aBulkReadCountsEveryResourceItNames() {
        harness.feed(call(T0, "ssm:GetParameters", Map.of("resource", "/app/a,/app/b,/app/c,/app/d,/app/e")));
        List<Finding> findings = harness.feed(call(T0.plusSeconds(5), "ssm:GetParameters", Map.of("resource", "/app/f,/app/g,/app/h,/app/i,/app/j")));
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("resources", "10");
            assertThat(f.evidenceEventIds()).hasSize(2);
        });
    }

    @Test
    void theSameSecretReadRepeatedlyIsNoFanOut() {
        for (int i = 0; i < 30; i++) {
            assertThat(harness.feed(call(T0.plusSeconds(i), "secretsmanager:GetSecretValue", Map.of("resource", "prod/db")))).isEmpty();
        }
    }

    @Test
    void callsInManyRegionsFanOut() {
        List<Finding> last = List.of();
        for (String region : List.of("us-east-1", "eu-west-1", "ap-south-1", "sa-east-1")) {
            last = harness.feed(call(T0, "ec2:DescribeInstances", Map.of("aws_region", region)));
        }
        assertThat(last).singleElement().satisfies(f -> assertThat(f.attributes()).containsEntry("regions", "4"));
    }

    @Test
    void aBurstOfRefusalsIsEnumeration() {
        List<Finding> last = List.of();
        for (int i = 0; i < 10; i++) {
            last = harness.feed(event(T0.plusSeconds(i)).action("ec2:DescribeInstanceAttribute").outcome(Outcome.FAILURE)
                    .attributes(Map.of("error_code", "Client.UnauthorizedOperation")).build());
        }
        assertThat(last).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "access_denied_burst").containsEntry("refusals", "10");
            assertThat(f.confidence()).isEqualTo(0.5);
        });
        // refusals for other reasons, and refusals spread over more than the window, are not a burst
        Fixtures.Harness other = new Fixtures.Harness(new NhiBehaviourDetector(DetectionSettings.NhiBehaviour.defaults()));
        for (int i = 0; i < 20; i++) {
            assertThat(other.feed(event(T0.plusSeconds(i)).action("s3:GetObject").outcome(Outcome.FAILURE)
                    .attributes(Map.of("error_code", "NoSuchKey")).build())).isEmpty();
            assertThat(other.feed(event(T0.plus(Duration.ofMinutes(11L * i))).action("s3:GetObject").outcome(Outcome.FAILURE)
                    .attributes(Map.of("error_code", "AccessDenied")).build())).isEmpty();
        }
    }

    @Test
    void stateStaysWithinItsCaps() {
        for (int i = 0; i < 1000; i++) {
            harness.feed(call(T0.plusSeconds(i), "svc:Action" + i, Map.of("resource", "r" + i, "aws_region", "r-" + (i % 3))));
        }
        NhiBehaviourDetector.Repertoire r = harness.state(Fixtures.ROLE);
        assertThat(r.actions.size()).isEqualTo(DetectionSettings.NhiBehaviour.defaults().actionsRemembered());
        assertThat(r.sightings.size()).isLessThanOrEqualTo(NhiBehaviourDetector.RECENT);
    }

    @Test
    void theSensitivityTableKnowsVersionedLambdaNames() {
        assertThat(SensitiveActions.of("lambda:UpdateFunctionCode20150331v2").family()).isEqualTo("execution");
        assertThat(SensitiveActions.of("s3:GetObject")).isNull();
    }

    private static IdentityEvent call(Instant time, String action, Map<String, String> attributes) {
        return event(time).action(action).attributes(attributes).build();
    }
}

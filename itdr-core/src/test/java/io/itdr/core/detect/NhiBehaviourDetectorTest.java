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

    /**
     * Stratus Red Team's aws.execution.ec2-user-data detonation (corpus, source DataDog/stratus-red-team
     * docs/detonation-logs): the IAM user polls ec2:DescribeInstances 32 times in under a minute
     * around the user-data change. Ten discovery calls within the window are a burst; later ones are
     * more of it (repeats), not new findings.
     */
    @Test
    void aBurstOfDiscoveryCallsIsReportedOnceAndLaterCallsAreRepeats() {
        List<Finding> last = List.of();
        for (int i = 0; i < 10; i++) {
            last = harness.feed(call(T0.plusSeconds(2L * i), "ec2:DescribeInstances", Map.of("aws_region", "us-east-1")));
            if (i < 9) {
                assertThat(last).isEmpty();
            }
        }
        assertThat(last).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "discovery_burst").containsEntry("calls", "10")
                    .containsEntry("services", "ec2");
            assertThat(f.confidence()).isEqualTo(0.3);
            assertThat(f.evidenceEventIds()).hasSize(10);
        });
        assertThat(harness.feed(call(T0.plusSeconds(30), "ec2:DescribeInstances", null))).isEmpty();
        assertThat(harness.lastRepeats()).containsExactly(new Repeat(NhiBehaviourDetector.ID, "discovery_burst"));
    }

    @Test
    void dataReadsAndSlowDiscoveryAreNoBurst() {
        for (int i = 0; i < 30; i++) {
            assertThat(harness.feed(call(T0.plusSeconds(i), "s3:GetObject", null))).isEmpty();
            assertThat(harness.feed(call(T0.plusSeconds(i), "ecr:GetDownloadUrlForLayer", null))).isEmpty();
        }
        Fixtures.Harness slow = new Fixtures.Harness(new NhiBehaviourDetector(DetectionSettings.NhiBehaviour.defaults()));
        for (int i = 0; i < 30; i++) { // one every two minutes: at most 5 in any 10-minute window
            assertThat(slow.feed(call(T0.plus(Duration.ofMinutes(2L * i)), "ec2:DescribeInstances", null))).isEmpty();
        }
        Fixtures.Harness nine = new Fixtures.Harness(new NhiBehaviourDetector(DetectionSettings.NhiBehaviour.defaults()));
        for (int i = 0; i < 9; i++) {
            assertThat(nine.feed(call(T0.plusSeconds(i), "iam:ListRoles", null))).isEmpty();
        }
    }

    @Test
    void whatCountsAsDiscovery() {
        assertThat(NhiBehaviourDetector.discovery("ec2:DescribeInstances")).isTrue();
        assertThat(NhiBehaviourDetector.discovery("ssm:DescribeInstanceInformation")).isTrue();
        assertThat(NhiBehaviourDetector.discovery("bedrock:GetFoundationModelAvailability")).isTrue();
        assertThat(NhiBehaviourDetector.discovery("sts:GetCallerIdentity")).isTrue();
        assertThat(NhiBehaviourDetector.discovery("s3:GetBucketPolicy")).isTrue();
        assertThat(NhiBehaviourDetector.discovery("s3:GetObject")).isFalse();
        assertThat(NhiBehaviourDetector.discovery("s3:ListObjectsV2")).isFalse();
        assertThat(NhiBehaviourDetector.discovery("dynamodb:GetItem")).isFalse();
        assertThat(NhiBehaviourDetector.discovery("sts:GetSessionToken")).isFalse();
        assertThat(NhiBehaviourDetector.discovery("iam:Listen")).as("a verb, then a capital").isFalse();
        assertThat(NhiBehaviourDetector.discovery("ec2:RunInstances")).isFalse();
    }

    /**
     * Stratus Red Team's aws.credential-access.secretsmanager-retrieve-secrets detonation (corpus):
     * secretsmanager:ListSecrets, then GetSecretValue on what it listed. A workload reads the
     * secrets it knows by name; listing first and reading is harvesting.
     */
    @Test
    void secretsReadAfterListingThemAreHarvesting() {
        harness.feed(call(T0, "secretsmanager:ListSecrets", null));
        List<Finding> findings = harness.feed(call(T0.plusSeconds(2), "secretsmanager:GetSecretValue", Map.of("resource", "stratus-a")));
        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "read_after_discovery").containsEntry("discovery_calls", "1");
            assertThat(f.confidence()).isEqualTo(0.6);
            assertThat(f.evidenceEventIds()).hasSize(2);
        });
        assertThat(harness.feed(call(T0.plusSeconds(3), "secretsmanager:GetSecretValue", Map.of("resource", "stratus-b")))).isEmpty();
        assertThat(harness.lastRepeats()).contains(new Repeat(NhiBehaviourDetector.ID, "read_after_discovery"));
    }

    @Test
    void secretsReadWithoutListingOrAfterAnotherServicesListingAreNoHarvest() {
        assertThat(harness.feed(call(T0, "secretsmanager:GetSecretValue", Map.of("resource", "app/db")))).isEmpty();
        Fixtures.Harness other = new Fixtures.Harness(new NhiBehaviourDetector(DetectionSettings.NhiBehaviour.defaults()));
        other.feed(call(T0, "ec2:DescribeInstances", null));
        assertThat(other.feed(call(T0.plusSeconds(2), "secretsmanager:GetSecretValue", Map.of("resource", "app/db")))).isEmpty();
        Fixtures.Harness stale = new Fixtures.Harness(new NhiBehaviourDetector(DetectionSettings.NhiBehaviour.defaults()));
        stale.feed(call(T0, "secretsmanager:ListSecrets", null));
        assertThat(stale.feed(call(T0.plus(Duration.ofMinutes(11)), "secretsmanager:GetSecretValue", Map.of("resource", "app/db"))))
                .as("listed longer ago than the window").isEmpty();
    }

    @Test
    void moreOfAFanOutIsARepeat() {
        for (int i = 0; i < 10; i++) {
            harness.feed(call(T0.plusSeconds(i), "secretsmanager:GetSecretValue", Map.of("resource", "prod/db-" + i)));
        }
        harness.feed(call(T0.plusSeconds(30), "secretsmanager:GetSecretValue", Map.of("resource", "prod/db-10")));
        assertThat(harness.lastRepeats()).containsExactly(new Repeat(NhiBehaviourDetector.ID, "fan_out"));
        harness.feed(call(T0.plusSeconds(31), "s3:GetObject", Map.of("resource", "bucket/key")));
        assertThat(harness.lastRepeats()).as("not a sensitive read").isEmpty();
    }

    @Test
    void stateStaysWithinItsCaps() {
        for (int i = 0; i < 1000; i++) {
            harness.feed(call(T0.plusSeconds(i), "svc:Action" + i, Map.of("resource", "r" + i, "aws_region", "r-" + (i % 3))));
        }
        IdentityState r = harness.state(Fixtures.ROLE);
        assertThat(SmallSet.size(r.actions)).isEqualTo(DetectionSettings.NhiBehaviour.defaults().actionsRemembered());
        assertThat(r.sightings.size()).isLessThanOrEqualTo(NhiBehaviourDetector.RECENT);
        for (int i = 0; i < 1000; i++) {
            harness.feed(call(T0.plusSeconds(1000 + i), "ec2:DescribeThing" + (i % 7), null));
        }
        assertThat(r.discoveries.size()).isLessThanOrEqualTo(NhiBehaviourDetector.RECENT);
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

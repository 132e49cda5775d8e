package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static io.itdr.core.detect.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.enrich.NetworkDirectory;
import io.itdr.core.enrich.NetworkDirectoryFixtures;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in detectors on real platform semantics: IAM paths, managed-policy power, trust
 * policies toward other accounts, long-term keys, VPC endpoints and NAT gateways, instance
 * credentials, impossible travel located by a MaxMind-format database.
 */
class RealSemanticsTest {
    private static final String ADMIN = "arn:aws:iam::111122223333:user/admin";
    /** CloudTrail's sessionIssuer ARN keeps the path; AttachRolePolicy names only the role. */
    private static final String SERVICE_ROLE = "arn:aws:iam::111122223333:role/service-role/etl-runner";
    private static final String SERVICE_ROLE_WITHOUT_PATH = "arn:aws:iam::111122223333:role/etl-runner";

    @TempDir
    Path dir;
    private NetworkDirectory network;

    @BeforeEach
    void openNetworkData() throws IOException {
        network = NetworkDirectory.open(NetworkDirectoryFixtures.files(dir));
    }

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void administratorAccessAttachedToARoleUnderAPathIsFoundWhenTheRoleUsesIt() {
        Fixtures.Harness harness = new Fixtures.Harness(new PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse.defaults()));
        harness.feed(event(ADMIN, at(0)).category(EventCategory.PRIVILEGE_CHANGE).action("iam:AttachRolePolicy")
                .target(SERVICE_ROLE_WITHOUT_PATH)
                .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AdministratorAccess"), true)).build());

        List<Finding> findings = harness.feed(event(SERVICE_ROLE, at(2)).action("iam:CreateUser").build());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.identity().id()).isEqualTo(SERVICE_ROLE);
            assertThat(f.attributes()).containsEntry("administrative", "true");
            assertThat(f.confidence()).isEqualTo(0.8);
        });
    }

    @Test
    void readOnlyAccessIsAGrantButNotAdministrative() {
        Fixtures.Harness harness = new Fixtures.Harness(new PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse.defaults()));
        harness.feed(event(ADMIN, at(0)).category(EventCategory.PRIVILEGE_CHANGE).action("iam:AttachRolePolicy")
                .target(SERVICE_ROLE_WITHOUT_PATH)
                .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"), true)).build());

        assertThat(harness.feed(event(SERVICE_ROLE, at(2)).build())).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("administrative", "false"));
    }

    @Test
    void trustPolicyOpenedToAForeignAccountIsReportedOnce() {
        Fixtures.Harness harness = new Fixtures.Harness(new PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse.defaults()));
        IdentityEvent.Builder backdoor = event(ADMIN, at(0)).category(EventCategory.PRIVILEGE_CHANGE).action("iam:UpdateAssumeRolePolicy")
                .target(SERVICE_ROLE_WITHOUT_PATH).privilege(new PrivilegeChange(List.of("sts:AssumeRole"), true))
                .attributes(Map.of("trust_accounts", "111122223333,193672423079"));

        List<Finding> findings = harness.feed(backdoor.build());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "foreign_trust").containsEntry("foreign_accounts", "193672423079");
            assertThat(f.confidence()).isEqualTo(0.75);
        });
        assertThat(harness.feed(event(ADMIN, at(1)).category(EventCategory.PRIVILEGE_CHANGE).action("iam:UpdateAssumeRolePolicy")
                .target(SERVICE_ROLE_WITHOUT_PATH).attributes(Map.of("trust_accounts", "111122223333,193672423079")).build()))
                .as("the same trust again").isEmpty();
        assertThat(harness.feed(event(ADMIN, at(2)).category(EventCategory.IDENTITY_CHANGE).action("iam:CreateRole")
                .target("arn:aws:iam::111122223333:role/own").attributes(Map.of("trust_accounts", "111122223333")).build()))
                .as("a role trusting its own account").isEmpty();
    }

    @Test
    void oneInstanceCallingThroughAVpcEndpointAndANatGatewayIsNoReplay() {
        Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()), network);
        SessionInfo session = new SessionInfo("i-0abc1234def567890", "ASIAEXAMPLE1", T0, false);
        // KMS through the VPC endpoint: CloudTrail gives the private address and vpcEndpointId
        harness.feed(instanceCall(at(0), session, "10.0.3.17", Map.of("vpc_endpoint_id", "vpce-0a1b2c3d")));
        // Secrets Manager through a NAT gateway: a public address in AWS's published ranges
        assertThat(harness.feed(instanceCall(at(0).plusSeconds(5), session, "3.5.7.9", Map.of()))).isEmpty();
        assertThat(harness.feed(instanceCall(at(1), session, "3.5.8.10", Map.of()))).as("a second NAT gateway").isEmpty();
        // the same session from a residential ISP is a replay
        assertThat(harness.feed(instanceCall(at(2), session, "198.51.100.7", Map.of()))).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("second_network", "as:64500"));
    }

    @Test
    void instanceCredentialsUsedOutsideTheCloudAreReported() {
        Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()), network);
        SessionInfo stolen = new SessionInfo("i-0abc1234def567890", "ASIAEXAMPLE2", T0, false);

        List<Finding> findings = harness.feed(instanceCall(at(0), stolen, "203.0.113.50", Map.of()));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "instance_credentials_outside").containsEntry("network", "as:64511");
            assertThat(f.confidence()).isEqualTo(0.85);
        });
        assertThat(harness.feed(instanceCall(at(1), new SessionInfo("i-0abc1234def567890", "ASIAEXAMPLE3", T0, false), "3.5.7.9",
                Map.of()))).as("from AWS's own ranges").isEmpty();
    }

    @Test
    void anInstanceOfTheRoleIsItsOwnWorkloadWhateverTheCatalogCallsTheApplication() {
        Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()), network);
        SessionInfo session = new SessionInfo("i-0abc1234def567890", "ASIAEXAMPLE4", T0, false);
        var catalogued = record(io.itdr.core.model.ExpectedSources.NONE, List.of("billing-api"), Lifecycle.ACTIVE, List.of());

        assertThat(harness.feed(instanceCall(at(0), session, "3.5.7.9", Map.of()), catalogued)).isEmpty();
        // a session merely named like an instance, without ec2RoleDelivery, is not attested
        IdentityEvent named = event(at(1)).session(new SessionInfo("i-0abc1234def567890", "ASIAEXAMPLE5", T0, false))
                .source(new Source("3.5.7.9", null, null, null, "aws-cli/2", null))
                .workload(new Workload("i-0abc1234def567890", "ec2", null)).attributes(Map.of("session_name", "i-0abc1234def567890"))
                .build();
        assertThat(harness.feed(named, catalogued)).singleElement()
                .satisfies(f -> assertThat(f.attributes()).containsEntry("variant", "outside_workload"));
    }

    @Test
    void aLongTermKeyUsedFromANewNetworkOwnerOrCountryIsReported() {
        Fixtures.Harness harness = new Fixtures.Harness(new NewSourceDetector(DetectionSettings.NewSource.defaults()), network);
        CredentialRef key = new CredentialRef("AKIAEXAMPLEKEY000001", "access_key");
        harness.feed(event(at(0)).credential(key).source(new Source("3.5.7.9", null, null, null, "aws-sdk-java/2", null)).build());
        assertThat(harness.feed(event(at(1)).credential(key).source(new Source("3.5.9.1", null, null, null, "aws-sdk-java/2", null))
                .build())).as("another address of the same cloud").isEmpty();
        assertThat(harness.feed(event(at(2)).credential(key).source(new Source("10.0.0.5", null, null, null, "aws-sdk-java/2", null))
                .attributes(Map.of("vpc_endpoint_id", "vpce-1")).build())).as("through a VPC endpoint: the same workload")
                .isEmpty();

        List<Finding> findings = harness.feed(event(at(3)).credential(key)
                .source(new Source("203.0.113.50", null, null, null, "aws-sdk-java/2", null)).build());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "long_term_key").containsEntry("network", "as:64511")
                    .containsEntry("country", "SG").containsEntry("credential", "AKIAEXAMPLEKEY000001");
            assertThat(f.confidence()).isEqualTo(0.7);
        });
        assertThat(harness.feed(event(at(4)).credential(key)
                .source(new Source("203.0.113.51", null, null, null, "aws-sdk-java/2", null)).build())).isEmpty();
    }

    @Test
    void impossibleTravelFiresOnAwsWithTheLocationDatabase() {
        Fixtures.Harness harness = new Fixtures.Harness(new ImpossibleTravelDetector(DetectionSettings.ImpossibleTravel.defaults()), network);
        harness.feed(event(at(0)).source(new Source("198.51.100.7", null, null, null, "aws-cli/2", null)).build());

        List<Finding> findings = harness.feed(event(at(30)).source(new Source("203.0.113.50", null, null, null, "aws-cli/2", null)).build());

        assertThat(findings).singleElement().satisfies(f -> assertThat(f.detector()).isEqualTo("impossible_travel"));
    }

    private static IdentityEvent instanceCall(Instant time, SessionInfo session, String ip, Map<String, String> extra) {
        Map<String, String> attributes = new java.util.HashMap<>(extra);
        attributes.put("ec2_role_delivery", "2.0");
        attributes.put("session_name", session.sessionId());
        return event(time).session(session).source(new Source(ip, null, null, null, "aws-sdk-go/1.44", null))
                .workload(new Workload(session.sessionId(), "ec2", null)).attributes(attributes).build();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}

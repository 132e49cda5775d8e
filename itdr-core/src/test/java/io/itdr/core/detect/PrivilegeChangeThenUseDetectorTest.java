package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrivilegeChangeThenUseDetectorTest {
    private static final String ADMIN = "arn:aws:iam::111122223333:user/admin";
    private static final String APP = "arn:aws:iam::111122223333:role/app";

    private final Fixtures.Harness harness = new Fixtures.Harness(
            new PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse.defaults()));

    @Test
    void selfGrantOfAdminThenUseFiresWithHighConfidence() {
        IdentityEvent grant = grant(APP, null, at(0), "arn:aws:iam::aws:policy/AdministratorAccess");
        assertThat(harness.feed(grant)).isEmpty();

        IdentityEvent use = event(APP, at(10)).action("CreateUser").build();
        List<Finding> findings = harness.feed(use);

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo("privilege_change_then_use");
            assertThat(f.confidence()).isCloseTo(0.9, within(1e-9));
            assertThat(f.evidenceEventIds()).containsExactly(grant.id(), use.id());
            assertThat(f.attributes()).containsEntry("administrative", "true").containsEntry("self_granted", "true")
                    .containsEntry("minutes_after_grant", "10").containsEntry("use_action", "CreateUser");
        });
    }

    @Test
    void grantByAnAdminIsKeptForTheGrantee() {
        harness.feed(grant(ADMIN, APP, at(0), "s3:GetObject"));
        assertThat(harness.feed(event(ADMIN, at(1)).build())).isEmpty();

        List<Finding> findings = harness.feed(event(APP, at(2)).build());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.identity().id()).isEqualTo(APP);
            assertThat(f.confidence()).isEqualTo(0.55);
            assertThat(f.attributes()).containsEntry("grantor", ADMIN).containsEntry("self_granted", "false")
                    .containsEntry("administrative", "false");
        });
    }

    @Test
    void onlyTheFirstUseFires() {
        harness.feed(grant(APP, null, at(0), "iam:PassRole"));
        harness.feed(event(APP, at(1)).build());
        harness.feed(event(APP, at(2)).build());
        assertThat(harness.findings()).hasSize(1);
    }

    @Test
    void useAfterTheWindowDoesNotFire() {
        harness.feed(grant(ADMIN, APP, at(0), "roles/owner"));
        assertThat(harness.feed(event(APP, at(61)).build())).isEmpty();
    }

    @Test
    void revocationsFailedGrantsAndFailedUsesDoNotCount() {
        harness.feed(event(ADMIN, at(0)).category(EventCategory.PRIVILEGE_CHANGE).target(APP)
                .privilege(new PrivilegeChange(List.of("iam:*"), false)).build());
        harness.feed(event(ADMIN, at(1)).category(EventCategory.PRIVILEGE_CHANGE).target(APP).outcome(Outcome.FAILURE)
                .privilege(new PrivilegeChange(List.of("iam:*"), true)).build());
        harness.feed(event(APP, at(2)).build());
        harness.feed(grant(ADMIN, APP, at(3), "iam:*"));
        assertThat(harness.feed(event(APP, at(4)).outcome(Outcome.FAILURE).build())).isEmpty();
        assertThat(harness.feed(event(APP, at(5)).build())).hasSize(1);
    }

    @Test
    void severalPendingGrantsAreOneFinding() {
        IdentityEvent a = grant(ADMIN, APP, at(0), "s3:*");
        IdentityEvent b = grant(ADMIN, APP, at(1), "kms:Decrypt");
        harness.feed(a);
        harness.feed(b);
        Finding finding = harness.feed(event(APP, at(2)).build()).get(0);

        assertThat(finding.evidenceEventIds()).startsWith(a.id(), b.id()).hasSize(3);
        assertThat(finding.attributes()).containsEntry("scopes", "s3:*,kms:Decrypt");
    }

    @Test
    void administrativeScopesAreRecognised() {
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("roles/iam.securityAdmin"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("okta.apps.*"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("roles/owner"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("arn:aws:iam::aws:policy/AdministratorAccess"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("arn:aws:iam::aws:policy/PowerUserAccess"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("arn:aws:iam::aws:policy/IAMFullAccess"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("MyInlinePolicy", "*"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("iam:*"))).isTrue();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("s3:GetObject", "roles/viewer"))).isFalse();
        // not every IAM scope is administrative: the managed ReadOnlyAccess policy's ARN contains "iam:"
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("arn:aws:iam::aws:policy/ReadOnlyAccess"))).isFalse();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")))
                .isFalse();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("iam:CreateAccessKey"))).isFalse();
        assertThat(PrivilegeChangeThenUseDetector.administrative(List.of("s3:*"))).isFalse();
    }

    static IdentityEvent grant(String actor, String target, Instant time, String scope) {
        return event(actor, time).category(EventCategory.PRIVILEGE_CHANGE).action("AttachRolePolicy").target(target)
                .privilege(new PrivilegeChange(List.of(scope), true)).build();
    }

    private static Instant at(int minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }
}

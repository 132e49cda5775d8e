package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DormantReactivatedDetectorTest {
    private static final CredentialRef KEY = new CredentialRef("AKIAOLD", "access_key");

    private final Fixtures.Harness harness = new Fixtures.Harness(newDetector(Duration.ofDays(90)));

    @Test
    void identityUnusedForNinetyDaysFiresOnItsFirstUseOnly() {
        harness.feed(event(T0).build());
        List<Finding> findings = harness.feed(event(days(120)).build());
        assertThat(harness.feed(event(days(120).plusSeconds(60)).build())).isEmpty();

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo("dormant_reactivated");
            assertThat(f.attributes()).containsEntry("reason", "identity_gap").containsEntry("dormant_days", "120");
            assertThat(f.confidence()).isEqualTo(0.6);
            assertThat(f.evidenceEventIds()).hasSize(2);
        });
    }

    @Test
    void shorterGapDoesNotFire() {
        harness.feed(event(T0).build());
        assertThat(harness.feed(event(days(89)).build())).isEmpty();
    }

    @Test
    void confidenceRisesWithTheGap() {
        harness.feed(event(T0).build());
        assertThat(harness.feed(event(days(90)).build()).get(0).confidence()).isEqualTo(0.5);
        harness.feed(event(days(90 + 180)).build());
        assertThat(harness.findings().get(1).confidence()).isEqualTo(0.8);
    }

    @Test
    void credentialGapFiresEvenWhenTheIdentityStayedActive() {
        harness.feed(event(T0).credential(KEY).build());
        for (int d = 10; d <= 100; d += 10) {
            harness.feed(event(days(d)).credential(new CredentialRef("AKIANEW", "access_key")).build());
        }
        List<Finding> findings = harness.feed(event(days(101)).credential(KEY).build());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("reason", "credential_gap").containsEntry("credential", "AKIAOLD");
            assertThat(f.summary()).startsWith("credential AKIAOLD of ");
        });
    }

    @Test
    void inventoryLastUseCoversUseBeforeTheEngineStarted() {
        Credential stale = new Credential("AKIAOLD", "access_key", T0.minus(Duration.ofDays(400)), T0.minus(Duration.ofDays(200)),
                null, CredentialStatus.ACTIVE);
        IdentityRecord record = Fixtures.record(ExpectedSources.NONE, List.of(), Lifecycle.ACTIVE, List.of(stale));

        List<Finding> findings = harness.feed(event(T0).credential(KEY).build(), record);

        assertThat(findings).singleElement().satisfies(f ->
                assertThat(f.attributes()).containsEntry("reason", "inventory_last_used").containsEntry("dormant_days", "200"));
        assertThat(harness.feed(event(T0.plusSeconds(5)).credential(KEY).build(), record)).isEmpty();
    }

    @Test
    void recentInventoryLastUseDoesNotFire() {
        Credential fresh = new Credential("AKIAOLD", "access_key", null, T0.minus(Duration.ofDays(1)), null, CredentialStatus.ACTIVE);
        IdentityRecord record = Fixtures.record(ExpectedSources.NONE, List.of(), Lifecycle.ACTIVE, List.of(fresh));
        assertThat(harness.feed(event(T0).credential(KEY).build(), record)).isEmpty();
    }

    @Test
    void catalogLifecycleFiresOnceUntilTheIdentityIsActiveAgain() {
        IdentityRecord decommissioned = Fixtures.record(ExpectedSources.NONE, List.of(), Lifecycle.DECOMMISSIONED, List.of());
        IdentityRecord active = Fixtures.record(ExpectedSources.NONE, List.of(), Lifecycle.ACTIVE, List.of());
        IdentityRecord dormant = Fixtures.record(ExpectedSources.NONE, List.of(), Lifecycle.DORMANT, List.of());

        Finding first = harness.feed(event(T0).build(), decommissioned).get(0);
        assertThat(harness.feed(event(T0.plusSeconds(1)).build(), decommissioned)).isEmpty();
        harness.feed(event(T0.plusSeconds(2)).build(), active);
        Finding again = harness.feed(event(T0.plusSeconds(3)).build(), dormant).get(0);

        assertThat(first.confidence()).isEqualTo(0.9);
        assertThat(first.attributes()).containsEntry("reason", "catalog_lifecycle").containsEntry("lifecycle", "decommissioned");
        assertThat(again.confidence()).isEqualTo(0.7);
    }

    @Test
    void thresholdIsConfigurable() {
        Fixtures.Harness weekly = new Fixtures.Harness(newDetector(Duration.ofDays(7)));
        weekly.feed(event(T0).build());
        assertThat(weekly.feed(event(days(8)).build())).hasSize(1);
    }

    @Test
    void failedAttemptsAreNotUse() {
        harness.feed(event(T0).build());
        assertThat(harness.feed(event(days(100)).outcome(Outcome.FAILURE).build())).isEmpty();
        assertThat(harness.feed(event(days(101)).build())).hasSize(1);
    }

    private static DormantReactivatedDetector newDetector(Duration threshold) {
        return new DormantReactivatedDetector(new DetectionSettings.Dormancy(threshold, 16));
    }

    private static Instant days(int days) {
        return T0.plus(Duration.ofDays(days));
    }
}

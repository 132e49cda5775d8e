package io.itdr.core.detect;

import static io.itdr.core.detect.Fixtures.T0;
import static io.itdr.core.detect.Fixtures.event;
import static io.itdr.core.detect.Fixtures.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Per-identity state stays at its documented caps whatever the stream. */
class DetectorStateBoundsTest {
    private static final int N = 10_000;

    @Test
    void newSourceBaselineStaysAtItsCap() {
        GeoResolver everywhere = s -> Optional.of(new Geo("C" + s.asn(), null, null, null, null));
        Fixtures.Harness harness = new Fixtures.Harness(DetectionSettings.defaults(),
                new NewSourceDetector(new DetectionSettings.NewSource(20, 32)), everywhere);

        for (int i = 0; i < N; i++) {
            harness.feed(event(second(i)).source(source(ip(i), 100_000L + i, "agent-" + i + "/1")).build());
        }

        IdentityState baseline = harness.state(Fixtures.ROLE);
        assertThat(SmallSet.elements(baseline.fingerprints)).hasSize(32);
        assertThat(SmallSet.elements(baseline.networks)).hasSize(32);
        assertThat(SmallSet.elements(baseline.countries)).hasSize(32);
        // each new source fires once, none more than once
        assertThat(harness.findings()).hasSize(N - 20);
    }

    @Test
    void openTokensStayAtTheirCapAndNetworksPerTokenToo() {
        Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()));
        for (int i = 0; i < N; i++) {
            harness.feed(event(second(i)).session(new SessionInfo(null, "tok-" + i, null, null)).source(source(ip(i), null, null)).build());
        }
        SessionInfo replayed = new SessionInfo(null, "tok-replayed", null, null);
        for (int i = 0; i < N; i++) {
            harness.feed(event(second(N + i)).session(replayed).source(source(ip(i), null, null)).build());
        }

        IdentityState sightings = harness.state(Fixtures.ROLE);
        assertThat(sightings.tokens).hasSize(16);
        TokenReplayDetector.Token replayedToken = sightings.tokens[sightings.tokens.length - 1]; // the most recently used
        assertThat(replayedToken.key).isEqualTo(IdHash.of("tok-replayed"));
        assertThat(replayedToken.count()).isEqualTo(4);
        assertThat(harness.findings()).hasSize(3); // one per new network until the token's memory is full
    }

    @Test
    void idleTokensAreDroppedByTime() {
        Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()));
        for (int i = 0; i < 10; i++) {
            harness.feed(event(second(i)).session(new SessionInfo(null, "tok-" + i, null, null)).source(source(ip(i), null, null)).build());
        }
        harness.feed(event(second(2 * 3600)).session(new SessionInfo(null, "late", null, null)).source(source(ip(1), null, null)).build());

        IdentityState sightings = harness.state(Fixtures.ROLE);
        assertThat(sightings.tokens).hasSize(1);
        assertThat(sightings.tokens[0].key).isEqualTo(IdHash.of("late"));
    }

    @Test
    void reportedOutsideSourcesStayAtTheirCap() {
        IdentityRecord record = Fixtures.record(new ExpectedSources(List.of("192.168.0.0/16"), List.of(), List.of(), List.of()),
                List.of(), Lifecycle.ACTIVE, List.of());
        Fixtures.Harness harness = new Fixtures.Harness(new TokenReplayDetector(DetectionSettings.TokenReplay.defaults()));
        for (int i = 0; i < N; i++) {
            harness.feed(event(second(i)).source(source(ip(i), 100_000L + i, null)).build(), record);
        }

        IdentityState sightings = harness.state(Fixtures.ROLE);
        assertThat(sightings.rare.reportedOutside).hasSize(8);
    }

    @Test
    void rememberedCredentialsStayAtTheirCap() {
        Fixtures.Harness harness = new Fixtures.Harness(new DormantReactivatedDetector(DetectionSettings.Dormancy.defaults()));
        for (int i = 0; i < N; i++) {
            harness.feed(event(second(i)).credential(new CredentialRef("AKIA" + i, "access_key")).build());
        }

        IdentityState lastUse = harness.state(Fixtures.ROLE);
        assertThat(lastUse.credentials).isEqualTo(16);
    }

    @Test
    void pendingGrantsStayAtTheirCap() {
        Fixtures.Harness harness = new Fixtures.Harness(new PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse.defaults()));
        String admin = "arn:aws:iam::111122223333:user/admin";
        for (int i = 0; i < N; i++) {
            harness.feed(event(admin, second(i)).category(EventCategory.PRIVILEGE_CHANGE).target(Fixtures.ROLE)
                    .privilege(new PrivilegeChange(List.of("scope-" + i), true)).build());
        }

        IdentityState pending = harness.state(Fixtures.ROLE);
        assertThat(pending.rare.grants).hasSize(4);
        assertThat(pending.rare.grants.peekLast().scopes()).containsExactly("scope-" + (N - 1));
    }

    @Test
    void platformFindingTypesStayAtTheirCap() {
        Fixtures.Harness harness = new Fixtures.Harness(new PlatformFindingDetector(DetectionSettings.PlatformFindings.defaults()));
        for (int i = 0; i < N; i++) {
            harness.feed(event(second(i)).category(EventCategory.PLATFORM_FINDING)
                    .finding(new PlatformFinding("type-" + i, 0.5, null, null)).build());
        }

        IdentityState recent = harness.state(Fixtures.ROLE);
        assertThat(recent.rare.findingTypes).hasSize(8);
    }

    @Test
    void trackedIdentitiesStayAtTheirCap() {
        DetectionEngine engine = new DetectionEngine(DetectionSettings.defaults().withMaxTrackedIdentities(100), GeoResolver.none());
        for (int i = 0; i < N; i++) {
            String identity = "svc-" + i;
            engine.process(event(identity, second(i)).source(Source.UNKNOWN).build(), Fixtures.record(identity));
        }

        assertThat(engine.trackedIdentities()).isEqualTo(100);
        assertThat(engine.peekState(io.itdr.spi.event.IdentityEvent.identityKey(Fixtures.PLATFORM, Fixtures.TENANT, "svc-0"))).isNull();
    }

    private static String ip(int i) {
        // public addresses: private ones are all the tenant's own network (one network owner)
        return "11." + (i >> 16 & 0xFF) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF);
    }

    private static Instant second(int i) {
        return T0.plusSeconds(i);
    }
}

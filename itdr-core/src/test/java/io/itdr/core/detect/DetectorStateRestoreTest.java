package io.itdr.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Finding;
import io.itdr.core.state.InMemoryStateStore;
import io.itdr.core.state.StateStore;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every built-in detector's per-identity state through a checkpoint and a restore: an engine
 * restored mid-stream finds exactly what one that never stopped finds, and leaves the same state.
 */
class DetectorStateRestoreTest {
    private static final String TENANT = "111122223333";
    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    @Test
    void anEngineRestoredMidStreamFindsWhatAnUninterruptedOneFinds() {
        List<IdentityEvent> events = mixedStream(4_000);
        InMemoryStateStore whole = new InMemoryStateStore();
        DetectionEngine uninterrupted = engine(DetectionSettings.defaults());
        uninterrupted.restoreFrom(whole, 0);
        List<String> expected = run(uninterrupted, events);
        uninterrupted.checkpoint();

        InMemoryStateStore store = new InMemoryStateStore();
        DetectionEngine first = engine(DetectionSettings.defaults());
        first.restoreFrom(store, 500); // checkpoints every 500 events, and once more at the "shutdown" below
        List<String> actual = new ArrayList<>(run(first, events.subList(0, 2_100)));
        first.checkpoint();
        DetectionEngine second = engine(DetectionSettings.defaults());
        DetectionEngine.Restored restored = second.restoreFrom(store, 500);
        actual.addAll(run(second, events.subList(2_100, events.size())));
        second.checkpoint();

        assertThat(restored.identities()).isEqualTo(first.trackedIdentities());
        assertThat(restored.unreadable()).isZero();
        Set<String> detectors = new TreeSet<>();
        expected.forEach(f -> detectors.add(f.substring(0, f.indexOf(' '))));
        assertThat(detectors).as("the stream exercises every built-in detector")
                .contains(NewSourceDetector.ID, ImpossibleTravelDetector.ID, TokenReplayDetector.ID, DormantReactivatedDetector.ID,
                        PrivilegeChangeThenUseDetector.ID, PlatformFindingDetector.ID, NhiBehaviourDetector.ID);
        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(entries(store)).isEqualTo(entries(whole));
    }

    @Test
    void theStoreHoldsNoMoreIdentitiesThanMemory() {
        InMemoryStateStore store = new InMemoryStateStore();
        DetectionEngine engine = engine(DetectionSettings.defaults().withMaxTrackedIdentities(10));
        engine.restoreFrom(store, 0);
        run(engine, mixedStream(2_000));
        engine.checkpoint();

        assertThat(engine.trackedIdentities()).isEqualTo(10);
        assertThat(store.size(DetectionEngine.SECTION)).isEqualTo(10);
    }

    @Test
    void aDetectorSnapshotOfAnotherVersionStartsAfreshAndTheOthersAreKept() {
        InMemoryStateStore store = new InMemoryStateStore();
        DetectionEngine engine = engine(DetectionSettings.defaults());
        engine.restoreFrom(store, 0);
        run(engine, mixedStream(600));
        engine.checkpoint();
        String key = IdentityEvent.identityKey("aws", TENANT, role(0));
        String body = store.get(DetectionEngine.SECTION, key);
        assertThat(body).contains("\"" + NewSourceDetector.ID + "\":[2,");
        store.write(List.of(new StateStore.Change(DetectionEngine.SECTION, key,
                body.replace("\"" + NewSourceDetector.ID + "\":[2,", "\"" + NewSourceDetector.ID + "\":[7,"))));
        store.write(List.of(new StateStore.Change(DetectionEngine.SECTION, "aws:" + TENANT + ":broken", "{\"v\":2}")));

        DetectionEngine restored = engine(DetectionSettings.defaults());
        DetectionEngine.Restored counts = restored.restoreFrom(store, 0);

        assertThat(counts.unreadable()).isEqualTo(2); // one detector's snapshot, one identity
        IdentityState baseline = restored.peekState(key);
        assertThat(baseline.learnedEvents).as("re-learns").isZero();
        IdentityState location = restored.peekState(key);
        assertThat(location.lastGeo).as("kept").isNotNull();
    }

    @Test
    void aDormancySnapshotOfVersionOneIsStillReadAndRewrittenInVersionTwo() {
        // version 1 kept each credential under its id; version 2 keeps a 64-bit hash of it
        String key = IdentityEvent.identityKey("aws", TENANT, role(3));
        InMemoryStateStore store = new InMemoryStateStore();
        store.write(List.of(new StateStore.Change(DetectionEngine.SECTION, key, "{\"v\":1,\"d\":{\"" + DormantReactivatedDetector.ID
                + "\":[1,{\"t\":\"2026-10-01T00:00:00Z\",\"e\":\"e-identity\",\"r\":false,"
                + "\"c\":{\"AKIA3X0\":[\"2026-06-01T00:00:00Z\",\"e-key-old\"],\"AKIA3X1\":[\"2026-09-30T00:00:00Z\",\"e-key\"]}}]}}")));
        DetectionEngine engine = engine(DetectionSettings.defaults());
        DetectionEngine.Restored counts = engine.restoreFrom(store, 0);
        assertThat(counts.unreadable()).isZero();
        IdentityState last = engine.peekState(key);
        assertThat(last.credentials).isEqualTo(2);

        IdentityEvent use = IdentityEvent.builder("e-now", Instant.parse("2026-10-02T00:00:00Z"), "aws", IdentityRef.of(role(3)))
                .tenant(TENANT).action("s3:GetObject").credential(new CredentialRef("AKIA3X0", "access_key")).build();
        List<Finding> findings = engine.process(use, Fixtures.record(role(3)));

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.detector()).isEqualTo(DormantReactivatedDetector.ID);
            assertThat(f.attributes()).containsEntry("reason", "credential_gap").containsEntry("credential", "AKIA3X0");
            assertThat(f.evidenceEventIds()).containsExactly("e-key-old", "e-now");
        });
        engine.checkpoint();
        assertThat(store.get(DetectionEngine.SECTION, key)).contains("\"" + DormantReactivatedDetector.ID + "\":[2,")
                .doesNotContain("AKIA3X0");
    }

    @Test
    void aTokenReplaySnapshotOfVersionOneIsStillReadAndRewrittenInVersionTwo() {
        // version 1 kept each token under its replay key; version 2 keeps a 64-bit hash of it
        String key = IdentityEvent.identityKey("aws", TENANT, role(4));
        InMemoryStateStore store = new InMemoryStateStore();
        store.write(List.of(new StateStore.Change(DetectionEngine.SECTION, key, "{\"v\":1,\"d\":{\"" + TokenReplayDetector.ID
                + "\":[1,{\"t\":{\"tok-old\":{\"u\":\"2026-10-01T20:00:00Z\",\"n\":[[\"as:16500\",\"e-old\",\"2026-10-01T20:00:00Z\"]]},"
                + "\"tok-4\":{\"u\":\"2026-10-02T00:00:00Z\",\"n\":[[\"as:16500\",\"e-first\",\"2026-10-02T00:00:00Z\"]]}},"
                + "\"o\":[]}]}}")));
        DetectionEngine engine = engine(DetectionSettings.defaults());
        DetectionEngine.Restored counts = engine.restoreFrom(store, 0);
        assertThat(counts.unreadable()).isZero();
        assertThat(engine.peekState(key).tokens).hasSize(2);

        IdentityEvent replay = IdentityEvent.builder("e-now", Instant.parse("2026-10-02T00:10:00Z"), "aws", IdentityRef.of(role(4)))
                .tenant(TENANT).action("s3:GetObject").source(new Source("11.0.0.1", 16_501L, null, null, "sdk/1", null))
                .session(new SessionInfo(null, "tok-4", null, null)).build();
        List<Finding> findings = engine.process(replay, Fixtures.record(role(4)));

        assertThat(findings).filteredOn(f -> f.detector().equals(TokenReplayDetector.ID)).singleElement().satisfies(f -> {
            assertThat(f.attributes()).containsEntry("variant", "multi_source").containsEntry("token", "tok-4")
                    .containsEntry("first_network", "as:16500").containsEntry("second_network", "as:16501");
            assertThat(f.evidenceEventIds()).containsExactly("e-first", "e-now");
        });
        engine.checkpoint();
        assertThat(store.get(DetectionEngine.SECTION, key)).contains("\"" + TokenReplayDetector.ID + "\":[2,")
                .doesNotContain("tok-4").doesNotContain("tok-old").contains("e-first");
    }

    private static DetectionEngine engine(DetectionSettings settings) {
        return new DetectionEngine(settings, GeoResolver.none());
    }

    private static List<String> run(DetectionEngine engine, List<IdentityEvent> events) {
        List<String> out = new ArrayList<>();
        for (IdentityEvent event : events) {
            for (Finding f : engine.process(event, Fixtures.record(event.identity().id()))) {
                out.add(f.detector() + " " + f.id() + " " + f.confidence() + " " + f.summary() + " " + f.attributes());
            }
        }
        return out;
    }

    private static Map<String, String> entries(InMemoryStateStore store) {
        Map<String, String> out = new LinkedHashMap<>();
        store.read(DetectionEngine.SECTION, out::put);
        return out;
    }

    private static String role(int n) {
        return "arn:aws:iam::" + TENANT + ":role/svc-" + n;
    }

    /**
     * Twenty roles calling from a few places with a few clients, tokens and keys; now and then a
     * grant to another role, a platform finding, a refused call, a jump to another continent or a
     * week of silence.
     */
    private static List<IdentityEvent> mixedStream(int count) {
        Random random = new Random(7);
        Geo[] places = {new Geo("US", null, "Ashburn", 39.04, -77.49), new Geo("US", null, "Portland", 45.52, -122.68),
                new Geo("AU", null, "Sydney", -33.87, 151.21), new Geo("DE", null, "Frankfurt", 50.11, 8.68)};
        String[] actions = {"s3:GetObject", "s3:PutObject", "sts:AssumeRole", "iam:CreateAccessKey", "kms:Decrypt",
                "secretsmanager:GetSecretValue", "ec2:DescribeInstances", "iam:ListUsers", "dynamodb:Query"};
        List<IdentityEvent> events = new ArrayList<>(count);
        Instant time = T0;
        for (int i = 0; i < count; i++) {
            time = time.plusSeconds(random.nextInt(100) < 2 ? 30L * 24 * 3600 : 20 + random.nextInt(60));
            int n = random.nextInt(1000) < 5 ? 19 : random.nextInt(19); // svc-19 is used a few times a year

            int roll = random.nextInt(100);
            int place = roll < 90 ? n % 2 : 2 + random.nextInt(2);
            Source source = new Source("10." + n + "." + place + "." + random.nextInt(4), 16_500L + place, null, places[place],
                    "sdk/" + random.nextInt(roll < 95 ? 2 : 9), null);
            IdentityEvent.Builder b = IdentityEvent.builder("e-" + i, time, "aws", IdentityRef.of(role(n))).tenant(TENANT)
                    .source(source).action(actions[random.nextInt(roll < 80 ? 3 : actions.length)])
                    .credential(new CredentialRef("AKIA" + n + "X" + random.nextInt(2), "access_key"))
                    .session(new SessionInfo(null, "tok-" + n + "-" + (i / 400), null, null));
            if (roll == 0) {
                b.category(EventCategory.PRIVILEGE_CHANGE).target(role((n + 1) % 20)).action("iam:AttachRolePolicy")
                        .privilege(new PrivilegeChange(List.of(random.nextBoolean() ? "AdministratorAccess" : "ReadOnlyAccess"), true));
            } else if (roll == 1) {
                b.category(EventCategory.PLATFORM_FINDING)
                        .finding(new PlatformFinding("UnauthorizedAccess:IAMUser/" + random.nextInt(3), 0.8, "high", "from guardduty"));
            } else if (roll < 5) {
                b.outcome(Outcome.FAILURE);
            }
            events.add(b.build());
        }
        return events;
    }
}

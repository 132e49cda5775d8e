package io.itdr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.spi.Connector;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Mode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo estate as the real AWS and Okta connectors see it, configured from nothing but
 * {@link DemoEstate#properties()}: they poll every seeded record, oldest first, as the estate's
 * events, and list its identities with their credentials. No server: the connectors alone.
 */
class DemoEstateTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:17:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final int IDENTITIES = EstateGenerator.MIN_IDENTITIES;
    private static final int DAYS = EstateGenerator.MIN_DAYS;

    @TempDir
    static Path dir;

    private static DemoEstate estate;
    private static List<EstateGenerator.GeneratedIdentity> identities;

    @BeforeAll
    static void startTheEstate() throws IOException {
        estate = DemoEstate.start(new DemoEstate.Settings(7, IDENTITIES, DAYS, dir), CLOCK);
        // the same settings generate the same estate: what the emulations were seeded with
        identities = new EstateGenerator(new GeneratorSettings(7, IDENTITIES, DAYS, estate.served().from())).identities();
    }

    @AfterAll
    static void stopTheEstate() {
        estate.close();
    }

    @Test
    void theTelemetryEndsAtTheStartOfTheCurrentHour() {
        assertThat(estate.served().to()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(estate.served().from()).isEqualTo(estate.served().to().minus(Duration.ofDays(DAYS)));
        assertThat(estate.catalog()).isNotEmptyFile();
        assertThat(estate.served().attacks()).containsKeys("token_replay", "privilege_change_then_use");
    }

    @Test
    void theAwsConnectorReadsEveryTrailRecordAndGuardDutyFindingThroughTheQueueEachIdentityOldestFirst() {
        try (Connector aws = connector("aws")) {
            List<IdentityEvent> all = DemoConnectors.pollAll(aws);
            List<IdentityEvent> events = all.stream().filter(e -> e.category() != EventCategory.PLATFORM_FINDING).toList();

            assertThat(all).hasSize((int) estate.served().cloudTrailEvents() + estate.guardDutyFindings());
            assertThat(events).hasSize((int) estate.served().cloudTrailEvents()).isNotEmpty();
            assertThat(estate.served().managementEvents()).as("data events are in the trail").isLessThan(estate.served().cloudTrailEvents());
            // files of several accounts interleave; each identity's events arrive in time order
            Map<String, List<IdentityEvent>> byIdentity = new HashMap<>();
            events.forEach(e -> byIdentity.computeIfAbsent(e.identity().id(), k -> new ArrayList<>()).add(e));
            byIdentity.values().forEach(list -> assertThat(list).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time())));
            assertThat(events).allSatisfy(e -> assertThat(e.time()).isBetween(estate.served().from(), estate.served().to()));
            // the estate's users and roles, and the services and CI jobs that issue the roles' sessions
            assertThat(ids(events.stream().filter(e -> e.identity().kind().startsWith("iam_")).toList())).isSubsetOf(estateIds("aws"));
            assertThat(events).allSatisfy(e -> assertThat(e.identity().kind()).isIn("iam_user", "iam_role", "aws_service", "web_identity_user"));
            // the token replay on the first AWS service: its hijacked session used from the attacker's network
            assertThat(events).anySatisfy(e -> {
                assertThat(e.source().ip()).startsWith("203.0.113.");
                assertThat(e.session().replayKey()).startsWith("ASIA");
            });
        }
    }

    @Test
    void lookupEventsServesTheManagementEventsOnly() {
        try (Connector aws = connector("aws", "telemetry", "lookup-events")) {
            List<IdentityEvent> events = DemoConnectors.pollAll(aws);

            assertThat(events).hasSize((int) estate.served().managementEvents()).isNotEmpty();
            assertThat(events).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
        }
    }

    @Test
    void theOktaConnectorPollsEveryLogEventAsTheOrgsEvents() {
        try (Connector okta = connector("okta")) {
            List<IdentityEvent> events = DemoConnectors.pollAll(okta);

            assertThat(events).hasSize((int) estate.served().oktaLogEvents()).isNotEmpty();
            assertThat(events).allSatisfy(e -> {
                assertThat(e.tenant()).isEqualTo(DemoEstate.OKTA_ORG);
                assertThat(e.source().geo()).isNotNull();
            });
            assertThat(ids(events)).isSubsetOf(estateIds("okta"));
        }
    }

    @Test
    void theAwsInventoryListsEveryUserWithItsKeyAndEveryRoleInItsAccount() {
        try (Connector aws = connector("aws")) {
            List<InventoryIdentity> listed = listAll(aws);

            assertThat(ids(listed)).isEqualTo(estateIds("aws"));
            assertThat(estate.served().iamUsers() + estate.served().iamRoles()).isEqualTo(listed.size());
            for (EstateGenerator.GeneratedIdentity expected : identities) {
                if (expected.platform().equals("aws")) {
                    InventoryIdentity found = listed.stream().filter(i -> i.identity().id().equals(expected.ref().id())).findFirst().orElseThrow();
                    assertThat(found.tenant()).isEqualTo(expected.tenant());
                    if ("iam_user".equals(expected.ref().kind())) {
                        assertThat(found.credentials()).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(expected.credentialId()));
                    }
                }
            }
        }
    }

    @Test
    void theOktaInventoryListsEveryServiceApp() {
        try (Connector okta = connector("okta")) {
            List<InventoryIdentity> listed = listAll(okta);

            assertThat(ids(listed)).isEqualTo(estateIds("okta"));
            assertThat(listed).hasSize(estate.served().oktaApps());
            assertThat(listed).allSatisfy(i -> assertThat(i.credentials()).isNotEmpty());
        }
    }

    @Test
    void theGuardDutyFindingsArePushedAsEventBridgeEventsTheAwsNormalizerReads() {
        List<IdentityEvent> read = new ArrayList<>();
        try (Connector aws = connector("aws")) {
            aws.normalizer().normalize(new RawPayload("guardduty.jsonl", "application/x-ndjson",
                    new ByteArrayInputStream(estate.guardDutyEvents().getBytes(StandardCharsets.UTF_8))), NormalizationSink.of((event, location) -> read.add(event), rejection -> {
                throw new AssertionError(rejection.toString());
            }));
        }
        assertThat(read).hasSize(estate.guardDutyFindings()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
            // InstanceCredentialExfiltration.OutsideAWS is High, 7.0-8.9: an instance role's temporary key
            assertThat(e.finding().confidence()).isBetween(0.7, 0.89);
            assertThat(e.credential().id()).startsWith("ASIA");
        });
        assertThat(ids(read)).isSubsetOf(estateIds("aws"));
    }

    @Test
    void theLauncherRunsTheDefaultPolicyInEnforceModeOnTheDemosOwnDatabase() throws IOException {
        Path policy = DemoLauncher.enforcingDefaultPolicy(dir);
        assertThat(PolicyLoader.load(policy).mode()).isEqualTo(Mode.ENFORCE);

        DemoLauncher.Options options = DemoLauncher.Options.parse(new String[]{"--days", "3", "--server.port=9090"});
        assertThat(options.days()).isEqualTo(3);
        assertThat(DemoLauncher.serverArgs(options)).contains("--server.port=9090")
                .anySatisfy(a -> assertThat(a).startsWith("--spring.datasource.url=jdbc:h2:file:").endsWith("itdr;WRITE_DELAY=0"));
    }

    private static Connector connector(String id, String... overrides) {
        return DemoConnectors.connector(estate, CLOCK, id, overrides);
    }


    private static List<InventoryIdentity> listAll(Connector connector) {
        List<InventoryIdentity> listed = new ArrayList<>();
        String token = null;
        for (int pages = 0; pages < 100; pages++) {
            InventoryPage page = connector.inventory().list(token, 100);
            listed.addAll(page.identities());
            if (page.isLast()) {
                return listed;
            }
            token = page.nextPageToken();
        }
        throw new AssertionError("still more to list after 100 pages");
    }

    private static Set<String> ids(List<?> items) {
        Set<String> ids = new TreeSet<>();
        for (Object item : items) {
            ids.add(item instanceof IdentityEvent e ? e.identity().id() : ((InventoryIdentity) item).identity().id());
        }
        return ids;
    }

    private static Set<String> estateIds(String platform) {
        Set<String> ids = new TreeSet<>();
        identities.stream().filter(i -> i.platform().equals(platform)).forEach(i -> ids.add(i.ref().id()));
        return ids;
    }
}

package io.itdr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.generate.EstateGenerator;
import io.itdr.spi.Connector;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo estate's GitHub organization and GitLab group as the real connectors see them, configured from nothing but
 * {@link DemoEstate#properties()}, and the CI-token attack end to end: the release pipeline's fine-grained token,
 * leaked and used from an unfamiliar network to clone one repository after another, is found by the engine
 * (default policy, enforce mode, the estate's catalog) and its containment, the org revoking the token's access
 * (irreversible on GitHub), is held for a person; approved by another, it runs against the emulation.
 */
class CiDemoTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:17:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String RELEASE_BOT = "github/" + DemoEstate.GITHUB_ORG + "/release-bot";

    @TempDir
    static Path dir;

    private static DemoEstate estate;
    private static List<EstateGenerator.GeneratedIdentity> identities;

    @BeforeAll
    static void startTheEstate() throws IOException {
        estate = DemoEstate.start(new DemoEstate.Settings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS, dir), CLOCK);
        identities = new EstateGenerator(new io.itdr.generate.GeneratorSettings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS,
                estate.served().from())).identities();
    }

    @AfterAll
    static void stopTheEstate() {
        estate.close();
    }

    @Test
    void theGitHubConnectorPollsEveryAuditLogEventAsTheEstatesEvents() {
        try (Connector github = connector("github")) {
            List<IdentityEvent> events = poll(github);
            assertThat(events).hasSize((int) estate.gitHubOrg().events()).isNotEmpty();
            Set<String> actors = new TreeSet<>();
            events.forEach(e -> actors.add(e.identity().id()));
            assertThat(actors).isSubsetOf(ids("github"));
            assertThat(events).allSatisfy(e -> assertThat(e.tenant()).isEqualTo(DemoEstate.GITHUB_ORG));
        }
    }

    @Test
    void theGitLabConnectorPollsTheGroupsAuditEventsAndListsItsTokens() {
        try (Connector gitlab = connector("gitlab")) {
            List<IdentityEvent> events = poll(gitlab);
            assertThat(events).hasSize((int) estate.gitLabGroup().events()).isNotEmpty();
            assertThat(events).allSatisfy(e -> {
                assertThat(ids("gitlab")).contains(e.identity().id());
                assertThat(e.identity().kind()).isEqualTo("project_access_token");
            });
            assertThat(list(gitlab)).extracting(i -> i.identity().id()).contains("group/" + GitLabDemoGroup.GROUP_ID + "/access_token/3101");
        }
    }

    @Test
    void theGitHubInventoryListsTheAppTheTokenGrantAndTheDeployKey() {
        try (Connector github = connector("github")) {
            Set<String> listed = new TreeSet<>();
            list(github).forEach(i -> listed.add(i.identity().id()));
            assertThat(listed).contains("deploy-bot[bot]", DemoEstate.GITHUB_ORG + "/web-frontend:deploy_key:5501");
            assertThat(list(github)).anySatisfy(i -> assertThat(i.credentials()).anySatisfy(c -> assertThat(c.id()).isEqualTo("4100001")));
        }
    }

    @Test
    void theLeakedReleaseTokenIsHeldForApprovalThenItsAccessIsRevokedOnApproval() throws IOException {
        try (Connector github = connector("github")) {
            InMemoryLedger ledger = new InMemoryLedger(CLOCK);
            ResponseEngine engine = ResponseEngine.builder(enforcingDefaultPolicy(), CLOCK, ledger)
                    .catalog(IdentityCatalog.load(estate.catalog()))
                    .executors(platform -> "github".equals(platform) ? Optional.of(github.actions()) : Optional.empty())
                    .rollbackPaths(RollbackPaths.of(Map.of("github", github.actions().rungs())))
                    .build();
            List<Pipeline.Outcome> outcomes = new ArrayList<>();
            for (IdentityEvent e : poll(github)) {
                outcomes.addAll(engine.pipeline().process(e));
            }
            List<Pipeline.Outcome> onToken = outcomes.stream().filter(o -> o.finding().identityKey().equals(RELEASE_BOT)
                    && o.finding().detector().equals("token_replay")).toList();
            assertThat(onToken).as("token_replay findings on the release token, of %d outcomes", outcomes.size()).isNotEmpty();
            Pipeline.Outcome first = onToken.get(0);
            assertThat(first.decision().intendedRung()).isEqualTo(Rung.QUARANTINE_SESSION);
            assertThat(first.actions()).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(ActionState.HELD));
            assertThat(outcomes).as("nothing disruptive ran on the benign CI identities")
                    .noneMatch(o -> !o.finding().identityKey().equals(RELEASE_BOT)
                            && o.actions().stream().anyMatch(a -> a.state() != ActionState.HELD));
            synchronized (estate.gitHubOrg().inventory()) {
                assertThat(estate.gitHubOrg().inventory().patGrants.values()).anyMatch(g -> g.tokenId == 4100001L);
            }

            ActionCoordinator coordinator = engine.coordinator();
            ActionRecord held = first.actions().get(0);
            ActionRecord done = coordinator.approve(held.id(), held.planDigest(), "user:bob/token:bob-cli", "token leaked: confirmed with team-platform");
            assertThat(done.state()).isEqualTo(ActionState.VERIFIED);
            synchronized (estate.gitHubOrg().inventory()) {
                assertThat(estate.gitHubOrg().inventory().patGrants.values()).noneMatch(g -> g.tokenId == 4100001L);
            }
        }
    }

    private static List<IdentityEvent> poll(Connector connector) {
        List<IdentityEvent> events = new ArrayList<>();
        Cursor cursor = Cursor.START;
        for (int polls = 0; ; polls++) {
            assertThat(polls).as("polls").isLessThan(10_000);
            TelemetryBatch batch = connector.telemetry().poll(cursor, 100);
            assertThat(batch.rejections()).isEmpty();
            events.addAll(batch.events());
            cursor = batch.next();
            if (!batch.hasMore()) {
                return events;
            }
        }
    }

    private static List<InventoryIdentity> list(Connector connector) {
        List<InventoryIdentity> listed = new ArrayList<>();
        String token = null;
        do {
            InventoryPage page = connector.inventory().list(token, 100);
            listed.addAll(page.identities());
            token = page.isLast() ? null : page.nextPageToken();
        } while (token != null);
        return listed;
    }

    private static Policy enforcingDefaultPolicy() throws IOException {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return PolicyLoader.parse(text.replaceFirst("(?m)^mode: shadow$", "mode: enforce"), "default-policy.yaml");
        }
    }

    private static Connector connector(String id) {
        return DemoConnectors.connector(estate, CLOCK, id);
    }

    private static Set<String> ids(String platform) {
        Set<String> ids = new TreeSet<>();
        identities.stream().filter(i -> i.platform().equals(platform)).forEach(i -> ids.add(i.ref().id()));
        return ids;
    }
}

package io.itdr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.spi.Connector;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo estate's Google Cloud projects as the real Google Cloud connector sees them, configured from nothing but
 * {@link DemoEstate#properties()}: it polls every audit log entry as the estate's GCP events, lists the service
 * accounts with their keys, and disables and re-enables a key there. No server: the connector alone.
 */
class GcpDemoProjectTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:17:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    static Path dir;

    private static DemoEstate estate;
    private static List<EstateGenerator.GeneratedIdentity> identities;

    @BeforeAll
    static void startTheEstate() throws IOException {
        estate = DemoEstate.start(new DemoEstate.Settings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS, dir), CLOCK);
        identities = new EstateGenerator(new GeneratorSettings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS,
                estate.served().from())).identities().stream().filter(i -> i.platform().equals("gcp")).toList();
    }

    @AfterAll
    static void stopTheEstate() {
        estate.close();
    }

    @Test
    void theGcpConnectorPollsEveryAuditLogEntryAsTheEstatesEventsOldestFirst() {
        try (Connector gcp = connector()) {
            List<IdentityEvent> events = new ArrayList<>();
            Cursor cursor = Cursor.START;
            for (int polls = 0; ; polls++) {
                assertThat(polls).as("polls").isLessThan(10_000);
                TelemetryBatch batch = gcp.telemetry().poll(cursor, 500);
                assertThat(batch.rejections()).isEmpty();
                events.addAll(batch.events());
                cursor = batch.next();
                if (!batch.hasMore()) {
                    break;
                }
            }
            assertThat(events).hasSize((int) estate.gcpProject().entries()).isNotEmpty();
            assertThat(events).isSortedAccordingTo((a, b) -> a.time().compareTo(b.time()));
            Set<String> principals = new TreeSet<>();
            events.forEach(e -> principals.add(e.identity().id()));
            assertThat(principals).isSubsetOf(estateIds());
            assertThat(events).allSatisfy(e -> assertThat(estate.gcpProject().projects()).contains(e.tenant()));
        }
    }

    @Test
    void theGcpInventoryListsEveryServiceAccountWithItsKey() {
        try (Connector gcp = connector()) {
            List<InventoryIdentity> listed = new ArrayList<>();
            String token = null;
            do {
                InventoryPage page = gcp.inventory().list(token, 100);
                listed.addAll(page.identities());
                token = page.isLast() ? null : page.nextPageToken();
            } while (token != null);
            Set<String> ids = new TreeSet<>();
            listed.forEach(i -> ids.add(i.identity().id()));
            assertThat(ids).isEqualTo(estateIds()).hasSize(estate.gcpProject().accounts());
            for (EstateGenerator.GeneratedIdentity expected : identities) {
                InventoryIdentity found = listed.stream().filter(i -> i.identity().id().equals(expected.ref().id())).findFirst().orElseThrow();
                assertThat(found.tenant()).isEqualTo(expected.tenant());
                // the key it began with (one account's is rotated by the estate's pipeline: a second key, the first disabled)
                assertThat(found.credentials()).hasSizeBetween(1, 2).anySatisfy(c -> assertThat(c.id()).isEqualTo(expected.credentialId()));
            }
        }
    }

    @Test
    void theConnectorDisablesAKeyInTheProjectAndEnablesItAgain() {
        EstateGenerator.GeneratedIdentity account = identities.get(0);
        try (Connector gcp = connector()) {
            ActionPlan plan = gcp.actions().plan(new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(account.tenant(), account.ref(),
                    new CredentialRef(account.credentialId(), "service_account_key")), Map.of()));
            gcp.actions().execute(plan, "demo-gcp-1");
            assertThat(estate.gcpProject().iam().state(account.ref().id()))
                    .containsEntry("account/" + account.ref().id() + "/key/" + account.credentialId() + "/disabled", "true");
            gcp.actions().revert(plan, false);
            assertThat(estate.gcpProject().iam().state(account.ref().id()))
                    .containsEntry("account/" + account.ref().id() + "/key/" + account.credentialId() + "/disabled", "false");
        }
    }

    private static Connector connector() {
        return DemoConnectors.connector(estate, CLOCK, "gcp", "verify-attempts", "1");
    }

    private static Set<String> estateIds() {
        Set<String> ids = new TreeSet<>();
        identities.forEach(i -> ids.add(i.ref().id()));
        return ids;
    }
}

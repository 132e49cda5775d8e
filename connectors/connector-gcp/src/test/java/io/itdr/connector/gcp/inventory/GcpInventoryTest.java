package io.itdr.connector.gcp.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.GcpSandbox;
import io.itdr.connector.gcp.GcpSettings;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.Secret;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GcpInventoryTest {
    private static GcpSandbox sandbox;
    private static GcpClients clients;

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
        clients = new GcpClients(new GcpSettings(List.of(GcpSandbox.PROJECT), GcpSettings.SignIn.CREDENTIALS_JSON,
                Secret.of(sandbox.keyFile("key-1")), null),
                new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                        Map.of("iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint())));
    }

    @AfterAll
    static void stop() {
        clients.close();
        sandbox.close();
    }

    private final GcpInventory inventory = new GcpInventory("gcp", clients, List.of(GcpSandbox.PROJECT), "owner", "criticality", true,
            new SettableClock(TestingConnectorContext.NOW));

    @Test
    void aServiceAccountCarriesItsKeysItsRolesOnTheProjectAndAboveAndItsProjectsOwner() {
        InventoryIdentity deployer = inventory.get(null, IdentityRef.of(GcpSandbox.SERVICE_ACCOUNT)).orElseThrow();
        assertThat(deployer.tenant()).isEqualTo(GcpSandbox.PROJECT);
        assertThat(deployer.enabled()).isTrue();
        assertThat(deployer.owner()).isEqualTo("team-payments");
        assertThat(deployer.tags()).containsEntry("criticality", "tier-2")
                .containsEntry("gcp:privileged-roles", "roles/editor,roles/iam.serviceAccountTokenCreator,roles/owner on " + GcpSandbox.ORGANIZATION)
                .containsEntry("gcp:ancestors", GcpSandbox.FOLDER + "," + GcpSandbox.ORGANIZATION);
        assertThat(deployer.privileged()).isTrue();
        assertThat(deployer.privilegeScopes()).containsExactly("roles/editor", "roles/iam.serviceAccountTokenCreator",
                "roles/owner on " + GcpSandbox.ORGANIZATION);
        Credential userManaged = deployer.credentials().stream().filter(c -> c.id().equals(GcpSandbox.KEY)).findFirst().orElseThrow();
        assertThat(userManaged.kind()).isEqualTo("service_account_key");
        assertThat(userManaged.created()).isEqualTo(Instant.parse("2026-01-10T09:00:00Z"));
        assertThat(userManaged.expires()).as("9999-12-31: never").isNull();
        assertThat(userManaged.status()).isEqualTo(CredentialStatus.ACTIVE);
        Credential googleManaged = deployer.credentials().stream().filter(c -> c.id().equals(GcpSandbox.GOOGLE_MANAGED_KEY)).findFirst()
                .orElseThrow();
        assertThat(googleManaged.kind()).isEqualTo("service_account_key_google_managed");
        assertThat(googleManaged.expires()).isEqualTo(Instant.parse("2026-03-08T00:00:00Z"));
    }

    @Test
    void aRoleGrantedOnlyOnAFolderIsListedWithTheFolderAndFlaggedWhenPrivileged() {
        sandbox.iam().bindOn(GcpSandbox.FOLDER, "roles/iam.serviceAccountKeyAdmin", "serviceAccount:" + GcpSandbox.BACKUP);
        try {
            InventoryIdentity backup = inventory.get(null, IdentityRef.of(GcpSandbox.BACKUP)).orElseThrow();
            assertThat(backup.privilegeScopes()).containsExactly("roles/iam.serviceAccountKeyAdmin on " + GcpSandbox.FOLDER);
            assertThat(backup.privileged()).isTrue();
            InventoryIdentity reporter = inventory.get(null, IdentityRef.of(GcpSandbox.REPORTER)).orElseThrow();
            assertThat(reporter.privilegeScopes()).containsExactly("roles/viewer", "roles/bigquery.dataViewer", "roles/viewer on " + GcpSandbox.FOLDER);
            assertThat(reporter.privileged()).isFalse();
        } finally {
            sandbox.reset();
        }
    }

    @Test
    void withoutFolderAndOrganizationRolesOnlyTheProjectsPolicyIsRead() {
        GcpInventory projectOnly = new GcpInventory("gcp", clients, List.of(GcpSandbox.PROJECT), "owner", "criticality", false,
                new SettableClock(TestingConnectorContext.NOW));
        sandbox.server().resetRequests();
        InventoryIdentity deployer = projectOnly.get(null, IdentityRef.of(GcpSandbox.SERVICE_ACCOUNT)).orElseThrow();
        assertThat(deployer.privilegeScopes()).containsExactly("roles/editor", "roles/iam.serviceAccountTokenCreator");
        assertThat(deployer.tags()).doesNotContainKey("gcp:ancestors");
        assertThat(sandbox.server().getAllServeEvents()).extracting(e -> e.getRequest().getUrl())
                .noneMatch(url -> url.contains("getAncestry") || url.startsWith("/v3/folders") || url.startsWith("/v1/organizations"));
    }

    @Test
    void aDisabledAccountAndADisabledKeyShowAsSuch() {
        sandbox.iam().setAccountDisabled(GcpSandbox.BACKUP, true);
        sandbox.iam().setKeyDisabled(GcpSandbox.BACKUP, GcpSandbox.BACKUP_KEY, true);
        try {
            InventoryIdentity backup = inventory.get(null, IdentityRef.of(GcpSandbox.BACKUP)).orElseThrow();
            assertThat(backup.enabled()).isFalse();
            assertThat(backup.privileged()).isFalse();
            assertThat(backup.credentials()).singleElement().satisfies(c -> assertThat(c.status()).isEqualTo(CredentialStatus.INACTIVE));
        } finally {
            sandbox.reset();
        }
    }

    @Test
    void anAccountIamDoesNotKnowIsAbsent() {
        assertThat(inventory.get(null, IdentityRef.of("gone@" + GcpSandbox.PROJECT + ".iam.gserviceaccount.com"))).isEmpty();
    }
}

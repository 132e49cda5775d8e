package io.itdr.connector.azure.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.spi.Connector;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EntraInventoryTest {
    private TckAccess.Tenant tenant;
    private Connector connector;

    @BeforeEach
    void start() {
        tenant = TckAccess.tenant();
        connector = tenant.connect(new AzureConnectorFactory(TckAccess.credentials()), Map.of());
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    private InventoryIdentity read(String id) {
        return connector.inventory().get(null, IdentityRef.of(id)).orElseThrow();
    }

    @Test
    void anAppsServicePrincipalCarriesItsRegistrationsCredentialsDangerousPermissionsOwnerAndCriticality() {
        InventoryIdentity billing = read("4b6986ec-c49c-40c0-89ce-b2ac51213e39");
        assertThat(billing.identity().kind()).isEqualTo("service_principal");
        assertThat(billing.enabled()).isTrue();
        assertThat(billing.tenant()).isEqualTo(TckAccess.TENANT);
        assertThat(billing.owner()).isEqualTo("billing-team");
        assertThat(billing.tags()).containsEntry("criticality", "tier1").containsEntry("owners", "alice@contoso.example")
                .containsEntry("dangerous_permissions", "RoleManagement.ReadWrite.Directory");
        assertThat(billing.privileged()).isTrue();
        assertThat(billing.privilegeScopes()).contains("Microsoft Graph:RoleManagement.ReadWrite.Directory",
                "Microsoft Graph:AuditLog.Read.All");
        assertThat(billing.credentials()).extracting(c -> c.id() + " " + c.kind() + " " + c.status()).containsExactly(
                "2afc776a-4e79-4588-b2ad-f62c94d6bea8 client_secret ACTIVE",
                "c3d4e5f6-0000-4000-8000-0000000000c1 certificate EXPIRED");
    }

    @Test
    void aManagedIdentityWithADirectoryRoleIsPrivilegedAndAFederatedCredentialIsListed() {
        InventoryIdentity backup = read("a8b4c2d0-aaaa-4bbb-8ccc-ddddeeeeffff");
        assertThat(backup.identity().kind()).isEqualTo("managed_identity");
        assertThat(backup.privilegeScopes()).containsExactly("directoryRole:Directory Readers");
        assertThat(backup.privileged()).isTrue();
        assertThat(backup.owner()).isNull();

        InventoryIdentity reports = read("7d1e5c3b-1111-4222-8333-444455556666");
        assertThat(reports.owner()).isEqualTo("data-team");
        assertThat(reports.credentials()).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo("federated_credential");
            assertThat(c.status()).isEqualTo(CredentialStatus.ACTIVE);
        });
        assertThat(reports.privilegeScopes()).containsExactly(
                "federatedCredential:https://token.actions.githubusercontent.com repo:contoso/reports:ref:refs/heads/main");
        assertThat(reports.privileged()).isFalse();
    }

    @Test
    void microsoftsOwnServicePrincipalsAreNotListed() {
        var page = connector.inventory().list(null, 10);
        assertThat(page.identities()).extracting(i -> i.identity().name()).containsExactly("billing-exporter", "vm-backup", "reports-export");
        assertThat(page.nextPageToken()).isNull();
    }
}

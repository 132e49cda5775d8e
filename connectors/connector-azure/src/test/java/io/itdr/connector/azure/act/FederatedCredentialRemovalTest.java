package io.itdr.connector.azure.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.fixture.azure.DirectorySandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** disable_credential of a federated identity credential: removed, and re-created from the snapshot on revert. */
class FederatedCredentialRemovalTest {
    private static final String REPORTS_SP = "7d1e5c3b-1111-4222-8333-444455556666";
    private static final String REPORTS_APP_OBJECT = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
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

    private static ActionRequest removal(String credentialId) {
        return new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, IdentityRef.of(REPORTS_SP),
                new CredentialRef(credentialId, "federated_credential")), Map.of());
    }

    private Map<String, String[]> credentials() {
        DirectorySandbox directory = tenant.directory();
        synchronized (directory) {
            return Map.copyOf(directory.applications.get(REPORTS_APP_OBJECT).federatedIdentityCredentials);
        }
    }

    @Test
    void removalIsCompensableAndRevertRecreatesTheSameTrustUnderANewId() {
        ActionPlan plan = connector.actions().plan(removal("fic-0001"));
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.summary()).contains("github-main").contains("new id");
        assertThat(credentials()).containsOnlyKeys("fic-0001");

        connector.actions().execute(plan, "fic-k1");
        assertThat(credentials()).isEmpty();
        assertThat(connector.actions().execute(plan, "fic-k1").alreadyApplied()).isTrue();
        assertThat(connector.actions().verify(plan).inPostState()).isTrue();

        connector.actions().revert(plan, false);
        Map<String, String[]> after = credentials();
        assertThat(after).hasSize(1).doesNotContainKey("fic-0001");
        assertThat(List.of(after.values().iterator().next())).containsExactly("github-main",
                "https://token.actions.githubusercontent.com", "repo:contoso/reports:ref:refs/heads/main");
    }

    @Test
    void aCredentialRecreatedByAnAdministratorIsDrift() {
        ActionPlan plan = connector.actions().plan(removal("fic-0001"));
        connector.actions().execute(plan, "fic-k2");
        DirectorySandbox directory = tenant.directory();
        synchronized (directory) {
            directory.applications.get(REPORTS_APP_OBJECT).federatedIdentityCredentials.put("fic-0002", new String[] {"github-main",
                    "https://token.actions.githubusercontent.com", "repo:contoso/reports:environment:prod"});
        }
        assertThatThrownBy(() -> connector.actions().revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIFT));
    }

    @Test
    void aClientSecretRemovalStaysIrreversibleAndTheRungDeclaresTheWorstCase() {
        assertThat(connector.actions().rungs()).containsEntry(Rung.DISABLE_CREDENTIAL, Reversibility.IRREVERSIBLE);
        ActionPlan secret = connector.actions().plan(new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null,
                IdentityRef.of("4b6986ec-c49c-40c0-89ce-b2ac51213e39"), new CredentialRef("2afc776a-4e79-4588-b2ad-f62c94d6bea8",
                "client_secret")), Map.of()));
        assertThat(secret.reversibility()).isEqualTo(Reversibility.IRREVERSIBLE);
    }

    @Test
    void anUnknownFederatedCredentialIsNotFound() {
        assertThatThrownBy(() -> connector.actions().plan(removal("fic-9999"))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
}

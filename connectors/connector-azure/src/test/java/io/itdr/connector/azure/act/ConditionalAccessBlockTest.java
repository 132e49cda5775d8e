package io.itdr.connector.azure.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.connector.support.RungDispatch;
import io.itdr.fixture.azure.ConditionalAccessSandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** disable_identity with method=conditional_access: a blocking policy for the service principal, only with Workload ID Premium. */
class ConditionalAccessBlockTest {
    private static final String BILLING_SP = "4b6986ec-c49c-40c0-89ce-b2ac51213e39";
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

    private static ActionRequest block() {
        return new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(null, IdentityRef.of(BILLING_SP), null),
                Map.of("method", "conditional_access"));
    }

    private List<ObjectNode> policies() {
        ConditionalAccessSandbox ca = tenant.conditionalAccess();
        synchronized (ca) {
            return List.copyOf(ca.policies.values());
        }
    }

    @Test
    void withoutWorkloadIdPremiumTheBlockIsRefusedAndNamesTheAlternative() {
        assertThatThrownBy(() -> connector.actions().plan(block())).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
            assertThat(e.getMessage()).contains("Workload ID Premium", "AAD_WRKLDID_P1", "accountEnabled=false");
        });
        assertThat(policies()).isEmpty();
    }

    @Test
    void withTheLicenceAPolicyBlocksTheServicePrincipalAndRevertDeletesIt() {
        ConditionalAccessSandbox ca = tenant.conditionalAccess();
        synchronized (ca) {
            ca.workloadIdentitiesPremium = true;
        }
        ActionPlan plan = connector.actions().plan(block());
        assertThat(plan.reversibility()).isEqualTo(Reversibility.REVERSIBLE);
        assertThat(plan.details()).containsEntry(RungDispatch.ACTION, ConditionalAccessBlock.NAME);
        assertThat(plan.summary()).contains("billing-exporter", "until they expire");

        connector.actions().execute(plan, "ca-k1");
        assertThat(policies()).singleElement().satisfies(p -> {
            assertThat(p.get("displayName").asText()).isEqualTo("itdr: block service principal " + BILLING_SP);
            assertThat(p.get("state").asText()).isEqualTo("enabled");
            assertThat(p.at("/conditions/clientApplications/includeServicePrincipals/0").asText()).isEqualTo(BILLING_SP);
            assertThat(p.at("/conditions/applications/includeApplications/0").asText()).isEqualTo("All");
            assertThat(p.at("/grantControls/builtInControls/0").asText()).isEqualTo("block");
        });
        synchronized (tenant.directory()) {
            assertThat(tenant.directory().servicePrincipals.get(BILLING_SP).accountEnabled).isTrue();
        }
        assertThat(connector.actions().execute(plan, "ca-k1").alreadyApplied()).isTrue();
        assertThat(connector.actions().verify(plan).inPostState()).isTrue();

        connector.actions().revert(plan, false);
        assertThat(policies()).isEmpty();
    }

    @Test
    void withoutTheMethodDisableIdentityStillSetsAccountEnabled() {
        ActionPlan plan = connector.actions().plan(new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(null,
                IdentityRef.of(BILLING_SP), null), Map.of()));
        connector.actions().execute(plan, "ca-k2");
        synchronized (tenant.directory()) {
            assertThat(tenant.directory().servicePrincipals.get(BILLING_SP).accountEnabled).isFalse();
        }
        assertThat(policies()).isEmpty();
    }
}

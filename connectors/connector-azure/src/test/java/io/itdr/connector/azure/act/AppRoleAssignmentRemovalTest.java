package io.itdr.connector.azure.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.connector.support.RungDispatch;
import io.itdr.fixture.azure.DirectorySandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * quarantine_session on Graph: billing-exporter's application permissions (RoleManagement.ReadWrite.Directory and
 * AuditLog.Read.All on Microsoft Graph) removed, and granted again from the snapshot on revert.
 */
class AppRoleAssignmentRemovalTest {
    private static final String BILLING_SP = "4b6986ec-c49c-40c0-89ce-b2ac51213e39";
    private static final String GRAPH_SP = "9a2c4f1e-0000-4000-8000-00000000a001";
    private static final String ROLE_MANAGEMENT = "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8";
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

    private static ActionRequest quarantine(Map<String, String> parameters) {
        return new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(null, IdentityRef.of(BILLING_SP), null), parameters);
    }

    private List<String[]> assignments() {
        DirectorySandbox directory = tenant.directory();
        synchronized (directory) {
            return new ArrayList<>(directory.servicePrincipals.get(BILLING_SP).appRoleAssignments);
        }
    }

    @Test
    void removalIsCompensableAndRevertGrantsTheSamePermissionsAsNewAssignments() {
        assertThat(connector.actions().rungs()).containsEntry(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE);
        ActionPlan plan = connector.actions().plan(quarantine(Map.of()));
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.details()).containsEntry(RungDispatch.ACTION, AppRoleAssignmentRemoval.NAME);
        assertThat(plan.summary()).contains("Microsoft Graph:RoleManagement.ReadWrite.Directory", "Microsoft Graph:AuditLog.Read.All",
                "until they expire", "new ids");
        assertThat(plan.calls()).hasSize(2);

        connector.actions().execute(plan, "ara-k1");
        assertThat(assignments()).isEmpty();
        assertThat(connector.actions().execute(plan, "ara-k1").alreadyApplied()).isTrue();
        assertThat(connector.actions().verify(plan).inPostState()).isTrue();

        connector.actions().revert(plan, false);
        List<String[]> after = assignments();
        assertThat(after).hasSize(2).allSatisfy(a -> {
            assertThat(a[0]).isEqualTo(GRAPH_SP);
            assertThat(a).hasSize(3); // created by POST: a new assignment id
        });
        assertThat(after.stream().map(a -> a[1])).contains(ROLE_MANAGEMENT);
        assertThat(connector.actions().verify(plan).inPostState()).isFalse();
    }

    @Test
    void aPermissionGrantedAgainByAnAdministratorIsDrift() {
        ActionPlan plan = connector.actions().plan(quarantine(Map.of()));
        connector.actions().execute(plan, "ara-k2");
        DirectorySandbox directory = tenant.directory();
        synchronized (directory) {
            directory.servicePrincipals.get(BILLING_SP).appRoleAssignments.add(new String[] {GRAPH_SP, ROLE_MANAGEMENT, "ara-by-admin"});
        }
        assertThatThrownBy(() -> connector.actions().revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIFT));
    }

    @Test
    void withSubscriptionsAzureRolesAreTheDefaultAndAppRolesAreChosenByParameter() {
        Connector withRbac = tenant.connect(new AzureConnectorFactory(TckAccess.credentials()),
                Map.of("subscriptions", TckAccess.Tenant.SUBSCRIPTION));
        assertThat(withRbac.actions().plan(quarantine(Map.of())).details()).containsEntry(RungDispatch.ACTION, "remove_azure_role_assignments");
        ActionPlan appRoles = withRbac.actions().plan(quarantine(Map.of(EntraActionExecutor.PRIVILEGES_PARAMETER,
                EntraActionExecutor.APP_ROLES_PARAMETER_VALUE)));
        assertThat(appRoles.details()).containsEntry(RungDispatch.ACTION, AppRoleAssignmentRemoval.NAME);
        withRbac.actions().execute(appRoles, "ara-k3");
        assertThat(assignments()).isEmpty();
    }

    @Test
    void aServicePrincipalWithoutPermissionsGetsANoOpPlan() {
        ActionPlan plan = connector.actions().plan(new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(null,
                IdentityRef.of("7d1e5c3b-1111-4222-8333-444455556666"), null), Map.of()));
        assertThat(plan.calls()).isEmpty();
        assertThat(plan.summary()).contains("nothing to remove");
    }
}

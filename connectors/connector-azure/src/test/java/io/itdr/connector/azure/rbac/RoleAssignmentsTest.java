package io.itdr.connector.azure.rbac;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.itdr.connector.azure.AzureConnectorFactory;
import io.itdr.connector.azure.TckAccess;
import io.itdr.fixture.azure.ArmAuthorizationSandbox;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryIdentity;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Azure RBAC role assignments: in the inventory, and removed ↔ restored (quarantine_session) against the ARM simulation. */
class RoleAssignmentsTest {
    private static final String BILLING = "4b6986ec-c49c-40c0-89ce-b2ac51213e39";
    private static final String BACKUP = "a8b4c2d0-aaaa-4bbb-8ccc-ddddeeeeffff";
    private static final String SUB = "/subscriptions/" + TckAccess.Tenant.SUBSCRIPTION;
    private TckAccess.Tenant tenant;
    private Connector connector;

    @BeforeEach
    void start() {
        tenant = TckAccess.tenant();
        connector = tenant.connect(new AzureConnectorFactory(TckAccess.credentials()), Map.of("subscriptions", TckAccess.Tenant.SUBSCRIPTION));
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    private Map<String, String> assignments() {
        synchronized (tenant.rbac()) {
            return tenant.rbac().assignments.values().stream().collect(Collectors.toMap(ArmAuthorizationSandbox.Assignment::id,
                    a -> a.principalId() + " " + ArmAuthorizationSandbox.BUILT_IN_ROLES.get(a.roleDefinitionGuid()) + " " + a.scope()));
        }
    }

    private static ActionRequest quarantine(String id) {
        return new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(null, IdentityRef.of(id), null), Map.of());
    }

    @Test
    void theInventoryListsAzureRolesAndFlagsOwnerContributorAndKeyVaultAdministrators() {
        InventoryIdentity billing = connector.inventory().get(null, IdentityRef.of(BILLING)).orElseThrow();
        assertThat(billing.privilegeScopes()).contains("azureRole:Owner at " + SUB,
                "azureRole:Key Vault Secrets User at " + SUB + "/resourceGroups/billing-rg/providers/Microsoft.KeyVault/vaults/billing-kv",
                "azureRole:Reader at /providers/Microsoft.Management/managementGroups/contoso-root");
        assertThat(billing.tags()).containsEntry("privileged_azure_roles", "Owner");

        InventoryIdentity backup = connector.inventory().get(null, IdentityRef.of(BACKUP)).orElseThrow();
        assertThat(backup.tags()).containsEntry("privileged_azure_roles", "Contributor");
        assertThat(backup.privileged()).isTrue();
    }

    @Test
    void theListIsFollowedAcrossNextLinkPages() {
        synchronized (tenant.rbac()) {
            tenant.rbac().pageSize = 1;
        }
        InventoryIdentity billing = connector.inventory().get(null, IdentityRef.of(BILLING)).orElseThrow();
        assertThat(billing.privilegeScopes().stream().filter(s -> s.startsWith("azureRole:"))).hasSize(3);
    }

    @Test
    void quarantineRemovesTheRolesWithinTheSubscriptionAndRevertRecreatesThemUnderNewIds() {
        assertThat(connector.actions().rungs()).containsEntry(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE);
        Map<String, String> before = assignments();
        ActionPlan plan = connector.actions().plan(quarantine(BILLING));
        assertThat(plan.reversibility()).isEqualTo(Reversibility.COMPENSABLE);
        assertThat(plan.calls()).hasSize(2);
        assertThat(plan.summary()).contains("Owner at " + SUB).contains("new ids");
        assertThat(assignments()).as("plan only reads").isEqualTo(before);

        var result = connector.actions().execute(plan, "k-1");
        assertThat(assignments().values()).noneMatch(v -> v.startsWith(BILLING + " Owner"))
                .noneMatch(v -> v.startsWith(BILLING + " Key Vault Secrets User"))
                .anyMatch(v -> v.startsWith(BILLING + " Reader")); // inherited from the management group: untouched
        assertThat(connector.actions().execute(plan, "k-1").alreadyApplied()).isTrue();
        assertThat(connector.actions().verify(plan).inPostState()).isTrue();
        assertThat(result).isNotNull();

        connector.actions().revert(plan, false);
        Map<String, String> after = assignments();
        assertThat(after.values()).containsExactlyInAnyOrderElementsOf(before.values());
        assertThat(after.keySet()).as("restored under new ids").isNotEqualTo(before.keySet());
        synchronized (tenant.rbac()) {
            assertThat(tenant.rbac().assignments.values()).filteredOn(a -> a.roleDefinitionGuid().equals(ArmAuthorizationSandbox.OWNER))
                    .singleElement().satisfies(a -> assertThat(a.description()).isEqualTo("billing export writes cost reports"));
        }
    }

    @Test
    void revertAfterAnAdministratorReassignedARoleRefusesWithDrift() {
        ActionPlan plan = connector.actions().plan(quarantine(BACKUP));
        connector.actions().execute(plan, "k-2");
        tenant.rbac().add(new ArmAuthorizationSandbox.Assignment("99999999-1111-4e2f-8a9b-000000000009", SUB + "/resourceGroups/backup-rg",
                ArmAuthorizationSandbox.CONTRIBUTOR, BACKUP, "ServicePrincipal", null, null));

        assertThatThrownBy(() -> connector.actions().revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIFT));
    }

    @Test
    void aServicePrincipalWithoutRolesHasNothingToRemove() {
        ActionPlan plan = connector.actions().plan(quarantine("7d1e5c3b-1111-4222-8333-444455556666"));
        assertThat(plan.calls()).isEmpty();
        assertThat(plan.preState().sameStateAs(plan.postState())).isTrue();
    }

    @Test
    void withoutSubscriptionsNoRoleIsReadAndQuarantineTakesGraphAppRolesOnly() {
        Connector plain = tenant.connect(new AzureConnectorFactory(TckAccess.credentials()), Map.of());
        assertThat(plain.actions().plan(quarantine(BILLING)).details()).containsEntry(io.itdr.connector.support.RungDispatch.ACTION,
                "remove_app_role_assignments");
        assertThat(plain.inventory().get(null, IdentityRef.of(BILLING)).orElseThrow().privilegeScopes())
                .noneMatch(s -> s.startsWith("azureRole:"));
    }

    @Test
    void armFaultsSurfaceWithTheStandardCodes() {
        String path = "(?i).*/providers/Microsoft\\.Authorization/roleAssignments.*";
        tenant.server().stubFor(any(urlPathMatching(path)).atPriority(1).willReturn(ArmAuthorizationSandbox.error(429,
                "TooManyRequests", "The request is being throttled.").withHeader("Retry-After", "17")));
        assertThatThrownBy(() -> connector.actions().plan(quarantine(BILLING))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(17));
        });
        tenant.server().stubFor(any(urlPathMatching(path)).atPriority(1).willReturn(ArmAuthorizationSandbox.error(503,
                "ServiceUnavailable", "The service is unavailable.")));
        assertThatThrownBy(() -> connector.actions().plan(quarantine(BILLING))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        tenant.server().stubFor(any(urlPathMatching(path)).atPriority(1).willReturn(ArmAuthorizationSandbox.error(403,
                "AuthorizationFailed", "The client does not have authorization to perform action "
                        + "'Microsoft.Authorization/roleAssignments/read'.")));
        assertThatThrownBy(() -> connector.actions().plan(quarantine(BILLING))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
        tenant.server().stubFor(any(urlPathMatching(path)).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"value\":[{\"properties\":{}}]}")));
        assertThatThrownBy(() -> connector.actions().plan(quarantine(BILLING))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
        tenant.server().stubFor(any(urlPathMatching(path)).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"value\":[")));
        assertThatThrownBy(() -> connector.inventory().get(null, IdentityRef.of(BILLING))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }

    /**
     * Quarantine of BILLING removes two assignments; the first DELETE reaches ARM, the second is
     * refused with 503 (https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/request-limits-and-throttling),
     * later ones reach ARM again: the action is half done.
     */
    private ActionPlan quarantineFailingAtItsSecondRemoval() {
        ActionPlan plan = connector.actions().plan(quarantine(BILLING));
        assertThat(plan.calls()).hasSize(2);
        String path = "(?i).*/providers/Microsoft\\.Authorization/roleAssignments/[^/]+";
        tenant.server().stubFor(delete(urlPathMatching(path)).atPriority(1).inScenario("half-way").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(tenant.rbac().routed()).willSetStateTo("one removed"));
        tenant.server().stubFor(delete(urlPathMatching(path)).atPriority(1).inScenario("half-way").whenScenarioStateIs("one removed")
                .willReturn(ArmAuthorizationSandbox.error(503, "ServiceUnavailable", "The service is unavailable."))
                .willSetStateTo("available again"));
        ConnectorException failed = catchThrowableOfType(ConnectorException.class, () -> connector.actions().execute(plan, "k-half"));
        assertThat(failed).as("execution failing at its second removal").isNotNull();
        assertThat(failed.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(failed.retriable()).isTrue();
        return plan;
    }

    @Test
    void aQuarantineFailingHalfWayIsShownPartialAndAForcedRevertRestoresItsFirstStep() {
        Map<String, String> before = assignments();
        ActionPlan plan = quarantineFailingAtItsSecondRemoval();

        // partially contained, and verify says which part: one assignment removed, one still held
        Verification partial = connector.actions().verify(plan);
        assertThat(partial.inPostState()).isFalse();
        assertThat(partial.observed().state().values()).containsExactlyInAnyOrder("removed", "assigned");
        assertThat(partial.detail()).contains("expected removed, found assigned");
        assertThat(assignments()).hasSize(before.size() - 1);

        // the state is not the action's post-state, so only an approver's forced revert undoes the first step
        assertThatThrownBy(() -> connector.actions().revert(plan, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.DRIFT));
        RevertResult restored = connector.actions().revert(plan, true);
        assertThat(restored.performed()).as("only the removed assignment is re-created").hasSize(1);
        assertThat(assignments().values()).containsExactlyInAnyOrderElementsOf(before.values());
        assertThat(connector.actions().verify(plan).observed().state().values()).containsOnly("assigned");
    }

    @Test
    void aQuarantineFailingHalfWayIsCompletedByExecutingAgainWithoutRemovingAnythingTwice() {
        Map<String, String> before = assignments();
        ActionPlan plan = quarantineFailingAtItsSecondRemoval();
        int deletesSoFar = deletes();

        var completed = connector.actions().execute(plan, "k-half");
        assertThat(completed.alreadyApplied()).isFalse();
        assertThat(connector.actions().verify(plan).inPostState()).isTrue();
        // both removed, nothing else touched (the inherited Reader stays); the first DELETE, sent again, is a 204 at ARM
        assertThat(assignments()).hasSize(before.size() - 2);
        assertThat(assignments().values()).anyMatch(v -> v.startsWith(BILLING + " Reader"));
        assertThat(deletes() - deletesSoFar).isEqualTo(2);
    }

    private int deletes() {
        return tenant.server().findAll(deleteRequestedFor(urlPathMatching("(?i).*/roleAssignments/.*"))).size();
    }
}

package io.itdr.connector.azure.act;

import io.itdr.connector.azure.GraphSdk;
import io.itdr.connector.azure.rbac.RoleAssignments;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;
import java.util.Objects;

/**
 * Containment on Microsoft Entra through Microsoft Graph:
 * <ul>
 *   <li>disable_identity → a service principal's (or managed identity's) {@code accountEnabled} false ↔ true
 *       (reversible; {@link ServicePrincipalDisablement}); with the request parameter {@code method=conditional_access}, a
 *       Conditional Access policy blocking it, deleted on revert (reversible; only in a tenant with Workload ID Premium;
 *       {@link ConditionalAccessBlock});</li>
 *   <li>disable_credential → by the credential's kind: a client secret ({@code client_secret}) {@code removePassword}ed on the app
 *       registration or the service principal (irreversible: Entra cannot deactivate a secret, and a removed one cannot be
 *       re-created; {@link PasswordCredentialRemoval}); a certificate ({@code certificate}) removed from the app registration's
 *       key credentials and added back from the snapshot on revert (compensable; {@link KeyCredentialRemoval}); a federated
 *       identity credential ({@code federated_credential}) deleted and re-created from the snapshot on revert (compensable: a new
 *       id; {@link FederatedCredentialRemoval}). The reversible containment of a leaked secret is disable_identity. The rung is
 *       declared irreversible, its worst case; each plan carries its own class.</li>
 *   <li>quarantine_session → the privileges it holds taken away, re-granted from the snapshot on revert (compensable: new
 *       ids): its Microsoft Graph app role assignments (application permissions; {@link AppRoleAssignmentRemoval}), or, when
 *       {@code subscriptions} is configured, its Azure RBAC role assignments in them ({@link RoleAssignmentRemoval}) unless the
 *       request's parameter {@code privileges} is {@value #APP_ROLES_PARAMETER_VALUE}.</li>
 * </ul>
 * Other rungs are refused with the standard NOT_SUPPORTED error. Not offered, and why: revoking sessions
 * ({@code revokeSignInSessions}) exists for users only, not for service principals.
 *
 * <p>The execute / verify / revert lifecycle (idempotency, drift, verification) is connector-support's
 * {@link SnapshotActionExecutor}. Thread-safe.
 */
public final class EntraActionExecutor extends SnapshotActionExecutor {
    private static final String PASSWORD = PasswordCredentialRemoval.NAME;
    private static final String FEDERATED = FederatedCredentialRemoval.NAME;
    private static final String CERTIFICATE = KeyCredentialRemoval.NAME;
    /** The request parameter choosing which privileges quarantine_session removes when Azure RBAC is configured too. */
    public static final String PRIVILEGES_PARAMETER = "privileges";
    /** {@value #PRIVILEGES_PARAMETER} = this: the Graph app role assignments, not the Azure role assignments. */
    public static final String APP_ROLES_PARAMETER_VALUE = "app_roles";

    public EntraActionExecutor(String connectorId, GraphSdk graph, Clock clock) {
        this(connectorId, graph, null, clock);
    }

    /** @param rbac the configured subscriptions' role assignments; null when none is configured (no quarantine_session) */
    public EntraActionExecutor(String connectorId, GraphSdk graph, RoleAssignments rbac, Clock clock) {
        super(dispatch(Objects.requireNonNull(connectorId, "connectorId"), Objects.requireNonNull(graph, "graph"), rbac,
                Objects.requireNonNull(clock, "clock")));
    }

    private static RungDispatch<PlannedAction> dispatch(String connectorId, GraphSdk graph, RoleAssignments rbac, Clock clock) {
        boolean azureRbac = rbac != null && !rbac.subscriptions().isEmpty();
        PlannedAction appRoles = new AppRoleAssignmentRemoval(connectorId, graph, clock);
        // plans of the established actions carry no action detail (plans made before the alternatives existed): ChosenAction
        // sends every plan that does not name the alternative to the established action
        PlannedAction quarantine = azureRbac ? new ChosenAction(new RoleAssignmentRemoval(connectorId, rbac, clock), AppRoleAssignmentRemoval.NAME,
                appRoles, request -> APP_ROLES_PARAMETER_VALUE.equals(request.parameters().get(PRIVILEGES_PARAMETER))) : appRoles;
        return RungDispatch.<PlannedAction>builder(connectorId)
                .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new ChosenAction(new ServicePrincipalDisablement(connectorId, graph, clock),
                        ConditionalAccessBlock.NAME, new ConditionalAccessBlock(connectorId, graph, clock), ConditionalAccessBlock::chosen))
                // the worst case of the credentials it acts on: a client secret's removal cannot be undone
                .choose(Rung.DISABLE_CREDENTIAL, Reversibility.IRREVERSIBLE, EntraActionExecutor::credentialAction)
                .action(PASSWORD, new PasswordCredentialRemoval(connectorId, graph, clock))
                .action(CERTIFICATE, new KeyCredentialRemoval(connectorId, graph, clock))
                .action(FEDERATED, new FederatedCredentialRemoval(connectorId, graph, clock))
                .rung(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE, quarantine)
                .build();
    }

    private static String credentialAction(io.itdr.spi.action.ActionRequest request) {
        String kind = request.target().credential() == null ? null : request.target().credential().kind();
        if (FederatedCredentialRemoval.KIND.equals(kind)) {
            return FEDERATED;
        }
        return KeyCredentialRemoval.KIND.equals(kind) ? CERTIFICATE : PASSWORD;
    }
}

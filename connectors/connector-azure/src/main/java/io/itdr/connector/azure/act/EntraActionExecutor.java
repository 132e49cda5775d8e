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
 *       (reversible; {@link ServicePrincipalDisablement});</li>
 *   <li>disable_credential → {@code removePassword} of a client secret on the app registration or the service
 *       principal (irreversible: Entra cannot deactivate a secret, and a removed one cannot be re-created;
 *       {@link PasswordCredentialRemoval}). The reversible containment of a leaked secret is disable_identity. For a
 *       credential of kind {@code federated_credential}: the federated identity credential deleted and re-created from
 *       the snapshot on revert (compensable: a new id; {@link FederatedCredentialRemoval}). The rung is declared
 *       irreversible, its worst case; each plan carries its own class.</li>
 *   <li>quarantine_session → the service principal's Azure RBAC role assignments in the configured subscriptions
 *       deleted, re-created from the snapshot on revert (compensable: new assignment ids; {@link RoleAssignmentRemoval}),
 *       offered only when {@code subscriptions} is configured.</li>
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

    public EntraActionExecutor(String connectorId, GraphSdk graph, Clock clock) {
        this(connectorId, graph, null, clock);
    }

    /** @param rbac the configured subscriptions' role assignments; null when none is configured (no quarantine_session) */
    public EntraActionExecutor(String connectorId, GraphSdk graph, RoleAssignments rbac, Clock clock) {
        super(dispatch(Objects.requireNonNull(connectorId, "connectorId"), Objects.requireNonNull(graph, "graph"), rbac,
                Objects.requireNonNull(clock, "clock")));
    }

    private static RungDispatch<PlannedAction> dispatch(String connectorId, GraphSdk graph, RoleAssignments rbac, Clock clock) {
        RungDispatch.Builder<PlannedAction> dispatch = RungDispatch.<PlannedAction>builder(connectorId)
                .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new ServicePrincipalDisablement(connectorId, graph, clock))
                // the worst case of the credentials it acts on: a client secret's removal cannot be undone
                .choose(Rung.DISABLE_CREDENTIAL, Reversibility.IRREVERSIBLE, request -> request.target().credential() != null
                        && FederatedCredentialRemoval.KIND.equals(request.target().credential().kind()) ? FEDERATED : PASSWORD)
                .action(PASSWORD, new PasswordCredentialRemoval(connectorId, graph, clock))
                .action(FEDERATED, new FederatedCredentialRemoval(connectorId, graph, clock));
        if (rbac != null && !rbac.subscriptions().isEmpty()) {
            dispatch.rung(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE, new RoleAssignmentRemoval(connectorId, rbac, clock));
        }
        return dispatch.build();
    }
}

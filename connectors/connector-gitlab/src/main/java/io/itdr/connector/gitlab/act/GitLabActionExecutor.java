package io.itdr.connector.gitlab.act;

import io.itdr.connector.gitlab.GitLabLibrary;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;

/**
 * Containment on GitLab, one action per rung:
 * <ul>
 *   <li>disable_identity: block ↔ unblock an account (service account, bot or user) ({@link ServiceAccountBlock}, reversible);</li>
 *   <li>disable_credential: remove a project's deploy key; revert enables it again or re-adds its public key
 *       ({@link DeployKeyRemoval}, compensable);</li>
 *   <li>rotate_credential: rotate a project access token, the new value to the masked CI/CD variable the request names
 *       ({@link ProjectTokenRotation}, irreversible: GitLab revokes the old value as it rotates);</li>
 *   <li>quarantine_session: revoke a project access token ({@link ProjectTokenRevocation}, irreversible: GitLab cannot
 *       reactivate one), so it always waits for an approver.</li>
 * </ul>
 * Lifecycle, idempotency and drift are connector-support's ({@link SnapshotActionExecutor}). Thread-safe.
 */
public final class GitLabActionExecutor extends SnapshotActionExecutor {
    public GitLabActionExecutor(String connectorId, GitLabLibrary library, Clock clock) {
        super(dispatch(connectorId, new GitLabCalls(library), clock));
    }

    private static RungDispatch<PlannedAction> dispatch(String connectorId, GitLabCalls calls, Clock clock) {
        return RungDispatch.<PlannedAction>builder(connectorId)
                .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new ServiceAccountBlock(connectorId, calls, clock))
                .rung(Rung.DISABLE_CREDENTIAL, Reversibility.COMPENSABLE, new DeployKeyRemoval(connectorId, calls, clock))
                .rung(Rung.ROTATE_CREDENTIAL, Reversibility.IRREVERSIBLE, new ProjectTokenRotation(connectorId, calls, clock))
                .rung(Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE, new ProjectTokenRevocation(connectorId, calls, clock))
                .build();
    }
}

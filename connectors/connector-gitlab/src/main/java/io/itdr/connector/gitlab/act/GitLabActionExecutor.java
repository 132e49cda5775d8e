package io.itdr.connector.gitlab.act;

import io.itdr.connector.gitlab.GitLabLibrary;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;

/**
 * Containment on GitLab, one action per rung: disable_identity blocks an account (service account, bot or
 * user) ↔ unblocks it ({@link ServiceAccountBlock}, reversible); disable_credential revokes a project access
 * token ({@link ProjectTokenRevocation}, irreversible: GitLab cannot reactivate one). Lifecycle, idempotency and
 * drift are connector-support's ({@link SnapshotActionExecutor}). Thread-safe.
 */
public final class GitLabActionExecutor extends SnapshotActionExecutor {
    public GitLabActionExecutor(String connectorId, GitLabLibrary library, Clock clock) {
        super(dispatch(connectorId, new GitLabCalls(library), clock));
    }

    private static RungDispatch<PlannedAction> dispatch(String connectorId, GitLabCalls calls, Clock clock) {
        return RungDispatch.<PlannedAction>builder(connectorId)
                .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new ServiceAccountBlock(connectorId, calls, clock))
                .rung(Rung.DISABLE_CREDENTIAL, Reversibility.IRREVERSIBLE, new ProjectTokenRevocation(connectorId, calls, clock))
                .build();
    }
}

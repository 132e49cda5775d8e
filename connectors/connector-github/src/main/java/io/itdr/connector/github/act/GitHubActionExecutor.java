package io.itdr.connector.github.act;

import io.itdr.connector.github.GitHubApi;
import io.itdr.connector.github.GitHubLibrary;
import io.itdr.connector.github.GitHubSignIn;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;

/**
 * Containment on GitHub, one action per rung:
 * <table>
 *   <caption>rungs and actions</caption>
 *   <tr><th>rung</th><th>target</th><th>action</th><th>class</th></tr>
 *   <tr><td>disable_identity</td><td>{@code <org>/<repo>:workflow:<id>}</td><td>workflow disable ↔ enable ({@link WorkflowSwitch})</td><td>reversible</td></tr>
 *   <tr><td>disable_credential</td><td>{@code <org>/<repo>:deploy_key:<id>}</td><td>deploy key removed; revert re-adds its public key ({@link DeployKeyRemoval})</td><td>compensable</td></tr>
 *   <tr><td>quarantine_session</td><td>owner login + {@code token_id}</td><td>fine-grained token's org access revoked ({@link PatGrantRevocation}); GitHub App sign-in only</td><td>irreversible</td></tr>
 * </table>
 * disable_identity of {@code <app slug>[bot]} suspends ↔ unsuspends that app's installation ({@link InstallationSuspension}),
 * for the one app whose key the operator gives ({@code managed-app-id}): GitHub takes only the JWT of the app itself
 * (https://docs.github.com/en/rest/apps/apps#suspend-an-app-installation). Lifecycle, idempotency and drift are
 * connector-support's ({@link SnapshotActionExecutor}). Thread-safe: the actions are stateless.
 */
public final class GitHubActionExecutor extends SnapshotActionExecutor {

    /**
     * @param appMode whether the connector signs in as a GitHub App: only then are token grants revoked
     */
    public GitHubActionExecutor(String connectorId, GitHubApi api, GitHubSignIn signIn, GitHubLibrary library, String org, boolean appMode,
                                InstallationSuspension.ManagedApp managedApp, Clock clock) {
        super(dispatch(connectorId, new GitHubOrg(api, signIn, library, org), appMode, managedApp, clock));
    }

    private static RungDispatch<PlannedAction> dispatch(String connectorId, GitHubOrg org, boolean appMode, InstallationSuspension.ManagedApp managedApp,
                                                        Clock clock) {
        RungDispatch.Builder<PlannedAction> dispatch = RungDispatch.<PlannedAction>builder(connectorId)
                // an app's bot login names its installation; anything else a workflow
                .choose(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, request -> InstallationSuspension.names(request) ? InstallationSuspension.NAME
                        : WorkflowSwitch.NAME)
                .action(WorkflowSwitch.NAME, new WorkflowSwitch(connectorId, org, clock))
                .action(InstallationSuspension.NAME, new InstallationSuspension(connectorId, org, managedApp, clock))
                .rung(Rung.DISABLE_CREDENTIAL, Reversibility.COMPENSABLE, new DeployKeyRemoval(connectorId, org, clock));
        if (appMode) {
            dispatch.rung(Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE, new PatGrantRevocation(connectorId, org, clock));
        }
        return dispatch.build();
    }
}

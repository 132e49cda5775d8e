package io.itdr.connector.gcp.act;

import com.google.api.services.iam.v1.model.DisableServiceAccountRequest;
import com.google.api.services.iam.v1.model.EnableServiceAccountRequest;
import com.google.api.services.iam.v1.model.ServiceAccount;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * disable_identity: the service account disabled
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts/disable), undone by
 * enabling it (…/enable). Reversible: a disabled account cannot sign in or use its access tokens, which
 * IAM accepts again once it is enabled (iam.proto: DisableServiceAccount). Enabling does not undo a
 * disable Google applied itself; that shows as drift.
 */
final class AccountDisabling implements PlannedAction {
    private final String connectorId;
    private final GcpClients clients;
    private final Clock clock;

    AccountDisabling(String connectorId, GcpClients clients, Clock clock) {
        this.connectorId = connectorId;
        this.clients = clients;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String email = ServiceAccounts.email(connectorId, request);
        ServiceAccount account = read(email);
        Snapshot pre = SnapshotExecution.snapshot(clock, stateKey(email), Boolean.toString(Boolean.TRUE.equals(account.getDisabled())));
        Snapshot post = SnapshotExecution.snapshot(clock, stateKey(email), "true");
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(call("disable", email));
        return new ActionPlan(connectorId, request, calls, Reversibility.REVERSIBLE, pre, post,
                "Disable service account " + email + " of project " + account.getProjectId() + " (its access tokens stop working)",
                Map.of("email", email, "project", String.valueOf(account.getProjectId())));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String email = PlanDetails.require(plan, "email");
        return SnapshotExecution.snapshot(clock, stateKey(email), Boolean.toString(Boolean.TRUE.equals(read(email).getDisabled())));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return set(plan, SnapshotExecution.onlyValue(plan.postState()));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        return set(plan, SnapshotExecution.onlyValue(plan.preState()));
    }

    private List<PlatformCall> set(ActionPlan plan, String disabled) {
        String email = PlanDetails.require(plan, "email");
        String name = ServiceAccounts.resource(email);
        if (Boolean.parseBoolean(disabled)) {
            clients.execute("serviceAccounts.disable " + email, Requests.make(() ->
                    clients.iam().projects().serviceAccounts().disable(name, new DisableServiceAccountRequest())));
            return List.of(call("disable", email));
        }
        clients.execute("serviceAccounts.enable " + email, Requests.make(() ->
                clients.iam().projects().serviceAccounts().enable(name, new EnableServiceAccountRequest())));
        return List.of(call("enable", email));
    }

    private ServiceAccount read(String email) {
        return clients.execute("serviceAccounts.get " + email,
                Requests.make(() -> clients.iam().projects().serviceAccounts().get(ServiceAccounts.resource(email))));
    }

    private static PlatformCall call(String verb, String email) {
        return new PlatformCall("iam:projects.serviceAccounts." + verb, email, true);
    }

    private static String stateKey(String email) {
        return "serviceAccount/" + email + "/disabled";
    }
}

package io.itdr.connector.gcp.act;

import com.google.api.services.iam.v1.model.DisableServiceAccountKeyRequest;
import com.google.api.services.iam.v1.model.EnableServiceAccountKeyRequest;
import com.google.api.services.iam.v1.model.ServiceAccountKey;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.support.ActionTargets;
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
 * disable_credential: a user-managed service account key disabled
 * (https://cloud.google.com/iam/docs/reference/rest/v1/projects.serviceAccounts.keys/disable), undone by
 * enabling it (…/keys/enable). Reversible: the key keeps its id and private key; while disabled it cannot
 * sign in. Google-managed keys cannot be disabled and are refused.
 */
final class KeyDisabling implements PlannedAction {
    private final String connectorId;
    private final GcpClients clients;
    private final Clock clock;

    KeyDisabling(String connectorId, GcpClients clients, Clock clock) {
        this.connectorId = connectorId;
        this.clients = clients;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String email = ServiceAccounts.email(connectorId, request);
        String keyId = ActionTargets.credential(connectorId, request, "a service account key id in the target").id();
        String name = ServiceAccounts.resource(email) + "/keys/" + keyId;
        ServiceAccountKey key = read(name);
        if ("SYSTEM_MANAGED".equals(key.getKeyType())) {
            throw ActionTargets.refuse(connectorId, request, "key " + keyId + " is Google-managed; only user-managed keys can be disabled");
        }
        Snapshot pre = SnapshotExecution.snapshot(clock, stateKey(email, keyId), Boolean.toString(Boolean.TRUE.equals(key.getDisabled())));
        Snapshot post = SnapshotExecution.snapshot(clock, stateKey(email, keyId), "true");
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(call("disable", name));
        return new ActionPlan(connectorId, request, calls, Reversibility.REVERSIBLE, pre, post,
                "Disable key " + keyId + " of service account " + email + " (valid from " + key.getValidAfterTime() + ")",
                Map.of("name", name, "email", email, "keyId", keyId));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        ServiceAccountKey key = read(PlanDetails.require(plan, "name"));
        return SnapshotExecution.snapshot(clock, stateKey(PlanDetails.require(plan, "email"), PlanDetails.require(plan, "keyId")),
                Boolean.toString(Boolean.TRUE.equals(key.getDisabled())));
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
        String name = PlanDetails.require(plan, "name");
        if (Boolean.parseBoolean(disabled)) {
            clients.execute("keys.disable " + name, Requests.make(() ->
                    clients.iam().projects().serviceAccounts().keys().disable(name, new DisableServiceAccountKeyRequest())));
            return List.of(call("disable", name));
        }
        clients.execute("keys.enable " + name, Requests.make(() ->
                clients.iam().projects().serviceAccounts().keys().enable(name, new EnableServiceAccountKeyRequest())));
        return List.of(call("enable", name));
    }

    private ServiceAccountKey read(String name) {
        return clients.execute("keys.get " + name, Requests.make(() -> clients.iam().projects().serviceAccounts().keys().get(name)));
    }

    private static PlatformCall call(String verb, String name) {
        return new PlatformCall("iam:projects.serviceAccounts.keys." + verb, name, true);
    }

    private static String stateKey(String email, String keyId) {
        return "serviceAccount/" + email + "/key/" + keyId + "/disabled";
    }
}

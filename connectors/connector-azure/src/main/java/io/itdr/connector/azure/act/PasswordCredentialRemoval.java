package io.itdr.connector.azure.act;

import com.microsoft.graph.models.Application;
import com.microsoft.graph.models.PasswordCredential;
import com.microsoft.graph.models.ServicePrincipal;
import io.itdr.connector.azure.GraphSdk;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.CredentialRef;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * disable_credential of a client secret: {@code POST /v1.0/applications/{id}/removePassword} (a secret of the app
 * registration; https://learn.microsoft.com/en-us/graph/api/application-removepassword) or
 * {@code POST /v1.0/servicePrincipals/{id}/removePassword} (one on the service principal;
 * https://learn.microsoft.com/en-us/graph/api/serviceprincipal-removepassword), body {@code {"keyId":…}}.
 * IRREVERSIBLE: Entra has no way to deactivate a client secret, and a removed one cannot be re-created
 * ({@code addPassword} generates a new secret with a new key id that every client would need); the engine
 * therefore asks for approval, and revert refuses. The state read is the sorted key ids of the owner's
 * {@code passwordCredentials}. Certificates (key credentials) are {@link KeyCredentialRemoval}'s. Calls through the Graph SDK.
 */
final class PasswordCredentialRemoval implements PlannedAction {
    /** The action's name in plans (disable_credential chooses it for client secrets). */
    static final String NAME = "remove_client_secret";
    private final String connectorId;
    private final GraphSdk graph;
    private final Clock clock;

    PasswordCredentialRemoval(String connectorId, GraphSdk graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        CredentialRef credential = ActionTargets.credential(connectorId, request, "the key id of a client secret in the target");
        if (credential.kind() != null && !credential.kind().equals("client_secret")) {
            throw ActionTargets.refuse(connectorId, request, "it removes client secrets (password credentials), not "
                    + credential.kind() + " credentials");
        }
        String spId = request.target().identity().id();
        String keyId = credential.id().toLowerCase(java.util.Locale.ROOT);
        ServicePrincipal sp = graph.call("GET /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals()
                .byServicePrincipalId(spId).get(c -> c.queryParameters.select = new String[] {"id", "appId", "displayName", "passwordCredentials"}));
        boolean onServicePrincipal = sp != null && keyIds(sp.getPasswordCredentials()).contains(keyId);
        Application app = onServicePrincipal || sp == null ? null : application(sp.getAppId());
        String owner;
        String path;
        SortedSet<String> secrets;
        if (onServicePrincipal) {
            owner = "service principal " + sp.getDisplayName();
            path = "/v1.0/servicePrincipals/" + spId;
            secrets = keyIds(sp.getPasswordCredentials());
        } else if (app != null && app.getId() != null) {
            // on the app registration, or already removed from it (the plan is then a no-op)
            owner = "application " + app.getDisplayName();
            path = "/v1.0/applications/" + app.getId();
            secrets = keyIds(app.getPasswordCredentials());
        } else {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "no client secret with key id " + keyId + " on service principal "
                    + spId + ", which has no application registration in this tenant");
        }
        SortedSet<String> after = new TreeSet<>(secrets);
        after.remove(keyId);
        Snapshot pre = SnapshotExecution.snapshot(clock, key(path), state(secrets));
        Snapshot post = SnapshotExecution.snapshot(clock, key(path), state(after));
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(call(keyId));
        String summary = calls.isEmpty() ? "Client secret " + keyId + " is not among the secrets of " + owner + ": nothing to remove"
                : "Remove client secret " + keyId + " of " + owner + " (irreversible: the secret cannot be re-created; "
                        + "its clients need a new secret from addPassword)";
        return new ActionPlan(connectorId, request, calls, Reversibility.IRREVERSIBLE, pre, post, summary,
                Map.of("path", path, "keyId", keyId, io.itdr.connector.support.RungDispatch.ACTION, NAME));
    }

    /**
     * The key ids of the owner's client secrets, sorted, as the state: removing one leaves the others, and a secret
     * added since (by an administrator, with addPassword) shows as a change.
     */
    @Override
    public Snapshot observe(ActionPlan plan) {
        Owner owner = owner(plan);
        List<PasswordCredential> secrets = owner.application() ? graph.call("GET /v1.0/applications/{id}", () -> graph.client().applications()
                .byApplicationId(owner.id()).get(c -> c.queryParameters.select = new String[] {"id", "passwordCredentials"})).getPasswordCredentials()
                : graph.call("GET /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals().byServicePrincipalId(owner.id())
                        .get(c -> c.queryParameters.select = new String[] {"id", "passwordCredentials"})).getPasswordCredentials();
        return SnapshotExecution.snapshot(clock, key(PlanDetails.require(plan, "path")), state(keyIds(secrets)));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String keyId = PlanDetails.require(plan, "keyId");
        Owner owner = owner(plan);
        UUID key;
        try {
            key = UUID.fromString(keyId);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.INTERNAL, "plan of " + NAME + ": key id " + keyId + " is not a GUID");
        }
        if (owner.application()) {
            var body = new com.microsoft.graph.applications.item.removepassword.RemovePasswordPostRequestBody();
            body.setKeyId(key);
            graph.run("POST /v1.0/applications/{id}/removePassword", () -> graph.client().applications().byApplicationId(owner.id())
                    .removePassword().post(body));
        } else {
            var body = new com.microsoft.graph.serviceprincipals.item.removepassword.RemovePasswordPostRequestBody();
            body.setKeyId(key);
            graph.run("POST /v1.0/servicePrincipals/{id}/removePassword", () -> graph.client().servicePrincipals()
                    .byServicePrincipalId(owner.id()).removePassword().post(body));
        }
        return List.of(call(keyId));
    }

    /** The owner a plan's {@code path} names: {@code /v1.0/applications/{id}} or {@code /v1.0/servicePrincipals/{id}}. */
    private record Owner(boolean application, String id) {
    }

    private static Owner owner(ActionPlan plan) {
        String path = PlanDetails.require(plan, "path");
        for (String kind : List.of("applications", "servicePrincipals")) {
            String prefix = "/v1.0/" + kind + "/";
            if (path.startsWith(prefix) && path.length() > prefix.length() && path.indexOf('/', prefix.length()) < 0) {
                return new Owner(kind.equals("applications"), path.substring(prefix.length()));
            }
        }
        throw new ConnectorException(ErrorCode.INTERNAL, "plan of " + NAME + ": path " + path + " names no application or service principal");
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        throw ConnectorException.notSupported(connectorId, "reverting an irreversible " + plan.request().rung().policyName()
                + ": a removed client secret cannot be re-created");
    }

    private Application application(String appId) {
        if (appId == null || appId.isBlank()) {
            return null;
        }
        try {
            return graph.call("GET /v1.0/applications(appId=...)", () -> graph.client().applicationsWithAppId(appId)
                    .get(c -> c.queryParameters.select = new String[] {"id", "displayName", "passwordCredentials"}));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private static SortedSet<String> keyIds(List<PasswordCredential> credentials) {
        SortedSet<String> ids = new TreeSet<>();
        if (credentials != null) {
            for (PasswordCredential c : credentials) {
                if (c.getKeyId() != null) {
                    ids.add(c.getKeyId().toString());
                }
            }
        }
        return ids;
    }

    private static String state(SortedSet<String> keyIds) {
        return keyIds.isEmpty() ? "(none)" : String.join(",", keyIds);
    }

    private static PlatformCall call(String keyId) {
        return new PlatformCall("graph:POST removePassword", keyId, true);
    }

    private static String key(String path) {
        return path.substring("/v1.0/".length()) + "/passwordCredentials";
    }
}

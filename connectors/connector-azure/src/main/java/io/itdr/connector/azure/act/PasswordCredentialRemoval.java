package io.itdr.connector.azure.act;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.azure.GraphJson;
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

/**
 * disable_credential of a client secret: {@code POST /v1.0/applications/{id}/removePassword} (a secret of the app
 * registration; https://learn.microsoft.com/en-us/graph/api/application-removepassword) or
 * {@code POST /v1.0/servicePrincipals/{id}/removePassword} (one on the service principal;
 * https://learn.microsoft.com/en-us/graph/api/serviceprincipal-removepassword), body {@code {"keyId":…}}.
 * IRREVERSIBLE: Entra has no way to deactivate a client secret, and a removed one cannot be re-created
 * ({@code addPassword} generates a new secret with a new key id that every client would need); the engine
 * therefore asks for approval, and revert refuses. The state read is the sorted key ids of the owner's
 * {@code passwordCredentials}. Certificates (key credentials) are not
 * removed: {@code removeKey} needs a proof signed by one of the app's own keys, which the connector does not hold.
 */
final class PasswordCredentialRemoval implements PlannedAction {
    /** The action's name in plans (disable_credential chooses it for client secrets). */
    static final String NAME = "remove_client_secret";
    private final String connectorId;
    private final GraphJson graph;
    private final Clock clock;

    PasswordCredentialRemoval(String connectorId, GraphJson graph, Clock clock) {
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
        JsonNode sp = graph.object(graph.url("/v1.0/servicePrincipals/" + GraphJson.segment(spId)
                + "?$select=id,appId,displayName,passwordCredentials"), "GET /v1.0/servicePrincipals/{id}");
        JsonNode app = holds(sp, keyId) ? null : application(text(sp, "appId"));
        String owner;
        String path;
        SortedSet<String> secrets;
        if (app == null && holds(sp, keyId)) {
            owner = "service principal " + text(sp, "displayName");
            path = "/v1.0/servicePrincipals/" + GraphJson.segment(spId);
            secrets = keyIds(sp);
        } else if (app != null) {
            // on the app registration, or already removed from it (the plan is then a no-op)
            owner = "application " + text(app, "displayName");
            path = "/v1.0/applications/" + GraphJson.segment(text(app, "id"));
            secrets = keyIds(app);
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
        String path = PlanDetails.require(plan, "path");
        JsonNode owner = graph.object(graph.url(path + "?$select=id,passwordCredentials"),
                "GET " + path.replaceAll("/[^/]+$", "/{id}"));
        return SnapshotExecution.snapshot(clock, key(path), state(keyIds(owner)));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String keyId = PlanDetails.require(plan, "keyId");
        String path = PlanDetails.require(plan, "path");
        graph.http().send("POST", graph.url(path + "/removePassword"), "{\"keyId\":\"" + keyId.replace("\"", "") + "\"}",
                "POST " + path.replaceAll("/[^/]+$", "/{id}") + "/removePassword");
        return List.of(call(keyId));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        throw ConnectorException.notSupported(connectorId, "reverting an irreversible " + plan.request().rung().policyName()
                + ": a removed client secret cannot be re-created");
    }

    private JsonNode application(String appId) {
        if (appId == null) {
            return null;
        }
        try {
            return graph.object(graph.url("/v1.0/applications(appId='" + GraphJson.segment(appId) + "')"
                    + "?$select=id,displayName,passwordCredentials"), "GET /v1.0/applications(appId=...)");
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    private static boolean holds(JsonNode owner, String keyId) {
        return keyIds(owner).contains(keyId);
    }

    private static SortedSet<String> keyIds(JsonNode owner) {
        SortedSet<String> ids = new TreeSet<>();
        JsonNode list = owner == null ? null : owner.get("passwordCredentials");
        if (list != null && list.isArray()) {
            for (JsonNode c : list) {
                String id = text(c, "keyId");
                if (id != null) {
                    ids.add(id.toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        return ids;
    }

    private static String state(SortedSet<String> keyIds) {
        return keyIds.isEmpty() ? "(none)" : String.join(",", keyIds);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static PlatformCall call(String keyId) {
        return new PlatformCall("graph:POST removePassword", keyId, true);
    }

    private static String key(String path) {
        return path.substring("/v1.0/".length()) + "/passwordCredentials";
    }
}

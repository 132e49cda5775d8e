package io.itdr.connector.azure.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * disable_credential of a federated identity credential (a trust in an external issuer's tokens, e.g. GitHub Actions):
 * {@code DELETE /v1.0/applications/{id}/federatedIdentityCredentials/{id}}
 * (https://learn.microsoft.com/en-us/graph/api/federatedidentitycredential-delete), re-created on revert from the
 * snapshot with {@code POST /v1.0/applications/{id}/federatedIdentityCredentials}
 * (https://learn.microsoft.com/en-us/graph/api/application-post-federatedidentitycredentials): the same name, issuer,
 * subject, audiences and description. COMPENSABLE: the workload can exchange its tokens again as before, but the
 * re-created credential has a new id. The state is the credential by its name (unique per application):
 * {@code issuer subject [audiences]} or {@code (none)}; a credential re-created by an administrator shows as drift.
 * Tokens Entra already issued against it stay valid until they expire, which the plan says.
 */
final class FederatedCredentialRemoval implements PlannedAction {
    static final String KIND = "federated_credential";
    /** The action's name in plans (disable_credential chooses it for federated credentials). */
    static final String NAME = "remove_federated_identity_credential";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONE = "(none)";
    private final String connectorId;
    private final GraphJson graph;
    private final Clock clock;

    FederatedCredentialRemoval(String connectorId, GraphJson graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        CredentialRef credential = ActionTargets.credential(connectorId, request, "the id of a federated identity credential in the target");
        String spId = request.target().identity().id();
        JsonNode sp = graph.object(graph.url("/v1.0/servicePrincipals/" + GraphJson.segment(spId) + "?$select=id,appId,displayName"),
                "GET /v1.0/servicePrincipals/{id}");
        String appId = text(sp, "appId");
        if (appId == null) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "service principal " + spId + " has no application");
        }
        JsonNode app = graph.object(graph.url("/v1.0/applications(appId='" + GraphJson.segment(appId) + "')?$select=id,displayName"),
                "GET /v1.0/applications(appId=...)");
        String appObjectId = text(app, "id");
        JsonNode fic = null;
        for (JsonNode f : list(appObjectId)) {
            if (credential.id().equalsIgnoreCase(text(f, "id")) || credential.id().equals(text(f, "name"))) {
                fic = f;
            }
        }
        if (fic == null) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "no federated identity credential " + credential.id() + " on application "
                    + text(app, "displayName") + " (" + appObjectId + ")");
        }
        String name = text(fic, "name");
        List<String> audiences = new ArrayList<>();
        fic.path("audiences").forEach(a -> audiences.add(a.asText()));
        String value = describe(fic);
        Snapshot pre = SnapshotExecution.snapshot(clock, key(appObjectId, name), value);
        Snapshot post = SnapshotExecution.snapshot(clock, key(appObjectId, name), NONE);
        String summary = "Remove federated identity credential " + name + " (" + text(fic, "issuer") + ", subject " + text(fic, "subject")
                + ") of application " + text(app, "displayName") + ": its workload can no longer exchange tokens for Entra tokens; "
                + "tokens already issued stay valid until they expire. Compensable: restoring re-creates it with a new id.";
        Map<String, String> details = new java.util.HashMap<>(Map.of("application", appObjectId, "name", name, "issuer", text(fic, "issuer"),
                "subject", text(fic, "subject"), "audiences", String.join(",", audiences), io.itdr.connector.support.RungDispatch.ACTION, NAME));
        if (text(fic, "description") != null) {
            details.put("description", text(fic, "description"));
        }
        return new ActionPlan(connectorId, request, List.of(new PlatformCall("graph:DELETE federatedIdentityCredential", name, true)),
                Reversibility.COMPENSABLE, pre, post, summary, details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String name = PlanDetails.require(plan, "name");
        JsonNode fic = find(app, name);
        return SnapshotExecution.snapshot(clock, key(app, name), fic == null ? NONE : describe(fic));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String name = PlanDetails.require(plan, "name");
        JsonNode fic = find(app, name);
        if (fic != null) {
            graph.http().send("DELETE", graph.url("/v1.0/applications/" + GraphJson.segment(app) + "/federatedIdentityCredentials/"
                    + GraphJson.segment(text(fic, "id"))), null, "DELETE /v1.0/applications/{id}/federatedIdentityCredentials/{id}");
        }
        return List.of(new PlatformCall("graph:DELETE federatedIdentityCredential", name, true));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String name = PlanDetails.require(plan, "name");
        ObjectNode body = JSON.createObjectNode().put("name", name).put("issuer", PlanDetails.require(plan, "issuer"))
                .put("subject", PlanDetails.require(plan, "subject"));
        for (String audience : PlanDetails.require(plan, "audiences").split(",")) {
            if (!audience.isBlank()) {
                body.withArray("audiences").add(audience);
            }
        }
        String description = plan.details().get("description");
        if (description != null) {
            body.put("description", description);
        }
        graph.http().send("POST", graph.url("/v1.0/applications/" + GraphJson.segment(app) + "/federatedIdentityCredentials"),
                body.toString(), "POST /v1.0/applications/{id}/federatedIdentityCredentials");
        return List.of(new PlatformCall("graph:POST federatedIdentityCredential", name, true));
    }

    private List<JsonNode> list(String appObjectId) {
        return graph.all(graph.url("/v1.0/applications/" + GraphJson.segment(appObjectId) + "/federatedIdentityCredentials"),
                "GET /v1.0/applications/{id}/federatedIdentityCredentials");
    }

    private JsonNode find(String appObjectId, String name) {
        for (JsonNode f : list(appObjectId)) {
            if (name.equals(text(f, "name"))) {
                return f;
            }
        }
        return null;
    }

    private static String describe(JsonNode fic) {
        List<String> audiences = new ArrayList<>();
        fic.path("audiences").forEach(a -> audiences.add(a.asText()));
        return text(fic, "issuer") + " " + text(fic, "subject") + " " + audiences;
    }

    private static String key(String app, String name) {
        return "application/" + app + "/federatedIdentityCredential/" + name;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? null : v.asText();
    }
}

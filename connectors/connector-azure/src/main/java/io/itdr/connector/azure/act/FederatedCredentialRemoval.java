package io.itdr.connector.azure.act;

import com.microsoft.graph.models.Application;
import com.microsoft.graph.models.FederatedIdentityCredential;
import com.microsoft.graph.models.FederatedIdentityCredentialCollectionResponse;
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
 * Tokens Entra already issued against it stay valid until they expire, which the plan says. Calls through the Graph SDK.
 */
final class FederatedCredentialRemoval implements PlannedAction {
    static final String KIND = "federated_credential";
    /** The action's name in plans (disable_credential chooses it for federated credentials). */
    static final String NAME = "remove_federated_identity_credential";
    private static final String NONE = "(none)";
    private final String connectorId;
    private final GraphSdk graph;
    private final Clock clock;

    FederatedCredentialRemoval(String connectorId, GraphSdk graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        CredentialRef credential = ActionTargets.credential(connectorId, request, "the id of a federated identity credential in the target");
        String spId = request.target().identity().id();
        ServicePrincipal sp = graph.call("GET /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals()
                .byServicePrincipalId(spId).get(c -> c.queryParameters.select = new String[] {"id", "appId", "displayName"}));
        String appId = sp == null ? null : blankToNull(sp.getAppId());
        if (appId == null) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "service principal " + spId + " has no application");
        }
        Application app = graph.call("GET /v1.0/applications(appId=...)", () -> graph.client().applicationsWithAppId(appId)
                .get(c -> c.queryParameters.select = new String[] {"id", "displayName"}));
        String appObjectId = app == null ? null : blankToNull(app.getId());
        if (appObjectId == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /v1.0/applications(appId=...): no id in the answer");
        }
        FederatedIdentityCredential fic = null;
        for (FederatedIdentityCredential f : list(appObjectId)) {
            if (credential.id().equalsIgnoreCase(String.valueOf(f.getId())) || credential.id().equals(f.getName())) {
                fic = f;
            }
        }
        if (fic == null) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "no federated identity credential " + credential.id() + " on application "
                    + app.getDisplayName() + " (" + appObjectId + ")");
        }
        String name = fic.getName();
        List<String> audiences = fic.getAudiences() == null ? List.of() : fic.getAudiences();
        String value = describe(fic);
        Snapshot pre = SnapshotExecution.snapshot(clock, key(appObjectId, name), value);
        Snapshot post = SnapshotExecution.snapshot(clock, key(appObjectId, name), NONE);
        String summary = "Remove federated identity credential " + name + " (" + fic.getIssuer() + ", subject " + fic.getSubject()
                + ") of application " + app.getDisplayName() + ": its workload can no longer exchange tokens for Entra tokens; "
                + "tokens already issued stay valid until they expire. Compensable: restoring re-creates it with a new id.";
        Map<String, String> details = new java.util.HashMap<>(Map.of("application", appObjectId, "name", name, "issuer", fic.getIssuer(),
                "subject", fic.getSubject(), "audiences", String.join(",", audiences), io.itdr.connector.support.RungDispatch.ACTION, NAME));
        if (blankToNull(fic.getDescription()) != null) {
            details.put("description", fic.getDescription());
        }
        return new ActionPlan(connectorId, request, List.of(new PlatformCall("graph:DELETE federatedIdentityCredential", name, true)),
                Reversibility.COMPENSABLE, pre, post, summary, details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String name = PlanDetails.require(plan, "name");
        FederatedIdentityCredential fic = find(app, name);
        return SnapshotExecution.snapshot(clock, key(app, name), fic == null ? NONE : describe(fic));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String name = PlanDetails.require(plan, "name");
        FederatedIdentityCredential fic = find(app, name);
        if (fic != null) {
            graph.run("DELETE /v1.0/applications/{id}/federatedIdentityCredentials/{id}", () -> graph.client().applications()
                    .byApplicationId(app).federatedIdentityCredentials().byFederatedIdentityCredentialId(fic.getId()).delete());
        }
        return List.of(new PlatformCall("graph:DELETE federatedIdentityCredential", name, true));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String name = PlanDetails.require(plan, "name");
        FederatedIdentityCredential body = new FederatedIdentityCredential();
        body.setName(name);
        body.setIssuer(PlanDetails.require(plan, "issuer"));
        body.setSubject(PlanDetails.require(plan, "subject"));
        List<String> audiences = new ArrayList<>();
        for (String audience : PlanDetails.require(plan, "audiences").split(",")) {
            if (!audience.isBlank()) {
                audiences.add(audience);
            }
        }
        body.setAudiences(audiences);
        String description = plan.details().get("description");
        if (description != null) {
            body.setDescription(description);
        }
        graph.call("POST /v1.0/applications/{id}/federatedIdentityCredentials", () -> graph.client().applications().byApplicationId(app)
                .federatedIdentityCredentials().post(body));
        return List.of(new PlatformCall("graph:POST federatedIdentityCredential", name, true));
    }

    private List<FederatedIdentityCredential> list(String appObjectId) {
        var fics = graph.client().applications().byApplicationId(appObjectId).federatedIdentityCredentials();
        return graph.all("GET /v1.0/applications/{id}/federatedIdentityCredentials", () -> fics.get(),
                FederatedIdentityCredentialCollectionResponse::getValue, url -> fics.withUrl(url).get());
    }

    private FederatedIdentityCredential find(String appObjectId, String name) {
        for (FederatedIdentityCredential f : list(appObjectId)) {
            if (name.equals(f.getName())) {
                return f;
            }
        }
        return null;
    }

    private static String describe(FederatedIdentityCredential fic) {
        return fic.getIssuer() + " " + fic.getSubject() + " " + (fic.getAudiences() == null ? List.of() : fic.getAudiences());
    }

    private static String key(String app, String name) {
        return "application/" + app + "/federatedIdentityCredential/" + name;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

package io.itdr.connector.azure.act;

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
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * disable_identity: {@code PATCH /v1.0/servicePrincipals/{id}} with {@code {"accountEnabled":false}}, undone by
 * {@code true} (https://learn.microsoft.com/en-us/graph/api/serviceprincipal-update; {@code accountEnabled}: "true if
 * the service principal account is enabled; otherwise, false. If set to false, then no users are able to sign in to
 * this app, even if they're assigned to it", https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipal).
 * Reversible: the service principal keeps its credentials, roles and assignments; disabling it stops new tokens
 * (Entra refuses its sign-ins with AADSTS7000112) but access tokens already issued stay valid until they
 * expire (60–90 minutes by default), which the plan says. Works for managed identities' service principals too.
 * The plan reads the service principal (its state, type and name). Calls through the Graph SDK ({@link GraphSdk}).
 */
final class ServicePrincipalDisablement implements PlannedAction {
    /** The action's name in plans (disable_identity chooses it unless {@code method=conditional_access}). */
    static final String NAME = "disable_service_principal";
    private static final Pattern OBJECT_ID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private final String connectorId;
    private final GraphSdk graph;
    private final Clock clock;

    ServicePrincipalDisablement(String connectorId, GraphSdk graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String id = ActionTargets.identity(connectorId, request,
                value -> OBJECT_ID.matcher(value).matches() ? Optional.of(value.toLowerCase(java.util.Locale.ROOT)) : Optional.empty(),
                "service principals and managed identities by object id (a GUID)");
        ServicePrincipal sp = read(id);
        String enabled = enabled(sp, id);
        String name = sp.getDisplayName() != null ? sp.getDisplayName() : id;
        String type = sp.getServicePrincipalType() != null ? sp.getServicePrincipalType() : "Application";
        Snapshot pre = SnapshotExecution.snapshot(clock, key(id), enabled);
        Snapshot post = SnapshotExecution.snapshot(clock, key(id), "false");
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(call(id));
        String summary = "Disable " + ("ManagedIdentity".equalsIgnoreCase(type) ? "managed identity " : "service principal ") + name
                + " (" + id + "): Entra refuses its new sign-ins; access tokens it already holds stay valid until they expire "
                + "(about an hour). Re-enabling restores it as it was.";
        return new ActionPlan(connectorId, request, calls, Reversibility.REVERSIBLE, pre, post, summary,
                Map.of("servicePrincipalId", id, "servicePrincipalType", type, io.itdr.connector.support.RungDispatch.ACTION, NAME));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        return SnapshotExecution.snapshot(clock, key(id), enabled(read(id), id));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return set(plan, SnapshotExecution.onlyValue(plan.postState()));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        return set(plan, SnapshotExecution.onlyValue(plan.preState()));
    }

    private List<PlatformCall> set(ActionPlan plan, String enabled) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        ServicePrincipal change = new ServicePrincipal();
        change.setAccountEnabled(Boolean.parseBoolean(enabled));
        graph.run("PATCH /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals().byServicePrincipalId(id).patch(change));
        return List.of(call(id));
    }

    private ServicePrincipal read(String id) {
        return graph.call("GET /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals().byServicePrincipalId(id)
                .get(c -> c.queryParameters.select = new String[] {"id", "displayName", "servicePrincipalType", "accountEnabled"}));
    }

    private static String enabled(ServicePrincipal sp, String id) {
        if (sp == null || sp.getAccountEnabled() == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /v1.0/servicePrincipals/" + id + ": no accountEnabled");
        }
        return Boolean.toString(sp.getAccountEnabled());
    }

    private static PlatformCall call(String id) {
        return new PlatformCall("graph:PATCH servicePrincipals.accountEnabled", id, true);
    }

    private static String key(String id) {
        return "servicePrincipal/" + id + "/accountEnabled";
    }
}

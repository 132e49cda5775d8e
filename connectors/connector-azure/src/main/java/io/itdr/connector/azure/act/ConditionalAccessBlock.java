package io.itdr.connector.azure.act;

import com.microsoft.graph.models.ConditionalAccessApplications;
import com.microsoft.graph.models.ConditionalAccessClientApplications;
import com.microsoft.graph.models.ConditionalAccessConditionSet;
import com.microsoft.graph.models.ConditionalAccessGrantControl;
import com.microsoft.graph.models.ConditionalAccessGrantControls;
import com.microsoft.graph.models.ConditionalAccessPolicy;
import com.microsoft.graph.models.ConditionalAccessPolicyCollectionResponse;
import com.microsoft.graph.models.ServicePlanInfo;
import com.microsoft.graph.models.ServicePrincipal;
import com.microsoft.graph.models.SubscribedSku;
import com.microsoft.graph.models.SubscribedSkuCollectionResponse;
import io.itdr.connector.azure.GraphSdk;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * disable_identity with {@code method=conditional_access}: a Conditional Access policy for workload identities that
 * blocks the service principal, {@code POST /v1.0/identity/conditionalAccess/policies}
 * (https://learn.microsoft.com/en-us/graph/api/conditionalaccessroot-post-policies) with
 * {@code conditions.clientApplications.includeServicePrincipals} = the service principal, all applications, and the grant
 * control {@code block} (https://learn.microsoft.com/en-us/entra/identity/conditional-access/workload-identity), named
 * {@code itdr: block service principal <id>}; undone by deleting that policy
 * (https://learn.microsoft.com/en-us/graph/api/conditionalaccesspolicy-delete). REVERSIBLE: nothing else changes, and
 * the service principal keeps {@code accountEnabled}, credentials and roles. Entra evaluates the policy when a token is
 * requested: tokens already issued stay valid until they expire, which the plan says.
 *
 * <p>Conditional Access for workload identities needs Microsoft Entra Workload ID Premium. The plan first reads the
 * tenant's licences ({@code GET /v1.0/subscribedSkus}, https://learn.microsoft.com/en-us/graph/api/subscribedsku-list) and
 * refuses with NOT_SUPPORTED, naming the plain disable_identity as the alternative, when no enabled SKU carries a
 * provisioned service plan {@code AAD_WRKLDID_P1} or {@code AAD_WRKLDID_P2} (the plan names of Workload ID Premium in
 * https://learn.microsoft.com/en-us/entra/identity/users/licensing-service-plan-reference; read from that page as
 * third-party tooling quotes it, not from the page itself here). Not run against a live tenant. The state is the
 * policy's {@code state} ({@code enabled}, …) or {@code (none)}. Calls through the Graph SDK.
 */
final class ConditionalAccessBlock implements PlannedAction {
    static final String NAME = "conditional_access_block";
    /** The request parameter choosing this action for disable_identity, and its value. */
    static final String METHOD_PARAMETER = "method";
    static final String METHOD_VALUE = "conditional_access";
    static final Set<String> WORKLOAD_ID_PLANS = Set.of("AAD_WRKLDID_P1", "AAD_WRKLDID_P2");
    private static final Pattern OBJECT_ID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String NONE = "(none)";
    private final String connectorId;
    private final GraphSdk graph;
    private final Clock clock;

    ConditionalAccessBlock(String connectorId, GraphSdk graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    static boolean chosen(ActionRequest request) {
        return METHOD_VALUE.equals(request.parameters().get(METHOD_PARAMETER));
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String id = ActionTargets.identity(connectorId, request,
                value -> OBJECT_ID.matcher(value).matches() ? Optional.of(value.toLowerCase(Locale.ROOT)) : Optional.empty(),
                "service principals and managed identities by object id (a GUID)");
        if (!licensed()) {
            throw ActionTargets.refuse(connectorId, request, "Conditional Access for workload identities needs Microsoft Entra Workload ID "
                    + "Premium, and the tenant's subscribed SKUs carry no service plan " + WORKLOAD_ID_PLANS + "; disable_identity without "
                    + METHOD_PARAMETER + "=" + METHOD_VALUE + " sets accountEnabled=false instead");
        }
        ServicePrincipal sp = graph.call("GET /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals().byServicePrincipalId(id)
                .get(c -> c.queryParameters.select = new String[] {"id", "displayName"}));
        String name = sp == null || sp.getDisplayName() == null ? id : sp.getDisplayName();
        Snapshot pre = SnapshotExecution.snapshot(clock, key(id), state(find(id)));
        Snapshot post = SnapshotExecution.snapshot(clock, key(id), "enabled");
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(new PlatformCall("graph:POST conditionalAccessPolicy", id, true));
        String summary = "Block service principal " + name + " (" + id + ") with Conditional Access policy '" + policyName(id) + "': Entra "
                + "refuses it new tokens; tokens it already holds stay valid until they expire (about an hour). Reverting deletes the "
                + "policy; the service principal itself is not changed.";
        return new ActionPlan(connectorId, request, calls, Reversibility.REVERSIBLE, pre, post, summary,
                Map.of("servicePrincipalId", id, RungDispatch.ACTION, NAME));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        return SnapshotExecution.snapshot(clock, key(id), state(find(id)));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        if (find(id) == null) {
            ConditionalAccessPolicy policy = new ConditionalAccessPolicy();
            policy.setDisplayName(policyName(id));
            policy.setState(com.microsoft.graph.models.ConditionalAccessPolicyState.Enabled);
            ConditionalAccessConditionSet conditions = new ConditionalAccessConditionSet();
            ConditionalAccessApplications applications = new ConditionalAccessApplications();
            applications.setIncludeApplications(List.of("All"));
            conditions.setApplications(applications);
            ConditionalAccessClientApplications clients = new ConditionalAccessClientApplications();
            clients.setIncludeServicePrincipals(List.of(id));
            conditions.setClientApplications(clients);
            policy.setConditions(conditions);
            ConditionalAccessGrantControls grant = new ConditionalAccessGrantControls();
            grant.setOperator("OR");
            grant.setBuiltInControls(List.of(ConditionalAccessGrantControl.Block));
            policy.setGrantControls(grant);
            graph.call("POST /v1.0/identity/conditionalAccess/policies", () -> graph.client().identity().conditionalAccess().policies()
                    .post(policy));
        }
        return List.of(new PlatformCall("graph:POST conditionalAccessPolicy", id, true));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String id = PlanDetails.require(plan, "servicePrincipalId");
        List<PlatformCall> calls = new ArrayList<>();
        for (ConditionalAccessPolicy p : policies()) {
            if (policyName(id).equals(p.getDisplayName()) && p.getId() != null) {
                graph.run("DELETE /v1.0/identity/conditionalAccess/policies/{id}", () -> graph.client().identity().conditionalAccess()
                        .policies().byConditionalAccessPolicyId(p.getId()).delete());
                calls.add(new PlatformCall("graph:DELETE conditionalAccessPolicy", p.getId(), true));
            }
        }
        return calls;
    }

    /** Whether an enabled (or warning) SKU of the tenant carries a provisioned Workload ID Premium service plan. */
    private boolean licensed() {
        var skus = graph.client().subscribedSkus();
        for (SubscribedSku sku : graph.all("GET /v1.0/subscribedSkus", () -> skus.get(), SubscribedSkuCollectionResponse::getValue,
                url -> skus.withUrl(url).get())) {
            String status = sku.getCapabilityStatus();
            if (sku.getServicePlans() == null || !("Enabled".equalsIgnoreCase(status) || "Warning".equalsIgnoreCase(status))) {
                continue;
            }
            for (ServicePlanInfo plan : sku.getServicePlans()) {
                if (plan.getServicePlanName() != null && WORKLOAD_ID_PLANS.contains(plan.getServicePlanName().toUpperCase(Locale.ROOT))
                        && !"Disabled".equalsIgnoreCase(plan.getProvisioningStatus())) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<ConditionalAccessPolicy> policies() {
        var requests = graph.client().identity().conditionalAccess().policies();
        return graph.all("GET /v1.0/identity/conditionalAccess/policies", () -> requests.get(),
                ConditionalAccessPolicyCollectionResponse::getValue, url -> requests.withUrl(url).get());
    }

    private ConditionalAccessPolicy find(String id) {
        for (ConditionalAccessPolicy p : policies()) {
            if (policyName(id).equals(p.getDisplayName())) {
                return p;
            }
        }
        return null;
    }

    private static String state(ConditionalAccessPolicy policy) {
        if (policy == null) {
            return NONE;
        }
        return policy.getState() == null ? "unknown" : policy.getState().getValue();
    }

    static String policyName(String id) {
        return "itdr: block service principal " + id;
    }

    private static String key(String id) {
        return "conditionalAccess/blockServicePrincipal/" + id;
    }
}

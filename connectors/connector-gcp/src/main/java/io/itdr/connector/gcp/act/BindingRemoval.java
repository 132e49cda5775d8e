package io.itdr.connector.gcp.act;

import com.google.api.services.cloudresourcemanager.model.Binding;
import com.google.api.services.cloudresourcemanager.model.GetIamPolicyRequest;
import com.google.api.services.cloudresourcemanager.model.GetPolicyOptions;
import com.google.api.services.cloudresourcemanager.model.Policy;
import com.google.api.services.cloudresourcemanager.model.SetIamPolicyRequest;
import com.google.api.services.iam.v1.model.ServiceAccount;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * quarantine_session: every role the project's IAM policy grants the service account is taken away
 * (its tokens and keys stay valid but grant nothing on the project), and given back on revert.
 * Read-modify-write with the policy's {@code etag} as compare-and-swap
 * (https://cloud.google.com/iam/docs/policies#etag; projects.getIamPolicy / setIamPolicy,
 * https://cloud.google.com/resource-manager/reference/rest/v1/projects/setIamPolicy): a concurrent change
 * answers 409 ABORTED, and the whole read-modify-write is made again, at most {@value #ATTEMPTS} times.
 * Compensable, not reversible: the restored policy has the same grants for this account but a new etag, and
 * a conditional binding comes back unconditional. Roles granted on folders or the organization are untouched.
 */
final class BindingRemoval implements PlannedAction {
    static final int ATTEMPTS = 3;
    private static final int POLICY_VERSION = 3;
    private final String connectorId;
    private final GcpClients clients;
    private final Clock clock;

    BindingRemoval(String connectorId, GcpClients clients, Clock clock) {
        this.connectorId = connectorId;
        this.clients = clients;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String email = ServiceAccounts.email(connectorId, request);
        ServiceAccount account = clients.execute("serviceAccounts.get " + email,
                Requests.make(() -> clients.iam().projects().serviceAccounts().get(ServiceAccounts.resource(email))));
        String project = account.getProjectId();
        String member = "serviceAccount:" + email;
        TreeSet<String> roles = new TreeSet<>();
        for (Binding b : bindings(read(project))) {
            if (b.getMembers() != null && b.getMembers().contains(member)) {
                roles.add(b.getRole());
            }
        }
        Map<String, String> pre = new TreeMap<>();
        Map<String, String> post = new TreeMap<>();
        roles.forEach(role -> {
            pre.put(stateKey(project, role, member), "bound");
            post.put(stateKey(project, role, member), "unbound");
        });
        List<PlatformCall> calls = roles.isEmpty() ? List.of() : List.of(call(project));
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, new Snapshot(pre, clock.instant()),
                new Snapshot(post, clock.instant()),
                roles.isEmpty() ? "Service account " + email + " holds no role on project " + project + ": nothing to remove"
                        : "Remove service account " + email + " from " + roles.size() + " role(s) on project " + project + ": " + roles,
                Map.of("project", project, "member", member, "roles", String.join(",", roles)));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String project = PlanDetails.require(plan, "project");
        String member = PlanDetails.require(plan, "member");
        List<Binding> bindings = bindings(read(project));
        Map<String, String> state = new TreeMap<>();
        for (String role : roles(plan)) {
            boolean bound = bindings.stream().anyMatch(b -> role.equals(b.getRole()) && b.getMembers() != null && b.getMembers().contains(member));
            state.put(stateKey(project, role, member), bound ? "bound" : "unbound");
        }
        return new Snapshot(state, clock.instant());
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String member = PlanDetails.require(plan, "member");
        List<String> roles = roles(plan);
        return change(plan, policy -> {
            Iterator<Binding> it = bindings(policy).iterator();
            while (it.hasNext()) {
                Binding b = it.next();
                if (roles.contains(b.getRole()) && b.getMembers() != null) {
                    List<String> members = new ArrayList<>(b.getMembers());
                    members.remove(member);
                    b.setMembers(members);
                    if (members.isEmpty()) {
                        it.remove();
                    }
                }
            }
        });
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String member = PlanDetails.require(plan, "member");
        return change(plan, policy -> {
            List<Binding> bindings = bindings(policy);
            for (String role : roles(plan)) {
                Binding plain = bindings.stream().filter(b -> role.equals(b.getRole()) && b.getCondition() == null).findFirst().orElse(null);
                if (plain == null) {
                    plain = new Binding().setRole(role).setMembers(new ArrayList<>());
                    bindings.add(plain);
                }
                List<String> members = new ArrayList<>(plain.getMembers() == null ? List.of() : plain.getMembers());
                if (!members.contains(member)) {
                    members.add(member);
                }
                plain.setMembers(members);
            }
            policy.setBindings(bindings);
        });
    }

    /** Read, change, write with the etag read; again on a concurrent change (409 ABORTED). */
    private List<PlatformCall> change(ActionPlan plan, Consumer<Policy> edit) {
        String project = PlanDetails.require(plan, "project");
        ConnectorException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Policy policy = read(project);
            policy.setBindings(new ArrayList<>(bindings(policy)));
            edit.accept(policy);
            policy.setVersion(POLICY_VERSION);
            try {
                clients.execute("projects.setIamPolicy " + project, Requests.make(() -> clients.resourceManager().projects()
                        .setIamPolicy(project, new SetIamPolicyRequest().setPolicy(policy))));
                return List.of(call(project));
            } catch (ConnectorException e) {
                if (e.code() != ErrorCode.CONFLICT) {
                    throw e;
                }
                last = e;
            }
        }
        throw new ConnectorException(ErrorCode.CONFLICT, "projects.setIamPolicy " + project + ": the policy changed under each of "
                + ATTEMPTS + " read-modify-writes; nothing was written", last);
    }

    private Policy read(String project) {
        return clients.execute("projects.getIamPolicy " + project, Requests.make(() -> clients.resourceManager().projects()
                .getIamPolicy(project, new GetIamPolicyRequest().setOptions(new GetPolicyOptions().setRequestedPolicyVersion(POLICY_VERSION)))));
    }

    private static List<Binding> bindings(Policy policy) {
        if (policy.getBindings() == null) {
            policy.setBindings(new ArrayList<>());
        }
        return policy.getBindings();
    }

    private static List<String> roles(ActionPlan plan) {
        String roles = PlanDetails.require(plan, "roles");
        return roles.isEmpty() ? List.of() : Arrays.asList(roles.split(","));
    }

    private static PlatformCall call(String project) {
        return new PlatformCall("cloudresourcemanager:projects.setIamPolicy", "projects/" + project, true);
    }

    private static String stateKey(String project, String role, String member) {
        return "project/" + project + "/role/" + role + "/" + member;
    }
}

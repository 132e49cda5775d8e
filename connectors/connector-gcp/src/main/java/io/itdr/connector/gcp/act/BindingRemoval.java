package io.itdr.connector.gcp.act;

import com.google.api.services.cloudresourcemanager.model.Binding;
import com.google.api.services.cloudresourcemanager.model.Policy;
import com.google.api.services.iam.v1.model.ServiceAccount;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.IamPolicies;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * quarantine_session: every role granted to the service account on its project and on the folders and organization
 * above it is taken away (its tokens and keys stay valid but grant nothing there), and given back on revert. Each
 * of those resources is a read-modify-write of its own with the policy's {@code etag} as compare-and-swap
 * (https://cloud.google.com/iam/docs/policies#etag; {@link IamPolicies}): a concurrent change answers 409 ABORTED,
 * and that resource's read-modify-write is made again, at most {@value #ATTEMPTS} times. Resources are changed in
 * order, the project first, then folders nearest first, then the organization; a failure part-way leaves the
 * earlier ones changed, and executing again (idempotent: an unbound role stays unbound) finishes the rest.
 * Compensable, not reversible: the restored policies have the same grants for this account but new etags, and a
 * conditional binding comes back unconditional. With {@code folder-and-organization-roles=false} only the project's
 * policy is read and changed.
 */
final class BindingRemoval implements PlannedAction {
    static final int ATTEMPTS = 3;
    private final String connectorId;
    private final GcpClients clients;
    private final IamPolicies policies;
    private final boolean hierarchy;
    private final Clock clock;

    BindingRemoval(String connectorId, GcpClients clients, boolean hierarchy, Clock clock) {
        this.connectorId = connectorId;
        this.clients = clients;
        this.policies = new IamPolicies(clients);
        this.hierarchy = hierarchy;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String email = ServiceAccounts.email(connectorId, request);
        ServiceAccount account = clients.execute("serviceAccounts.get " + email,
                Requests.make(() -> clients.iam().projects().serviceAccounts().get(ServiceAccounts.resource(email))));
        String project = account.getProjectId();
        String member = "serviceAccount:" + email;
        List<String> resources = new ArrayList<>();
        resources.add("projects/" + project);
        if (hierarchy) {
            resources.addAll(policies.ancestors(project));
        }
        Map<String, TreeSet<String>> held = new LinkedHashMap<>();
        Map<String, String> pre = new TreeMap<>();
        Map<String, String> post = new TreeMap<>();
        for (String resource : resources) {
            TreeSet<String> roles = new TreeSet<>();
            for (Binding b : bindings(policies.read(resource))) {
                if (b.getMembers() != null && b.getMembers().contains(member)) {
                    roles.add(b.getRole());
                }
            }
            if (!roles.isEmpty()) {
                held.put(resource, roles);
                roles.forEach(role -> {
                    pre.put(stateKey(resource, role, member), "bound");
                    post.put(stateKey(resource, role, member), "unbound");
                });
            }
        }
        List<PlatformCall> calls = held.keySet().stream().map(BindingRemoval::call).toList();
        StringBuilder grants = new StringBuilder();
        held.forEach((resource, roles) -> grants.append(grants.isEmpty() ? "" : ";").append(resource).append('=').append(String.join(",", roles)));
        String summary = held.isEmpty()
                ? "Service account " + email + " holds no role on project " + project + " or above it: nothing to remove"
                : "Remove service account " + email + " from " + pre.size() + " role(s): " + held;
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, new Snapshot(pre, clock.instant()),
                new Snapshot(post, clock.instant()), summary, Map.of("project", project, "member", member, "grants", grants.toString()));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String member = PlanDetails.require(plan, "member");
        Map<String, String> state = new TreeMap<>();
        grants(plan).forEach((resource, roles) -> {
            List<Binding> bindings = bindings(policies.read(resource));
            for (String role : roles) {
                boolean bound = bindings.stream().anyMatch(b -> role.equals(b.getRole()) && b.getMembers() != null && b.getMembers().contains(member));
                state.put(stateKey(resource, role, member), bound ? "bound" : "unbound");
            }
        });
        return new Snapshot(state, clock.instant());
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String member = PlanDetails.require(plan, "member");
        List<PlatformCall> calls = new ArrayList<>();
        grants(plan).forEach((resource, roles) -> calls.add(change(resource, policy -> {
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
        })));
        return calls;
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String member = PlanDetails.require(plan, "member");
        List<PlatformCall> calls = new ArrayList<>();
        grants(plan).forEach((resource, roles) -> calls.add(change(resource, policy -> {
            List<Binding> bindings = bindings(policy);
            for (String role : roles) {
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
        })));
        return calls;
    }

    /** Read, change, write with the etag read; again on a concurrent change (409 ABORTED). */
    private PlatformCall change(String resource, Consumer<Policy> edit) {
        ConnectorException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Policy policy = policies.read(resource);
            policy.setBindings(new ArrayList<>(bindings(policy)));
            edit.accept(policy);
            try {
                policies.write(resource, policy);
                return call(resource);
            } catch (ConnectorException e) {
                if (e.code() != ErrorCode.CONFLICT) {
                    throw e;
                }
                last = e;
            }
        }
        throw new ConnectorException(ErrorCode.CONFLICT, "setIamPolicy " + resource + ": the policy changed under each of "
                + ATTEMPTS + " read-modify-writes; nothing was written to it", last);
    }

    private static List<Binding> bindings(Policy policy) {
        if (policy.getBindings() == null) {
            policy.setBindings(new ArrayList<>());
        }
        return policy.getBindings();
    }

    /** The plan's grants, resource → roles, in the order they are changed. */
    private static Map<String, List<String>> grants(ActionPlan plan) {
        String grants = PlanDetails.require(plan, "grants");
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (!grants.isEmpty()) {
            for (String part : grants.split(";")) {
                int eq = part.indexOf('=');
                out.put(part.substring(0, eq), Arrays.asList(part.substring(eq + 1).split(",")));
            }
        }
        return out;
    }

    private static PlatformCall call(String resource) {
        return new PlatformCall("cloudresourcemanager:" + resource.substring(0, resource.indexOf('/')) + ".setIamPolicy", resource, true);
    }

    private static String stateKey(String resource, String role, String member) {
        return resource + "/role/" + role + "/" + member;
    }
}

package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code privilege_change_then_use}: a successful {@link EventCategory#PRIVILEGE_CHANGE} granting
 * scopes to an identity, followed within {@link DetectionSettings.PrivilegeUse#window()} by a
 * successful use by that identity.
 *
 * <p>The grantee is the event's {@code target} when it names another identity (an admin grants
 * to it), else the acting identity (it grants to itself); the grant is kept in the grantee's
 * state, in the same platform and tenant. The grant event itself is not a use. Confidence 0.55,
 * 0.8 when a scope is administrative ({@link #administrative(String)}: AWS's AdministratorAccess,
 * PowerUserAccess and IAMFullAccess managed policies, {@code *} or {@code iam:*} actions of an
 * inline policy, other platforms' owner and admin roles; not merely any IAM scope), +0.1 when the
 * identity granted to itself.
 *
 * <p>IAM paths: an AWS grant names its grantee without the path ({@code AttachRolePolicy} has only
 * {@code roleName}) while the grantee acts under its full ARN ({@code role/service-role/name}).
 * Grants are therefore kept under the path-free ARN, and a use by {@code role/service-role/name}
 * finds them there: IAM user and role names are unique in an account whatever their path.
 *
 * <p>Variant {@code foreign_trust} (attribute {@code variant}): a successful change whose event
 * names the accounts its trust policy lets assume a role (attribute {@code trust_accounts}:
 * {@code UpdateAssumeRolePolicy}, {@code CreateRole}) is reported at once when one of them is
 * outside the event's account: 0.75, 0.9 for {@code *} (anyone). Once per role and account set.
 *
 * <p>Suppression: the first use reports every pending grant of the identity at once and clears
 * them, so later uses do not fire again.
 *
 * <p>Bounds per identity: at most {@code pendingGrantsPerIdentity} pending grants, the oldest
 * evicted; grants older than the window are dropped.
 */
public final class PrivilegeChangeThenUseDetector implements BuiltInDetector {
    public static final String ID = "privilege_change_then_use";
    private static final List<String> TAGS = List.of("OWASP-NHI5", "T1098.003", "T1078.004", "DE.CM-03", "DE.AE-02");
    private static final int MAX_SCOPES_TEXT = 512;

    private final DetectionSettings.PrivilegeUse settings;

    public PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    // grants to one identity not yet followed by its use, oldest first (null while none is pending: most identities
    // never get a grant), and the foreign trusts already reported (at most TRUSTS_REMEMBERED; null until the first):
    // IdentityState's privilege_change_then_use fields

    private static boolean hasGrants(IdentityState pending) {
        return pending.rare != null && pending.rare.grants != null && !pending.rare.grants.isEmpty();
    }

    /** The pending grants, made on first use. */
    private static ArrayDeque<Grant> grants(IdentityState pending) {
        IdentityState.Rare rare = pending.rare();
        if (rare.grants == null) {
            rare.grants = new ArrayDeque<>(2);
        }
        return rare.grants;
    }

    private static LruSet<String> reportedTrusts(IdentityState pending) {
        IdentityState.Rare rare = pending.rare();
        if (rare.reportedTrusts == null) {
            rare.reportedTrusts = LruSet.of(TRUSTS_REMEMBERED);
        }
        return rare.reportedTrusts;
    }

    /** Foreign trusts remembered per identity, so one is reported once. */
    static final int TRUSTS_REMEMBERED = 4;

    /** One grant awaiting use. */
    record Grant(String eventId, Instant time, List<String> scopes, boolean administrative, String grantor, boolean self) {
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> frameworkTags() {
        return TAGS;
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    /** {@code {"g":[{"e","t","s":[scopes],"a","by","self"}, …] oldest first,"r":[reported trusts]}}; null when both are empty. */
    @Override
    public JsonNode snapshot(IdentityState pending) {
        LruSet<String> reportedTrusts = pending.rare == null ? null : pending.rare.reportedTrusts;
        if (!hasGrants(pending) && (reportedTrusts == null || reportedTrusts.isEmpty())) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        ArrayNode grants = node.putArray("g");
        for (Grant g : hasGrants(pending) ? pending.rare.grants : List.<Grant>of()) {
            ObjectNode o = grants.addObject();
            o.put("e", g.eventId()).put("t", g.time().toString()).put("a", g.administrative()).put("self", g.self());
            DetectorStateJson.putIfKnown(o, "by", g.grantor());
            ArrayNode scopes = o.putArray("s");
            g.scopes().forEach(scopes::add);
        }
        node.set("r", DetectorStateJson.keys(reportedTrusts == null ? List.of() : reportedTrusts));
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState pending = newState();
        for (JsonNode o : node.path("g")) {
            java.util.List<String> scopes = new java.util.ArrayList<>();
            for (JsonNode scope : o.path("s")) {
                scopes.add(DetectorStateJson.text(scope));
            }
            if (grants(pending).size() >= settings.pendingGrantsPerIdentity()) {
                grants(pending).removeFirst();
            }
            grants(pending).addLast(new Grant(DetectorStateJson.text(o.get("e")), DetectorStateJson.instant(o.get("t")),
                    List.copyOf(scopes), o.path("a").asBoolean(false), DetectorStateJson.textOrNull(o, "by"),
                    o.path("self").asBoolean(false)));
        }
        if (node.path("r").size() > 0) {
            DetectorStateJson.putKeys(node.get("r"), reportedTrusts(pending));
        }
        if (pending.rare != null) {
            into.rare().grants = pending.rare.grants;
            into.rare().reportedTrusts = pending.rare.reportedTrusts;
        }
    }

    @Override
    public void detect(Observation observation, IdentityState pending, List<Finding> findings) {
        IdentityEvent event = observation.event();
        String actor = event.identity().id();
        String actorAlias = withoutIamPath(actor);
        IdentityState mine = actorAlias.equals(actor) ? pending
                : observation.stateOf(this, IdentityEvent.identityKey(event.platform(), event.tenant(), actorAlias));
        // a use first, so that the event that records a grant never counts as its use
        if (hasGrants(mine) && observation.successfulUse()) {
            dropExpired(mine, event.time());
            if (!mine.rare.grants.isEmpty()) {
                report(observation, mine, findings);
            }
            mine.rare.grants = null; // used or expired: nothing pending
        }
        foreignTrust(observation, pending, findings);
        if (isGrant(event)) {
            String target = event.target() == null ? null : withoutIamPath(event.target());
            boolean self = target == null || target.equals(actorAlias);
            IdentityState grantee = self ? mine
                    : observation.stateOf(this, IdentityEvent.identityKey(event.platform(), event.tenant(), target));
            if (grants(grantee).size() >= settings.pendingGrantsPerIdentity()) {
                grants(grantee).removeFirst();
            }
            List<String> scopes = event.privilege().scopes();
            grants(grantee).addLast(new Grant(event.id(), event.time(), scopes, administrative(scopes),
                    event.identity().id(), self));
        }
    }

    private void report(Observation observation, IdentityState pending, List<Finding> findings) {
        IdentityEvent event = observation.event();
        ArrayDeque<Grant> grants = pending.rare.grants;
        List<String> evidence = new ArrayList<>(grants.size() + 1);
        List<String> scopes = new ArrayList<>();
        List<String> grantors = new ArrayList<>(1);
        boolean administrative = false;
        boolean self = false;
        for (Grant grant : grants) {
            evidence.add(grant.eventId());
            scopes.addAll(grant.scopes());
            if (!grantors.contains(grant.grantor())) {
                grantors.add(grant.grantor());
            }
            administrative |= grant.administrative();
            self |= grant.self();
        }
        evidence.add(event.id());
        Grant first = grants.peekFirst();
        long minutes = Duration.between(first.time(), event.time()).toMinutes();
        String scopeText = String.join(",", scopes);
        if (scopeText.length() > MAX_SCOPES_TEXT) {
            scopeText = scopeText.substring(0, MAX_SCOPES_TEXT) + "…";
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put("scopes", scopeText);
        attributes.put("administrative", Boolean.toString(administrative));
        attributes.put("self_granted", Boolean.toString(self));
        attributes.put("grantor", String.join(",", grantors));
        attributes.put("minutes_after_grant", Long.toString(minutes));
        attributes.put("use_action", event.action());
        double confidence = (administrative ? 0.8 : 0.55) + (self ? 0.1 : 0);
        findings.add(Findings.of(this, observation, confidence,
                event.identity().id() + " used " + event.action() + " " + minutes + " min after being granted "
                        + scopeText + " by " + String.join(",", grantors),
                evidence, attributes));
    }

    private void dropExpired(IdentityState pending, Instant now) {
        for (Iterator<Grant> it = pending.rare.grants.iterator(); it.hasNext(); ) {
            if (it.next().time().plus(settings.window()).isBefore(now)) {
                it.remove();
            }
        }
    }

    private static boolean isGrant(IdentityEvent event) {
        PrivilegeChange privilege = event.privilege();
        return event.category() == EventCategory.PRIVILEGE_CHANGE && event.outcome() == Outcome.SUCCESS
                && privilege != null && Boolean.TRUE.equals(privilege.granted()) && !privilege.scopes().isEmpty();
    }

    private void foreignTrust(Observation observation, IdentityState pending, List<Finding> findings) {
        IdentityEvent event = observation.event();
        String accounts = event.attributes().get("trust_accounts");
        if (accounts == null || event.outcome() != Outcome.SUCCESS) {
            return;
        }
        List<String> foreign = new ArrayList<>(2);
        for (String account : accounts.split(",")) {
            String a = account.trim();
            if (!a.isEmpty() && !a.equals(event.tenant())) {
                foreign.add(a);
            }
        }
        if (foreign.isEmpty()) {
            return;
        }
        String role = event.target() == null ? "?" : event.target();
        if (!reportedTrusts(pending).add(role + "|" + String.join(",", foreign))) {
            return;
        }
        boolean anyone = foreign.contains("*");
        Map<String, String> attributes = new HashMap<>();
        attributes.put("variant", "foreign_trust");
        attributes.put("foreign_accounts", String.join(",", foreign));
        attributes.put("administrative", "false");
        attributes.put("use_action", event.action());
        Findings.putIfKnown(attributes, "role", event.target());
        findings.add(Findings.of(this, observation, anyone ? 0.9 : 0.75,
                event.identity().id() + " let " + (anyone ? "anyone" : "account " + String.join(",", foreign))
                        + " assume " + role + " (" + event.action() + ")",
                List.of(event.id()), attributes));
    }

    /**
     * {@code arn:aws:iam::123:role/service-role/name} → {@code arn:aws:iam::123:role/name} (and the
     * same for users); other ids unchanged.
     */
    static String withoutIamPath(String id) {
        if (!id.startsWith("arn:") || !id.contains(":iam::")) {
            return id;
        }
        int resource = id.indexOf(':', id.indexOf(":iam::") + 6);
        if (resource < 0) {
            return id;
        }
        String type = id.substring(resource + 1);
        int first = type.indexOf('/');
        int last = type.lastIndexOf('/');
        if (first < 0 || first == last || !(type.startsWith("role/") || type.startsWith("user/"))) {
            return id;
        }
        return id.substring(0, resource + 1) + type.substring(0, first + 1) + type.substring(last + 1);
    }

    /** Whether any scope is administrative ({@link #administrative(String)}). */
    static boolean administrative(List<String> scopes) {
        for (String scope : scopes) {
            if (administrative(scope)) {
                return true;
            }
        }
        return false;
    }

    /** AWS managed policies whose grant is administrative power (or the means to take it). */
    private static final java.util.Set<String> AWS_ADMIN_POLICIES = java.util.Set.of(
            "AdministratorAccess", "PowerUserAccess", "IAMFullAccess");

    /**
     * Whether one granted scope is administrative:
     * <ul>
     *   <li>an AWS managed policy ARN ({@code arn:aws:iam::aws:policy/...}): AdministratorAccess,
     *       PowerUserAccess, IAMFullAccess only (ReadOnlyAccess and the like are not);</li>
     *   <li>another policy ARN (customer managed): when its name says admin;</li>
     *   <li>an action: {@code *}, {@code *:*}, {@code iam:*}, {@code sts:*}, {@code organizations:*};</li>
     *   <li>any other scope (other platforms' roles, an inline policy's name): when it says
     *       admin, owner or superuser (Azure Owner, GCP roles/owner, Okta SUPER_ADMIN), or is a
     *       wildcard over an API family ({@code okta.apps.*}).</li>
     * </ul>
     */
    static boolean administrative(String scope) {
        if (scope.startsWith("arn:") && scope.contains(":policy/")) {
            String name = scope.substring(scope.lastIndexOf('/') + 1);
            if (scope.contains(":iam::aws:policy/")) {
                return AWS_ADMIN_POLICIES.contains(name);
            }
            return name.toLowerCase(Locale.ROOT).contains("admin");
        }
        if (scope.equals("*") || scope.equals("*:*")) {
            return true;
        }
        int colon = scope.indexOf(':');
        if (colon > 0 && scope.indexOf(':', colon + 1) < 0 && !scope.contains("/")) {
            String service = scope.substring(0, colon).toLowerCase(Locale.ROOT);
            String action = scope.substring(colon + 1);
            return action.equals("*") && (service.equals("iam") || service.equals("sts") || service.equals("organizations"));
        }
        String s = scope.toLowerCase(Locale.ROOT);
        // a wildcard over a whole API family of another platform ("okta.apps.*") manages all of it
        return s.contains("admin") || s.contains("owner") || s.contains("superuser") || (s.endsWith(".*") && colon < 0);
    }
}

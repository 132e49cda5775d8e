package io.itdr.core.detect;

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
 * 0.8 when a scope looks administrative (contains {@code *}, {@code admin}, {@code iam:} or
 * {@code owner}, ignoring case), +0.1 when the identity granted to itself.
 *
 * <p>Suppression: the first use reports every pending grant of the identity at once and clears
 * them, so later uses do not fire again.
 *
 * <p>Bounds per identity: at most {@code pendingGrantsPerIdentity} pending grants, the oldest
 * evicted; grants older than the window are dropped.
 */
public final class PrivilegeChangeThenUseDetector implements Detector<PrivilegeChangeThenUseDetector.PendingGrants> {
    public static final String ID = "privilege_change_then_use";
    private static final List<String> TAGS = List.of("OWASP-NHI5", "T1098.003", "T1078.004", "DE.CM-03", "DE.AE-02");
    private static final int MAX_SCOPES_TEXT = 512;

    private final DetectionSettings.PrivilegeUse settings;

    public PrivilegeChangeThenUseDetector(DetectionSettings.PrivilegeUse settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Grants to one identity not yet followed by its use, oldest first. Not thread-safe. */
    public static final class PendingGrants {
        final ArrayDeque<Grant> grants = new ArrayDeque<>(2);
    }

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
    public PendingGrants newState() {
        return new PendingGrants();
    }

    @Override
    public void detect(Observation observation, PendingGrants pending, List<Finding> findings) {
        IdentityEvent event = observation.event();
        // a use first, so that the event that records a grant never counts as its use
        if (!pending.grants.isEmpty() && observation.successfulUse()) {
            dropExpired(pending, event.time());
            if (!pending.grants.isEmpty()) {
                report(observation, pending, findings);
                pending.grants.clear();
            }
        }
        if (isGrant(event)) {
            String target = event.target();
            boolean self = target == null || target.equals(event.identity().id());
            PendingGrants grantee = self ? pending
                    : observation.stateOf(this, IdentityEvent.identityKey(event.platform(), event.tenant(), target));
            if (grantee.grants.size() >= settings.pendingGrantsPerIdentity()) {
                grantee.grants.removeFirst();
            }
            List<String> scopes = event.privilege().scopes();
            grantee.grants.addLast(new Grant(event.id(), event.time(), scopes, administrative(scopes),
                    event.identity().id(), self));
        }
    }

    private void report(Observation observation, PendingGrants pending, List<Finding> findings) {
        IdentityEvent event = observation.event();
        List<String> evidence = new ArrayList<>(pending.grants.size() + 1);
        List<String> scopes = new ArrayList<>();
        List<String> grantors = new ArrayList<>(1);
        boolean administrative = false;
        boolean self = false;
        for (Grant grant : pending.grants) {
            evidence.add(grant.eventId());
            scopes.addAll(grant.scopes());
            if (!grantors.contains(grant.grantor())) {
                grantors.add(grant.grantor());
            }
            administrative |= grant.administrative();
            self |= grant.self();
        }
        evidence.add(event.id());
        Grant first = pending.grants.peekFirst();
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

    private void dropExpired(PendingGrants pending, Instant now) {
        for (Iterator<Grant> it = pending.grants.iterator(); it.hasNext(); ) {
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

    /** Whether a scope looks like administrative power; grants are rare, so lower-casing here is cheap. */
    static boolean administrative(List<String> scopes) {
        for (String scope : scopes) {
            String s = scope.toLowerCase(Locale.ROOT);
            if (s.contains("*") || s.contains("admin") || s.contains("iam:") || s.contains("owner")) {
                return true;
            }
        }
        return false;
    }
}

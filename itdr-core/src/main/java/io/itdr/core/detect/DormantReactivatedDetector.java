package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.Credential;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code dormant_reactivated}: a successful use of an identity or credential that had not been
 * used for at least {@link DetectionSettings.Dormancy#threshold()}. Reasons (attribute
 * {@code reason}, comma-separated when several hold):
 * <ul>
 *   <li>{@code identity_gap}: the identity's previous use seen here is that old;</li>
 *   <li>{@code credential_gap}: the credential's previous use seen here is that old;</li>
 *   <li>{@code inventory_last_used}: first use of the credential seen here, and inventory says it
 *       was last used that long ago (covers uses before the engine started);</li>
 *   <li>{@code catalog_lifecycle}: the catalog says the identity is dormant or decommissioned.</li>
 * </ul>
 * Confidence: for a gap, 0.5 at the threshold rising to 0.8 at twice it; 0.7 for a dormant and
 * 0.9 for a decommissioned identity; the highest reason counts.
 *
 * <p>Suppression: a use resets the gap, so only the first use after dormancy fires; the lifecycle
 * reason fires once until the catalog shows the identity active (or deprecated) again.
 *
 * <p>Bounds per identity: the last use and the last uses of at most
 * {@code credentialsPerIdentity} credentials, least recently used evicted.
 */
public final class DormantReactivatedDetector implements Detector<DormantReactivatedDetector.LastUse> {
    public static final String ID = "dormant_reactivated";
    private static final List<String> TAGS = List.of("OWASP-NHI1", "OWASP-NHI7", "T1078.004", "DE.CM-03", "DE.AE-02");

    private final DetectionSettings.Dormancy settings;

    public DormantReactivatedDetector(DetectionSettings.Dormancy settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** When the identity and its credentials were last used. Not thread-safe. */
    public static final class LastUse {
        Instant time;
        String eventId;
        final LruMap<String, Use> credentials;
        boolean lifecycleReported;

        LastUse(int credentialCapacity) {
            credentials = new LruMap<>(credentialCapacity, true);
        }
    }

    /** A credential's last use: when and by which event; updated in place to spare an allocation per event. */
    static final class Use {
        Instant time;
        String eventId;

        Use(Instant time, String eventId) {
            this.time = time;
            this.eventId = eventId;
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    /** {@code {"t","e","r":lifecycleReported,"c":{credential:[time, eventId]}}}; null before the first use. */
    @Override
    public JsonNode snapshot(LastUse last) {
        if (last.time == null && last.credentials.isEmpty() && !last.lifecycleReported) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        DetectorStateJson.putIfKnown(node, "t", last.time);
        DetectorStateJson.putIfKnown(node, "e", last.eventId);
        node.put("r", last.lifecycleReported);
        ObjectNode c = node.putObject("c");
        last.credentials.forEach((id, use) -> c.putArray(id).add(use.time.toString()).add(use.eventId));
        return node;
    }

    @Override
    public LastUse restore(JsonNode node) {
        LastUse last = newState();
        last.time = DetectorStateJson.instantOrNull(node, "t");
        last.eventId = DetectorStateJson.textOrNull(node, "e");
        last.lifecycleReported = node.path("r").asBoolean(false);
        DetectorStateJson.fields(node.get("c"), (id, use) ->
                last.credentials.put(id, new Use(DetectorStateJson.instant(use.get(0)), DetectorStateJson.text(use.get(1)))));
        return last;
    }

    @Override
    public List<String> frameworkTags() {
        return TAGS;
    }

    @Override
    public LastUse newState() {
        return new LastUse(settings.credentialsPerIdentity());
    }

    @Override
    public void detect(Observation observation, LastUse last, List<Finding> findings) {
        if (!observation.successfulUse()) {
            return;
        }
        IdentityEvent event = observation.event();
        IdentityRecord record = observation.record();
        Instant now = event.time();
        List<String> reasons = null; // most events have none: allocate only when one holds
        Duration longestGap = null;
        String previousEventId = null;

        if (last.time != null && isDormant(last.time, now)) {
            reasons = add(reasons, "identity_gap");
            longestGap = Duration.between(last.time, now);
            previousEventId = last.eventId;
        }
        CredentialRef credential = event.credential();
        if (credential != null) {
            Use previous = last.credentials.get(credential.id());
            if (previous == null) {
                Instant inventoryLastUsed = inventoryLastUsed(record, credential.id());
                if (inventoryLastUsed != null && isDormant(inventoryLastUsed, now)) {
                    reasons = add(reasons, "inventory_last_used");
                    longestGap = longer(longestGap, Duration.between(inventoryLastUsed, now));
                }
                last.credentials.put(credential.id(), new Use(now, event.id()));
            } else {
                if (isDormant(previous.time, now)) {
                    reasons = add(reasons, "credential_gap");
                    longestGap = longer(longestGap, Duration.between(previous.time, now));
                    previousEventId = previousEventId == null ? previous.eventId : previousEventId;
                }
                previous.time = now;
                previous.eventId = event.id();
            }
        }
        double confidence = longestGap == null ? 0 : gapConfidence(longestGap);
        Lifecycle lifecycle = record.lifecycle();
        if (lifecycle == Lifecycle.DORMANT || lifecycle == Lifecycle.DECOMMISSIONED) {
            if (!last.lifecycleReported) {
                reasons = add(reasons, "catalog_lifecycle");
                confidence = Math.max(confidence, lifecycle == Lifecycle.DECOMMISSIONED ? 0.9 : 0.7);
                last.lifecycleReported = true;
            }
        } else {
            last.lifecycleReported = false;
        }
        last.time = now;
        last.eventId = event.id();
        if (reasons == null) {
            return;
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put("reason", String.join(",", reasons));
        attributes.put("lifecycle", lifecycle.policyName());
        if (longestGap != null) {
            attributes.put("dormant_days", Long.toString(longestGap.toDays()));
        }
        if (credential != null) {
            attributes.put("credential", credential.id());
        }
        List<String> evidence = previousEventId == null ? List.of(event.id()) : List.of(previousEventId, event.id());
        String subject = credential != null && !reasons.contains("identity_gap") && !reasons.contains("catalog_lifecycle")
                ? "credential " + credential.id() + " of " + event.identity().id() : event.identity().id();
        findings.add(Findings.of(this, observation, confidence,
                subject + " used again" + (longestGap == null ? "" : " after " + longestGap.toDays() + " days")
                        + (reasons.contains("catalog_lifecycle") ? " while the catalog says " + lifecycle.policyName() : ""),
                evidence, attributes));
    }

    private boolean isDormant(Instant lastUsed, Instant now) {
        return Duration.between(lastUsed, now).compareTo(settings.threshold()) >= 0;
    }

    private double gapConfidence(Duration gap) {
        double threshold = settings.threshold().toSeconds();
        double beyond = (gap.toSeconds() - threshold) / threshold;
        return 0.5 + 0.3 * Math.min(1, Math.max(0, beyond));
    }

    private static List<String> add(List<String> reasons, String reason) {
        List<String> list = reasons == null ? new ArrayList<>(2) : reasons;
        list.add(reason);
        return list;
    }

    private static Duration longer(Duration a, Duration b) {
        return a == null || b.compareTo(a) > 0 ? b : a;
    }

    private static Instant inventoryLastUsed(IdentityRecord record, String credentialId) {
        List<Credential> credentials = record.credentials();
        for (int i = 0; i < credentials.size(); i++) {
            if (credentials.get(i).id().equals(credentialId)) {
                return credentials.get(i).lastUsed();
            }
        }
        return null;
    }
}

package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
public final class DormantReactivatedDetector implements BuiltInDetector {
    public static final String ID = "dormant_reactivated";
    private static final List<String> TAGS = List.of("OWASP-NHI1", "OWASP-NHI7", "T1078.004", "DE.CM-03", "DE.AE-02");

    private final DetectionSettings.Dormancy settings;

    public DormantReactivatedDetector(DetectionSettings.Dormancy settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    // when the identity and its credentials were last used: IdentityState's dormant_reactivated fields; the
    // credentials in parallel arrays keyed by a 64-bit hash of the id (no map, entry or key text per credential)

    /** The index of the credential with this id hash, or -1. */
    static int indexOf(IdentityState s, long id) {
        for (int i = s.credentials - 1; i >= 0; i--) {
            if (s.credentialIds[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** Records a use of credential {@code id} (known at {@code i}, or -1 for a new one) as the most recent. */
    private void used(IdentityState s, int i, long id, Instant when, Object event) {
        int capacity = settings.credentialsPerIdentity();
        if (i >= 0) {
            removeAt(s, i);
        } else if (s.credentials == capacity) {
            removeAt(s, 0); // the least recently used makes room
        }
        if (s.credentialIds == null) {
            s.credentialIds = new long[1];
            s.credentialUses = new Object[2];
        } else if (s.credentials == s.credentialIds.length) {
            int grown = Math.min(capacity, 2 * s.credentials);
            s.credentialIds = java.util.Arrays.copyOf(s.credentialIds, grown);
            s.credentialUses = java.util.Arrays.copyOf(s.credentialUses, 2 * grown);
        }
        s.credentialIds[s.credentials] = id;
        s.credentialUses[2 * s.credentials] = when;
        s.credentialUses[2 * s.credentials + 1] = event;
        s.credentials++;
    }

    private static Instant credentialTime(IdentityState s, int i) {
        return (Instant) s.credentialUses[2 * i];
    }

    private static String credentialEvent(IdentityState s, int i) {
        return EventIds.text(s.credentialUses[2 * i + 1]);
    }

    private static void removeAt(IdentityState s, int i) {
        int last = s.credentials - 1;
        System.arraycopy(s.credentialIds, i + 1, s.credentialIds, i, last - i);
        System.arraycopy(s.credentialUses, 2 * i + 2, s.credentialUses, 2 * i, 2 * (last - i));
        s.credentialUses[2 * last] = null;
        s.credentialUses[2 * last + 1] = null;
        s.credentials--;
    }

    /** A 64-bit hash of a credential's id ({@link IdHash}). */
    static long credentialHash(String id) {
        return IdHash.of(id);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int stateVersion() {
        return 2;
    }

    /** Version 2, and version 1 (credentials keyed by their ids, read by hashing them). */
    @Override
    public boolean reads(int version) {
        return version == 1 || version == 2;
    }

    /**
     * Version 2: {@code {"t","e","r":lifecycleReported,"c":[[credentialHash, time, eventId], …]}}, credentials least
     * recently used first; null before the first use. (Version 1 had {@code "c":{credentialId:[time, eventId]}}.)
     */
    @Override
    public JsonNode snapshot(IdentityState last) {
        if (last.lastUseTime == null && last.credentials == 0 && !last.lifecycleReported) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        DetectorStateJson.putIfKnown(node, "t", last.lastUseTime);
        DetectorStateJson.putIfKnown(node, "e", EventIds.text(last.lastUseEventId));
        node.put("r", last.lifecycleReported);
        ArrayNode c = node.putArray("c");
        for (int i = 0; i < last.credentials; i++) {
            c.addArray().add(last.credentialIds[i]).add(credentialTime(last, i).toString()).add(credentialEvent(last, i));
        }
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState last = newState();
        last.lastUseTime = DetectorStateJson.instantOrNull(node, "t");
        last.lastUseEventId = EventIds.kept(DetectorStateJson.textOrNull(node, "e"));
        last.lifecycleReported = node.path("r").asBoolean(false);
        if (version == 1) {
            DetectorStateJson.fields(node.get("c"), (id, use) -> used(last, -1, credentialHash(id),
                    DetectorStateJson.instant(use.get(0)), EventIds.kept(DetectorStateJson.text(use.get(1)))));
        } else {
            JsonNode c = node.get("c");
            if (c != null && !c.isArray()) {
                throw new IllegalArgumentException("field c: expected an array of credential uses");
            }
            for (JsonNode use : c == null ? DetectorStateJson.object().arrayNode() : c) {
                if (!use.isArray() || use.size() != 3 || !use.get(0).canConvertToLong()) {
                    throw new IllegalArgumentException("field c: expected [hash, time, event id]: " + use);
                }
                used(last, -1, use.get(0).asLong(), DetectorStateJson.instant(use.get(1)), EventIds.kept(DetectorStateJson.text(use.get(2))));
            }
        }
        into.lastUseTime = last.lastUseTime;
        into.lastUseEventId = last.lastUseEventId;
        into.lifecycleReported = last.lifecycleReported;
        into.credentialIds = last.credentialIds;
        into.credentialUses = last.credentialUses;
        into.credentials = last.credentials;
    }

    @Override
    public List<String> frameworkTags() {
        return TAGS;
    }

    @Override
    public void detect(Observation observation, IdentityState last, List<Finding> findings) {
        if (!observation.successfulUse()) {
            return;
        }
        IdentityEvent event = observation.event();
        IdentityRecord record = observation.record();
        Instant now = event.time();
        List<String> reasons = null; // most events have none: allocate only when one holds
        Duration longestGap = null;
        String previousEventId = null;

        if (last.lastUseTime != null && isDormant(last.lastUseTime, now)) {
            reasons = add(reasons, "identity_gap");
            longestGap = Duration.between(last.lastUseTime, now);
            previousEventId = EventIds.text(last.lastUseEventId);
        }
        CredentialRef credential = event.credential();
        if (credential != null) {
            long id = credentialHash(credential.id());
            int previous = indexOf(last, id);
            if (previous < 0) {
                Instant inventoryLastUsed = inventoryLastUsed(record, credential.id());
                if (inventoryLastUsed != null && isDormant(inventoryLastUsed, now)) {
                    reasons = add(reasons, "inventory_last_used");
                    longestGap = longer(longestGap, Duration.between(inventoryLastUsed, now));
                }
            } else {
                Instant previousTime = credentialTime(last, previous);
                if (isDormant(previousTime, now)) {
                    reasons = add(reasons, "credential_gap");
                    longestGap = longer(longestGap, Duration.between(previousTime, now));
                    previousEventId = previousEventId == null ? credentialEvent(last, previous) : previousEventId;
                }
            }
            used(last, previous, id, now, observation.keptEventId());
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
        last.lastUseTime = now;
        last.lastUseEventId = observation.keptEventId();
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

    /** {@code Duration.between(lastUsed, now) >= threshold}, compared without making the duration (twice or more per event). */
    private boolean isDormant(Instant lastUsed, Instant now) {
        long seconds = now.getEpochSecond() - lastUsed.getEpochSecond(); // Instant's range cannot overflow a long here
        int nanos = now.getNano() - lastUsed.getNano();
        if (nanos < 0) {
            seconds--;
            nanos += 1_000_000_000;
        }
        Duration threshold = settings.threshold();
        return seconds != threshold.getSeconds() ? seconds > threshold.getSeconds() : nanos >= threshold.getNano();
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

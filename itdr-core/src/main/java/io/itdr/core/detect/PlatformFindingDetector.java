package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.model.Finding;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.PlatformFinding;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code platform_finding}: passes a {@link EventCategory#PLATFORM_FINDING} (GuardDuty, Entra
 * risk detection, Okta ThreatInsight) through as a finding with the platform's own confidence;
 * attributes {@code finding_type}, {@code severity} and {@code description} when given.
 *
 * <p>Suppression: platforms repeat an open finding (GuardDuty updates its count); a finding type
 * already passed through for the identity is passed again only after
 * {@link DetectionSettings.PlatformFindings#repeatWindow()} without it.
 *
 * <p>Bounds per identity: at most {@code typesPerIdentity} finding types with their last time,
 * least recently seen evicted.
 */
public final class PlatformFindingDetector implements BuiltInDetector {
    public static final String ID = "platform_finding";
    private static final List<String> TAGS = List.of("DE.CM-09", "DE.AE-02");
    private static final int MAX_DESCRIPTION = 256;

    private final DetectionSettings.PlatformFindings settings;

    public PlatformFindingDetector(DetectionSettings.PlatformFindings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The finding types recently seen for one identity (IdentityState's field, null until its first platform finding). */
    private LruMap<String, Instant> lastSeen(IdentityState recent) {
        IdentityState.Rare rare = recent.rare();
        if (rare.findingTypes == null) {
            rare.findingTypes = new LruMap<>(settings.typesPerIdentity(), true);
        }
        return rare.findingTypes;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    /** {@code {"s":{type: lastSeen}}}, least recently seen first; null when none was seen. */
    @Override
    public JsonNode snapshot(IdentityState recent) {
        LruMap<String, Instant> types = recent.rare == null ? null : recent.rare.findingTypes;
        if (types == null || types.isEmpty()) {
            return null;
        }
        ObjectNode node = DetectorStateJson.object();
        node.set("s", DetectorStateJson.times(types));
        return node;
    }

    @Override
    public void restoreInto(IdentityState into, JsonNode node, int version) {
        IdentityState recent = newState();
        DetectorStateJson.fields(node.get("s"), (type, time) -> lastSeen(recent).put(type, DetectorStateJson.instant(time)));
        if (recent.rare != null) {
            into.rare().findingTypes = recent.rare.findingTypes;
        }
    }

    @Override
    public List<String> frameworkTags() {
        return TAGS;
    }

    @Override
    public void detect(Observation observation, IdentityState recent, List<Finding> findings) {
        IdentityEvent event = observation.event();
        if (event.category() != EventCategory.PLATFORM_FINDING) {
            return;
        }
        PlatformFinding finding = event.finding();
        Instant previous = lastSeen(recent).put(finding.type(), event.time());
        if (previous != null && Duration.between(previous, event.time()).compareTo(settings.repeatWindow()) < 0) {
            return;
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put("finding_type", finding.type());
        attributes.put("platform", event.platform());
        if (finding.severity() != null) {
            attributes.put("severity", finding.severity());
        }
        if (finding.description() != null) {
            String description = finding.description();
            attributes.put("description", description.length() > MAX_DESCRIPTION
                    ? description.substring(0, MAX_DESCRIPTION) + "…" : description);
        }
        findings.add(Findings.of(this, observation, finding.confidence(),
                event.platform() + " reported " + finding.type() + " for " + event.identity().id()
                        + (finding.severity() == null ? "" : " (severity " + finding.severity() + ")"),
                List.of(event.id()), attributes));
    }
}

package io.itdr.connector.aws.confirm;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Confirmation;
import io.itdr.spi.telemetry.FindingConfirmer;
import java.util.Objects;
import java.util.Optional;

/**
 * Confirms a pushed GuardDuty finding by reading it back from GuardDuty: {@code GetFindings} for
 * the finding's detector and id ({@link GuardDutyFindings}),
 * in the finding's own region. Confirmed when GuardDuty holds a finding with that id, of the pushed
 * type and, when the push named an access key, about that key; refuted when it holds none or another
 * (or has no such detector); unavailable when GuardDuty cannot be asked (permission {@code guardduty:GetFindings} missing,
 * unreachable) or the push named no detector. Read-only. Thread-safe.
 */
public final class GuardDutyConfirmer implements FindingConfirmer {
    private final GuardDutyFindings findings;
    private final String defaultRegion;

    /**
     * @param findings      GuardDuty's GetFindings
     * @param defaultRegion the region asked when the finding names none
     */
    public GuardDutyConfirmer(GuardDutyFindings findings, String defaultRegion) {
        this.findings = Objects.requireNonNull(findings, "findings");
        this.defaultRegion = Objects.requireNonNull(defaultRegion, "defaultRegion");
    }

    @Override
    public Confirmation confirm(IdentityEvent event) {
        Objects.requireNonNull(event, "event");
        if (event.category() != EventCategory.PLATFORM_FINDING || event.finding() == null) {
            return Confirmation.unavailable("event " + event.id() + " carries no GuardDuty finding");
        }
        String findingId = event.attributes().get("finding_id");
        String detectorId = event.attributes().get("detector_id");
        if (findingId == null || detectorId == null) {
            return Confirmation.unavailable("the pushed finding names no " + (findingId == null ? "finding id" : "detector id")
                    + ", so GuardDuty cannot be asked");
        }
        String region = event.attributes().getOrDefault("aws_region", defaultRegion);
        Optional<JsonNode> held;
        try {
            held = findings.finding(region, detectorId, findingId);
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Confirmation.refuted(e.getMessage());
            }
            return Confirmation.unavailable(e.code() + ": " + e.getMessage());
        }
        if (held.isEmpty()) {
            return Confirmation.refuted("GuardDuty detector " + detectorId + " in " + region + " holds no finding " + findingId);
        }
        String heldType = held.get().path("type").asText(null);
        String pushedType = event.finding().type();
        if (!pushedType.equals(heldType)) {
            return Confirmation.refuted("GuardDuty holds finding " + findingId + " of type " + heldType + ", not " + pushedType);
        }
        if (event.credential() != null) {
            String heldKey = held.get().path("resource").path("accessKeyDetails").path("accessKeyId").asText(null);
            if (!event.credential().id().equals(heldKey)) {
                return Confirmation.refuted("GuardDuty's finding " + findingId + " is about access key " + heldKey + ", not "
                        + event.credential().id());
            }
        }
        return Confirmation.confirmed("GuardDuty detector " + detectorId + " in " + region + " holds finding " + findingId
                + " (" + heldType + ", severity " + held.get().path("severity").asText("?") + ")");
    }
}

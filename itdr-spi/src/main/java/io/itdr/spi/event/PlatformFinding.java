package io.itdr.spi.event;

import java.util.Objects;

/**
 * A detection the platform itself raised (GuardDuty finding, Okta ThreatInsight, Entra risk
 * detection), carried on a {@link EventCategory#PLATFORM_FINDING} event and passed through
 * with the platform's confidence.
 *
 * @param type        the platform's finding type ("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS"); never null
 * @param confidence  the platform's confidence mapped to [0,1]; never NaN
 * @param severity    the platform's severity as it says it ("HIGH", "8.0"); may be null
 * @param description a short description; may be null
 */
public record PlatformFinding(String type, double confidence, String severity, String description) {
    public PlatformFinding {
        Objects.requireNonNull(type, "type");
        if (Double.isNaN(confidence) || confidence < 0 || confidence > 1) {
            throw new IllegalArgumentException("confidence must be within [0,1]: " + confidence);
        }
    }
}

package io.itdr.connector.azure.normalize;

import static io.itdr.connector.azure.normalize.AzureFields.firstOf;
import static io.itdr.connector.azure.normalize.AzureFields.known;
import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps Identity Protection records to platform findings:
 * <ul>
 *   <li>{@code servicePrincipalRiskDetection} (https://learn.microsoft.com/en-us/graph/api/resources/serviceprincipalriskdetection)
 *       and the user {@code riskDetection}: id = {@code id}, time = {@code detectedDateTime}
 *       (else {@code activityDateTime}), finding type = {@code riskEventType}, the credential
 *       {@code keyIds[0]};</li>
 *   <li>{@code riskyServicePrincipal} (https://learn.microsoft.com/en-us/graph/api/resources/riskyserviceprincipal):
 *       one record per principal that changes over time, so the event id is
 *       {@code <id>@<riskLastUpdatedDateTime>}; finding type {@code riskyServicePrincipal}.</li>
 * </ul>
 * Confidence follows {@code riskLevel}: high 0.9, medium 0.6, low 0.3, hidden or none 0.5;
 * {@code confirmedCompromised} 0.95. A detection Microsoft or an administrator closed
 * ({@code dismissed}, {@code remediated}, {@code confirmedSafe}) is kept as OTHER, not as a finding.
 * Stateless.
 */
final class RiskMapper {
    private RiskMapper() {
    }

    static double confidence(String level) {
        if (level == null) {
            return 0.5;
        }
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "high" -> 0.9;
            case "medium" -> 0.6;
            case "low" -> 0.3;
            default -> 0.5;
        };
    }

    static IdentityEvent map(AzureRecord in, String tenant, String rawRef) {
        boolean risky = in.kind() == AzureRecord.Kind.RISKY_PRINCIPAL;
        JsonNode d = in.body();
        JsonNode r = in.record();
        List<String> problems = new ArrayList<>(2);
        String recordId = risky ? text(d, "id") : in.id();
        String timeField = risky ? "riskLastUpdatedDateTime" : child(d, "detectedDateTime") != null ? "detectedDateTime" : "activityDateTime";
        String when = firstOf(text(d, timeField), text(r, "time"));
        Instant time = AzureFields.instant(when);
        if (recordId == null) {
            problems.add("id (missing)");
        }
        if (when == null) {
            problems.add(timeField + " (missing)");
        } else if (time == null) {
            problems.add(timeField + " (not an ISO 8601 time: '" + clip(when, 40) + "')");
        }
        IdentityRef identity = identity(d, risky);
        if (identity == null) {
            problems.add(risky ? "id (missing: no service principal)" : "servicePrincipalId, appId and userId (all missing: no identity at risk)");
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(io.itdr.connector.support.JsonFields.requiredFieldsMessage(problems));
        }
        String level = known(d, "riskLevel");
        String state = known(d, "riskState");
        String lowerState = state == null ? "" : state.toLowerCase(Locale.ROOT);
        boolean closed = lowerState.equals("dismissed") || lowerState.equals("remediated") || lowerState.equals("confirmedsafe");
        String type = risky ? "riskyServicePrincipal" : firstOf(known(d, "riskEventType"), "riskDetection");
        PlatformFinding finding = closed ? null : new PlatformFinding(type,
                lowerState.equals("confirmedcompromised") ? 0.95 : confidence(level), level,
                clip(firstOf(known(d, "riskDetail"), known(d, "activity"), "Identity Protection: " + type), 200));

        Map<String, String> attributes = new LinkedHashMap<>();
        Attributes.put(attributes, "risk_event_type", known(d, "riskEventType"));
        Attributes.put(attributes, "risk_level", level);
        Attributes.put(attributes, "risk_state", state);
        Attributes.put(attributes, "risk_detail", known(d, "riskDetail"));
        Attributes.put(attributes, "detection_timing", known(d, "detectionTimingType"));
        Attributes.put(attributes, "app_id", known(d, "appId"));
        Attributes.put(attributes, "token_issuer_type", known(d, "tokenIssuerType"));
        Attributes.put(attributes, "correlation_id", known(d, "correlationId"));
        Attributes.put(attributes, "request_id", known(d, "requestId"));

        JsonNode keyIds = child(d, "keyIds");
        String keyId = keyIds != null && keyIds.isArray() && !keyIds.isEmpty() ? keyIds.get(0).asText(null) : null;
        String ip = firstOf(known(d, "ipAddress"), known(r, "callerIpAddress"));
        var geo = AzureFields.geo(object(d, "location"));
        String id = risky ? recordId + "@" + when : recordId;
        return IdentityEvent.builder(id, time, AzureLogNormalizer.PLATFORM, identity)
                .tenant(tenant)
                .credential(keyId == null || keyId.isBlank() ? null : new CredentialRef(keyId, null))
                .category(closed ? EventCategory.OTHER : EventCategory.PLATFORM_FINDING)
                .action(risky ? "riskyServicePrincipal" : "riskDetection")
                .outcome(Outcome.SUCCESS)
                .source(ip == null && geo == null ? Source.UNKNOWN : new Source(AzureFields.ip(ip), null, null, geo, null, null))
                .finding(finding)
                .target(identity.id())
                .rawRef(rawRef)
                .attributes(attributes)
                .build();
    }

    private static IdentityRef identity(JsonNode d, boolean risky) {
        if (risky) {
            String id = known(d, "id");
            return id == null ? null : new IdentityRef(id,
                    "managedIdentity".equalsIgnoreCase(known(d, "servicePrincipalType")) ? "managed_identity" : "service_principal",
                    known(d, "displayName"));
        }
        String principal = firstOf(known(d, "servicePrincipalId"), known(d, "appId"));
        if (principal != null) {
            return new IdentityRef(principal, "service_principal", known(d, "servicePrincipalDisplayName"));
        }
        String user = known(d, "userId");
        return user == null ? null : new IdentityRef(user, "user", firstOf(known(d, "userPrincipalName"), known(d, "userDisplayName")));
    }
}

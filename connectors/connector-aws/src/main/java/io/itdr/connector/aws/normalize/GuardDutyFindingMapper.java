package io.itdr.connector.aws.normalize;

import static io.itdr.connector.aws.normalize.RecordFields.anyCase;
import static io.itdr.connector.aws.normalize.RecordFields.anyCasePath;
import static io.itdr.connector.aws.normalize.RecordFields.anyCaseText;
import static io.itdr.connector.aws.normalize.RecordFields.instant;
import static io.itdr.connector.support.JsonFields.clip;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.aws.Arn;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps one GuardDuty finding (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html),
 * as exported to S3, delivered in an EventBridge event's {@code detail}, or listed by GetFindings
 * (camelCase or PascalCase field names), to a {@link EventCategory#PLATFORM_FINDING} event.
 *
 * <ul>
 *   <li>identity: {@code resource.accessKeyDetails} (userType, userName, principalId, accessKeyId;
 *       API_AccessKeyDetails.html), else the instance profile of {@code resource.instanceDetails};</li>
 *   <li>confidence: severity / 10 within [0,1] (GuardDuty severity runs 1–10; its labels LOW,
 *       MEDIUM, HIGH, CRITICAL are read as 2.5, 5.5, 8, 9.5);</li>
 *   <li>source: {@code service.action.awsApiCallAction.remoteIpDetails} (API_RemoteIpDetails.html):
 *       ip, organization asn and asnOrg, country, city, geoLocation — lat/lon 0,0 is GuardDuty's
 *       default for "unknown" (API_GeoLocation.html) and is dropped;</li>
 *   <li>id: the finding id and its {@code updatedAt}, since GuardDuty updates one finding in place:
 *       a re-read of the same update is a duplicate, a new update is a new event.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class GuardDutyFindingMapper {
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8}(?:[0-9a-f]{9})?");

    /**
     * Whether a record is a GuardDuty finding rather than a CloudTrail record: a {@code resource},
     * or, when an export left it out, a finding ARN or {@code service.serviceName} that says
     * GuardDuty (then the finding is rejected for naming no identity, not for lacking CloudTrail's fields).
     */
    static boolean looksLikeFinding(JsonNode record) {
        if (anyCase(record, "schemaVersion") == null || anyCase(record, "type") == null || record.get("userIdentity") != null) {
            return false;
        }
        String arn = anyCaseText(record, "arn");
        return anyCase(record, "resource") != null || arn != null && arn.contains(":guardduty:")
                || "guardduty".equals(anyCaseText(anyCase(record, "service"), "serviceName"));
    }

    /** The detector id in a finding ARN ({@code arn:aws:guardduty:<region>:<account>:detector/<id>/finding/<id>}); null when absent. */
    static String detectorOf(String arn) {
        if (arn == null) {
            return null;
        }
        int at = arn.indexOf(":detector/");
        if (at < 0) {
            return null;
        }
        String rest = arn.substring(at + ":detector/".length());
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash);
        return id.matches("[A-Za-z0-9]{1,300}") ? id : null;
    }

    IdentityEvent map(JsonNode finding, String rawRef) {
        String findingId = anyCaseText(finding, "id");
        String type = anyCaseText(finding, "type");
        String updatedText = anyCaseText(finding, "updatedAt");
        String timeText = firstOf(updatedText,
                firstOf(anyCaseText(finding, "createdAt"), anyCaseText(anyCase(finding, "service"), "eventLastSeen")));
        JsonNode severityNode = anyCase(finding, "severity");
        StringBuilder missing = new StringBuilder();
        appendMissing(missing, "id", findingId);
        appendMissing(missing, "type", type);
        appendMissing(missing, "updatedAt", timeText);
        appendMissing(missing, "severity", severityNode == null ? null : "present");
        if (missing.length() > 0) {
            throw new RejectedRecord("GuardDuty finding: missing required field(s): " + missing);
        }
        Instant time = instant(timeText);
        if (time == null) {
            throw new RejectedRecord("updatedAt: not an ISO-8601 instant: '" + clip(timeText, 40) + "'");
        }
        double severity = severity(severityNode);
        String accountId = anyCaseText(finding, "accountId");
        String partition = firstOf(anyCaseText(finding, "partition"), Arn.DEFAULT_PARTITION);
        JsonNode resource = anyCase(finding, "resource");
        JsonNode keyDetails = anyCase(resource, "accessKeyDetails");
        JsonNode instance = anyCase(resource, "instanceDetails");

        Map<String, String> attributes = new LinkedHashMap<>();
        put(attributes, "finding_id", findingId);
        // what GetFindings needs to confirm a pushed finding with GuardDuty: the detector that raised it
        put(attributes, "detector_id", firstOf(anyCaseText(anyCase(finding, "service"), "detectorId"), detectorOf(anyCaseText(finding, "arn"))));
        put(attributes, "aws_region", anyCaseText(finding, "region"));
        put(attributes, "resource_type", anyCaseText(resource, "resourceType"));
        JsonNode apiCall = anyCasePath(finding, "service", "action", "awsApiCallAction");
        put(attributes, "api", anyCaseText(apiCall, "api"));
        put(attributes, "api_service", anyCaseText(apiCall, "serviceName"));
        put(attributes, "count", anyCaseText(anyCase(finding, "service"), "count"));

        IdentityRef identity;
        CredentialRef credential = null;
        SessionInfo session = null;
        Workload workload = null;
        String instanceId = anyCaseText(instance, "instanceId");
        if (keyDetails != null) {
            String userType = anyCaseText(keyDetails, "userType");
            String userName = anyCaseText(keyDetails, "userName");
            String principalId = anyCaseText(keyDetails, "principalId");
            String accessKeyId = anyCaseText(keyDetails, "accessKeyId");
            identity = identity(userType, userName, principalId, accountId, partition);
            put(attributes, "user_type", userType);
            if (accessKeyId != null) {
                credential = new CredentialRef(accessKeyId, CloudTrailRecordMapper.accessKeyKind(accessKeyId));
            }
            String sessionName = principalId != null && principalId.indexOf(':') > 0
                    ? principalId.substring(principalId.indexOf(':') + 1) : null;
            String tokenId = credential != null && "session_key".equals(credential.kind()) ? accessKeyId : null;
            if (sessionName != null || tokenId != null) {
                session = new SessionInfo(sessionName, tokenId, null, null);
            }
            if (sessionName != null && INSTANCE_ID.matcher(sessionName).matches()) {
                workload = new Workload(sessionName, "ec2", null);
            }
        } else {
            String profile = anyCaseText(anyCase(instance, "iamInstanceProfile"), "arn");
            if (profile == null) {
                throw new RejectedRecord("resource.accessKeyDetails: missing, and no instance profile either: the finding names no identity");
            }
            identity = new IdentityRef(profile, "instance_profile", Arn.parse(profile).map(Arn::resourceName).orElse(null));
        }
        if (workload == null && instanceId != null) {
            workload = new Workload(instanceId, "ec2", null);
        }
        PlatformFinding platformFinding = new PlatformFinding(type, Math.max(0, Math.min(1, severity / 10)),
                severityNode.asText(), anyCaseText(finding, "title"));
        return IdentityEvent.builder(findingId + "@" + firstOf(updatedText, timeText), time, CloudTrailRecordMapper.PLATFORM, identity)
                .tenant(accountId)
                .category(EventCategory.PLATFORM_FINDING)
                .action("guardduty:" + type)
                .outcome(Outcome.UNKNOWN)
                .finding(platformFinding)
                .credential(credential)
                .session(session)
                .workload(workload)
                .source(source(anyCase(apiCall, "remoteIpDetails"), type))
                .rawRef(rawRef)
                .attributes(attributes)
                .build();
    }

    private static IdentityRef identity(String userType, String userName, String principalId, String accountId, String partition) {
        String type = userType == null ? "" : userType;
        if (userName != null && accountId != null) {
            switch (type) {
                case "IAMUser":
                    return new IdentityRef(Arn.iam(partition, accountId, "user/" + userName).toString(), "iam_user", userName);
                case "AssumedRole":
                case "Role":
                    return new IdentityRef(Arn.iam(partition, accountId, "role/" + userName).toString(), "iam_role", userName);
                case "FederatedUser":
                    return new IdentityRef(new Arn(partition, "sts", "", accountId, "federated-user/" + userName).toString(),
                            "federated_user", userName);
                default:
                    break;
            }
        }
        if (type.equals("Root") && accountId != null) {
            return new IdentityRef(Arn.iam(partition, accountId, "root").toString(), "root", "root");
        }
        String id = principalId != null ? principalId : userName != null && accountId != null ? "aws-account/" + accountId + "/" + userName : null;
        if (id == null) {
            throw new RejectedRecord("resource.accessKeyDetails: neither userName (with accountId) nor principalId names the identity");
        }
        return new IdentityRef(id, type.isEmpty() ? null : type.toLowerCase(Locale.ROOT), userName);
    }

    private static double severity(JsonNode node) {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        String text = node.asText().trim();
        switch (text.toUpperCase(Locale.ROOT)) {
            case "LOW":
                return 2.5;
            case "MEDIUM":
                return 5.5;
            case "HIGH":
                return 8;
            case "CRITICAL":
                return 9.5;
            default:
                try {
                    double value = Double.parseDouble(text);
                    if (Double.isFinite(value)) {
                        return value;
                    }
                } catch (NumberFormatException ignored) {
                    // reported below
                }
                throw new RejectedRecord("severity: expected a number from 1 to 10 or LOW/MEDIUM/HIGH/CRITICAL, found '" + clip(text, 20) + "'");
        }
    }

    private static Source source(JsonNode remote, String type) {
        Boolean tor = type.contains("TorIPCaller") || type.contains("TorClient") || type.contains("TorRelay") ? Boolean.TRUE : null;
        if (remote == null) {
            return tor == null ? Source.UNKNOWN : new Source(null, null, null, null, null, tor);
        }
        String ip = firstOf(anyCaseText(remote, "ipAddressV4"), anyCaseText(remote, "ipAddressV6"));
        JsonNode organization = anyCase(remote, "organization");
        Long asn = null;
        String asnText = anyCaseText(organization, "asn");
        if (asnText != null) {
            try {
                asn = Long.parseLong(asnText.trim());
            } catch (NumberFormatException notANumber) {
                asn = null; // an ASN that is not a number is dropped, not fatal
            }
        }
        String asOrg = firstOf(anyCaseText(organization, "asnOrg"), firstOf(anyCaseText(organization, "org"), anyCaseText(organization, "isp")));
        String country = anyCaseText(anyCase(remote, "country"), "countryCode");
        String city = anyCaseText(anyCase(remote, "city"), "cityName");
        JsonNode location = anyCase(remote, "geoLocation");
        Double lat = number(anyCase(location, "lat"));
        Double lon = number(anyCase(location, "lon"));
        boolean coordinates = lat != null && lon != null && !(lat == 0 && lon == 0)
                && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
        Geo geo = country == null && city == null && !coordinates ? null
                : new Geo(country == null ? null : country.toUpperCase(Locale.ROOT), null, city,
                        coordinates ? lat : null, coordinates ? lon : null);
        return new Source(ip, asn, asOrg, geo, null, tor);
    }

    private static Double number(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        try {
            double value = Double.parseDouble(node.asText());
            return Double.isFinite(value) ? value : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static void appendMissing(StringBuilder missing, String field, String value) {
        if (value == null) {
            missing.append(missing.length() == 0 ? "" : ", ").append(field);
        }
    }

    private static void put(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, clip(value, 256));
        }
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }
}

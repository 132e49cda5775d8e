package io.itdr.core.generate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * AWS events as CloudTrail records
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html,
 * {@code userIdentity} per https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html)
 * and platform findings as GuardDuty findings (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html).
 *
 * <ul>
 *   <li>An IAM user acting without a session uses its long-term key ({@code AKIA…}, the generated
 *       credential). With a session it uses the temporary key of that session (GetSessionToken):
 *       {@code ASIA…} derived from the credential and the session, with the session's creation
 *       date; the temporary key id is what CloudTrail gives to tell sessions apart.</li>
 *   <li>A role always acts through an assumed-role session named after the generated session (or
 *       after the event when it has none), with a temporary key derived the same way: roles have
 *       no access keys.</li>
 *   <li>{@code eventTime} keeps the generated milliseconds (CloudTrail itself writes whole seconds),
 *       so the read-back events keep their exact order.</li>
 *   <li>A platform finding's GuardDuty severity is 10 × the generated confidence, the scale the
 *       AWS normalizer reads back; its remote IP details carry the ASN and location.</li>
 * </ul>
 * Stateless and thread-safe.
 */
final class CloudTrailRecords {
    /** The region every record is logged in: IAM and STS calls are recorded in us-east-1. */
    static final String REGION = "us-east-1";
    /** Object- and item-level calls: CloudTrail data events, not management events. */
    private static final Set<String> DATA_SERVICES = Set.of("s3", "dynamodb", "sqs", "lambda");
    private static final Map<String, String> GRANTEE_PARAMETER = Map.of(
            "AttachUserPolicy", "user", "DetachUserPolicy", "user", "AttachRolePolicy", "role", "DetachRolePolicy", "role");

    private CloudTrailRecords() {
    }

    /** The caller, from an IAM user or role ARN {@code arn:<partition>:iam::<account>:<user|role>/<name>}. */
    private record Principal(String arn, String partition, String account, boolean role, String name) {
        static Principal of(String arn) {
            String[] parts = arn.split(":", 6);
            if (parts.length != 6 || !parts[0].equals("arn") || !parts[2].equals("iam") || parts[4].isEmpty()) {
                return null;
            }
            String resource = parts[5];
            boolean role = resource.startsWith("role/");
            if (!role && !resource.startsWith("user/")) {
                return null;
            }
            String name = resource.substring(resource.lastIndexOf('/') + 1);
            return name.isEmpty() ? null : new Principal(arn, parts[1], parts[4], role, name);
        }
    }

    /** The key and session a call is made with, as CloudTrail shows them. */
    private record Credentials(String accessKeyId, String sessionName) {
    }

    static Optional<RawRecord> render(IdentityEvent e) {
        Principal caller = Principal.of(e.identity().id());
        if (caller == null || (e.tenant() != null && !e.tenant().equals(caller.account())) || e.outcome() == Outcome.UNKNOWN) {
            return Optional.empty();
        }
        if (e.category() == EventCategory.PLATFORM_FINDING) {
            return Optional.of(guardDutyFinding(e, caller));
        }
        int colon = e.action().indexOf(':');
        if (colon <= 0 || colon == e.action().length() - 1) {
            return Optional.empty();
        }
        String service = e.action().substring(0, colon);
        String name = e.action().substring(colon + 1);
        ObjectNode request = null;
        if (e.category() == EventCategory.PRIVILEGE_CHANGE) {
            request = policyAttachment(e, caller, name);
            if (request == null) {
                return Optional.empty();
            }
        }
        Credentials credentials = credentials(e, caller);
        ObjectNode r = PlatformRecords.JSON.createObjectNode();
        r.put("eventVersion", "1.09");
        r.set("userIdentity", userIdentity(e, caller, credentials));
        r.put("eventTime", e.time().toString());
        r.put("eventSource", service + ".amazonaws.com");
        r.put("eventName", name);
        r.put("awsRegion", REGION);
        putIfKnown(r, "sourceIPAddress", e.source().ip());
        putIfKnown(r, "userAgent", e.source().userAgent());
        if (e.outcome() == Outcome.FAILURE) {
            r.put("errorCode", "AccessDenied");
            r.put("errorMessage", "User: " + caller.arn() + " is not authorized to perform: " + e.action());
        }
        if (request != null) {
            r.set("requestParameters", request);
        } else {
            r.putNull("requestParameters");
        }
        r.putNull("responseElements");
        r.put("requestID", PlatformRecords.uuid("request/" + e.id()));
        r.put("eventID", e.id());
        r.put("readOnly", name.startsWith("Get") || name.startsWith("List") || name.startsWith("Describe") || name.startsWith("Query"));
        r.put("eventType", "AwsApiCall");
        boolean data = DATA_SERVICES.contains(service);
        r.put("managementEvent", !data);
        r.put("recipientAccountId", caller.account());
        r.put("eventCategory", data ? "Data" : "Management");
        return Optional.of(new RawRecord(RawRecord.Format.CLOUDTRAIL, e.id(), e.time(), PlatformRecords.text(r)));
    }

    /** {@code requestParameters} of an Attach/Detach User/Role Policy call, or null when the event is another change. */
    private static ObjectNode policyAttachment(IdentityEvent e, Principal caller, String eventName) {
        String grantee = GRANTEE_PARAMETER.get(eventName);
        PrivilegeChange privilege = e.privilege();
        if (grantee == null || privilege == null || privilege.scopes().size() != 1
                || !Boolean.valueOf(eventName.startsWith("Attach")).equals(privilege.granted())) {
            return null;
        }
        Principal target = e.target() == null ? caller : Principal.of(e.target());
        if (target == null || target.role() != grantee.equals("role") || !target.account().equals(caller.account())) {
            return null;
        }
        ObjectNode request = PlatformRecords.JSON.createObjectNode();
        request.put(grantee + "Name", target.name());
        request.put("policyArn", privilege.scopes().get(0));
        return request;
    }

    private static Credentials credentials(IdentityEvent e, Principal caller) {
        CredentialRef credential = e.credential();
        SessionInfo session = e.session();
        String keyBase = credential != null ? credential.id() : caller.arn();
        if (!caller.role() && session == null) {
            return new Credentials(credential == null ? null : credential.id(), null);
        }
        String sessionName = sessionName(session != null && session.sessionId() != null ? session.sessionId() : "itdr-" + PlatformRecords.hex(e.id(), 12));
        return new Credentials("ASIA" + PlatformRecords.hex(keyBase + "/" + sessionName, 16), caller.role() ? sessionName : null);
    }

    /** A role session name as STS allows it: 2 to 64 of {@code [\w+=,.@-]}. */
    private static String sessionName(String text) {
        String name = text.replaceAll("[^\\w+=,.@-]", "-");
        name = name.length() > 64 ? name.substring(0, 64) : name;
        return name.length() < 2 ? name + "-s" : name;
    }

    private static ObjectNode userIdentity(IdentityEvent e, Principal caller, Credentials credentials) {
        ObjectNode ui = PlatformRecords.JSON.createObjectNode();
        SessionInfo session = e.session();
        if (caller.role()) {
            String rolePrincipal = "AROA" + PlatformRecords.hex(caller.arn(), 17);
            ui.put("type", "AssumedRole");
            ui.put("principalId", rolePrincipal + ":" + credentials.sessionName());
            ui.put("arn", "arn:" + caller.partition() + ":sts::" + caller.account() + ":assumed-role/" + caller.name() + "/"
                    + credentials.sessionName());
            ui.put("accountId", caller.account());
            ui.put("accessKeyId", credentials.accessKeyId());
            ObjectNode context = ui.putObject("sessionContext");
            ObjectNode issuer = context.putObject("sessionIssuer");
            issuer.put("type", "Role");
            issuer.put("principalId", rolePrincipal);
            issuer.put("arn", caller.arn());
            issuer.put("accountId", caller.account());
            issuer.put("userName", caller.name());
            sessionAttributes(context, session);
        } else {
            ui.put("type", "IAMUser");
            ui.put("principalId", "AIDA" + PlatformRecords.hex(caller.arn(), 17));
            ui.put("arn", caller.arn());
            ui.put("accountId", caller.account());
            putIfKnown(ui, "accessKeyId", credentials.accessKeyId());
            ui.put("userName", caller.name());
            if (session != null) {
                sessionAttributes(ui.putObject("sessionContext"), session);
            }
        }
        return ui;
    }

    private static void sessionAttributes(ObjectNode context, SessionInfo session) {
        ObjectNode attributes = context.putObject("attributes");
        if (session != null && session.issuedAt() != null) {
            attributes.put("creationDate", session.issuedAt().toString());
        }
        if (session != null && session.mfa() != null) {
            attributes.put("mfaAuthenticated", session.mfa().toString());
        }
    }

    private static RawRecord guardDutyFinding(IdentityEvent e, Principal caller) {
        PlatformFinding finding = e.finding();
        Credentials credentials = credentials(e, caller);
        String time = e.time().toString();
        ObjectNode f = PlatformRecords.JSON.createObjectNode();
        f.put("schemaVersion", "2.0");
        f.put("accountId", caller.account());
        f.put("region", REGION);
        f.put("partition", caller.partition());
        f.put("id", e.id());
        f.put("arn", "arn:" + caller.partition() + ":guardduty:" + REGION + ":" + caller.account() + ":detector/"
                + PlatformRecords.hex("detector/" + caller.account(), 32).toLowerCase(Locale.ROOT) + "/finding/" + e.id());
        f.put("type", finding.type());
        ObjectNode resource = f.putObject("resource");
        resource.put("resourceType", "AccessKey");
        ObjectNode key = resource.putObject("accessKeyDetails");
        putIfKnown(key, "accessKeyId", credentials.accessKeyId());
        key.put("principalId", caller.role() ? "AROA" + PlatformRecords.hex(caller.arn(), 17) + ":" + credentials.sessionName()
                : "AIDA" + PlatformRecords.hex(caller.arn(), 17));
        key.put("userName", caller.name());
        key.put("userType", caller.role() ? "AssumedRole" : "IAMUser");
        ObjectNode service = f.putObject("service");
        service.put("serviceName", "guardduty");
        ObjectNode action = service.putObject("action");
        action.put("actionType", "AWS_API_CALL");
        ObjectNode call = action.putObject("awsApiCallAction");
        call.put("callerType", "Remote IP");
        call.set("remoteIpDetails", remoteIpDetails(e.source()));
        service.put("count", 1);
        service.put("eventFirstSeen", time);
        service.put("eventLastSeen", time);
        service.put("archived", false);
        f.put("severity", Math.round(finding.confidence() * 100) / 10.0);
        f.put("createdAt", time);
        f.put("updatedAt", time);
        putIfKnown(f, "title", finding.description());
        putIfKnown(f, "description", finding.description());
        return new RawRecord(RawRecord.Format.GUARDDUTY, e.id() + "@" + time, e.time(), PlatformRecords.text(f));
    }

    private static ObjectNode remoteIpDetails(Source source) {
        ObjectNode remote = PlatformRecords.JSON.createObjectNode();
        putIfKnown(remote, "ipAddressV4", source.ip());
        if (source.asn() != null || source.asOrg() != null) {
            ObjectNode organization = remote.putObject("organization");
            putIfKnown(organization, "asn", source.asn() == null ? null : source.asn().toString());
            putIfKnown(organization, "asnOrg", source.asOrg());
            putIfKnown(organization, "isp", source.asOrg());
            putIfKnown(organization, "org", source.asOrg());
        }
        Geo geo = source.geo();
        if (geo != null) {
            if (geo.country() != null) {
                ObjectNode country = remote.putObject("country");
                country.put("countryCode", geo.country());
                country.put("countryName", new Locale("", geo.country()).getDisplayCountry(Locale.ENGLISH));
            }
            if (geo.city() != null) {
                remote.putObject("city").put("cityName", geo.city());
            }
            if (geo.hasCoordinates()) {
                ObjectNode location = remote.putObject("geoLocation");
                location.put("lat", geo.lat());
                location.put("lon", geo.lon());
            }
        }
        return remote;
    }

    private static void putIfKnown(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}

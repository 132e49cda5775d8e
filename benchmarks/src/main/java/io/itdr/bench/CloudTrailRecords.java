package io.itdr.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.normalize.EventJson;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Writes a generated AWS event as the raw CloudTrail record AWS would have logged for it
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html):
 * {@code userIdentity} of type IAMUser, or AssumedRole with its session issuer, the access key,
 * event source and name from the action ({@code s3:GetObject} → {@code s3.amazonaws.com},
 * {@code GetObject}), source IP, user agent, request parameters of a privilege grant, and the
 * fields every record carries (eventVersion, requestID, eventType, recipientAccountId...). Events
 * of other platforms, and platform findings (GuardDuty, not CloudTrail), give no record.
 *
 * <p>The benchmark's own conversion: the project's raw-format writer had not landed when the
 * harness was written. Not thread-safe.
 */
final class CloudTrailRecords {
    private final ObjectMapper mapper = new ObjectMapper();

    /** The record for one normalized event line, or null when it is not a CloudTrail event. */
    String fromNormalized(String line) {
        IdentityEvent e = EventJson.read(line);
        if (!"aws".equals(e.platform()) || e.category() == EventCategory.PLATFORM_FINDING) {
            return null;
        }
        ObjectNode r = mapper.createObjectNode();
        r.put("eventVersion", "1.09");
        ObjectNode ui = r.putObject("userIdentity");
        String id = e.identity().id();
        boolean role = id.contains(":role/");
        String principal = "AID" + e.credential().id().substring(4).toUpperCase(Locale.ROOT);
        if (role) {
            String session = e.session() != null && e.session().sessionId() != null ? e.session().sessionId() : "session";
            ui.put("type", "AssumedRole");
            ui.put("principalId", "AROA" + principal.substring(3) + ":" + session);
            ui.put("arn", id.replace("arn:aws:iam::", "arn:aws:sts::").replace(":role/", ":assumed-role/") + "/" + session);
            ui.put("accountId", e.tenant());
            ui.put("accessKeyId", "ASIA" + e.credential().id().substring(4));
            ObjectNode context = ui.putObject("sessionContext");
            ObjectNode issuer = context.putObject("sessionIssuer");
            issuer.put("type", "Role");
            issuer.put("principalId", "AROA" + principal.substring(3));
            issuer.put("arn", id);
            issuer.put("accountId", e.tenant());
            issuer.put("userName", e.identity().name());
            ObjectNode attributes = context.putObject("attributes");
            if (e.session() != null && e.session().issuedAt() != null) {
                attributes.put("creationDate", e.session().issuedAt().truncatedTo(ChronoUnit.SECONDS).toString());
            }
            attributes.put("mfaAuthenticated", "false");
        } else {
            ui.put("type", "IAMUser");
            ui.put("principalId", principal);
            ui.put("arn", id);
            ui.put("accountId", e.tenant());
            ui.put("accessKeyId", e.credential().id());
            ui.put("userName", e.identity().name());
        }
        int colon = e.action().indexOf(':');
        String service = colon < 0 ? "aws" : e.action().substring(0, colon);
        String name = colon < 0 ? e.action() : e.action().substring(colon + 1);
        r.put("eventTime", e.time().truncatedTo(ChronoUnit.SECONDS).toString());
        r.put("eventSource", service + ".amazonaws.com");
        r.put("eventName", name);
        r.put("awsRegion", e.source().geo() != null && e.source().geo().region() != null
                && e.source().geo().region().matches("[a-z]{2}-[a-z]+-\\d") ? e.source().geo().region() : "us-east-1");
        r.put("sourceIPAddress", e.source().ip());
        r.put("userAgent", e.source().userAgent());
        if (e.privilege() != null && e.category() == EventCategory.PRIVILEGE_CHANGE) {
            ObjectNode request = r.putObject("requestParameters");
            request.put("userName", e.identity().name());
            request.put("policyArn", e.privilege().scopes().isEmpty() ? null : e.privilege().scopes().get(0));
        } else {
            r.putNull("requestParameters");
        }
        r.putNull("responseElements");
        r.put("requestID", Long.toHexString(e.id().hashCode() & 0xffffffffL) + "-" + Long.toHexString(e.time().toEpochMilli()));
        r.put("eventID", e.id());
        r.put("readOnly", !name.startsWith("Put") && !name.startsWith("Attach") && !name.startsWith("Create"));
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", !"s3".equals(service));
        r.put("recipientAccountId", e.tenant());
        r.put("eventCategory", "s3".equals(service) ? "Data" : "Management");
        try {
            return mapper.writeValueAsString(r);
        } catch (JsonProcessingException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

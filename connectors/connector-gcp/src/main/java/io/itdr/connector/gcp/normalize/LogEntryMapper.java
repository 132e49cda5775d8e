package io.itdr.connector.gcp.normalize;

import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.kindOf;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps one Cloud Audit Logs {@code LogEntry} (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry)
 * whose {@code protoPayload} is an {@code AuditLog}
 * (https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog) to an
 * {@link IdentityEvent}.
 *
 * <p>Who acted, from {@code authenticationInfo}
 * (https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog#authenticationinfo):
 * {@code principalEmail} (a service account, a user, a Kubernetes service account), else
 * {@code principalSubject} (a workload identity federation principal
 * {@code principal://iam.googleapis.com/.../workloadIdentityPools/POOL/subject/S}, or
 * {@code serviceAccount:}/{@code user:} forms). A call made by impersonation carries
 * {@code serviceAccountDelegationInfo}: the identity is the service account whose permissions were
 * used ({@code principalEmail}); the principals that delegated to it, in the order they did, go to
 * the {@code delegated_by} (the original caller) and {@code delegation_chain} attributes. A token
 * minted for another service account ({@code GenerateAccessToken}, {@code SignJwt} …) is an
 * {@link EventCategory#AUTHENTICATION} of the caller whose target is the impersonated account.
 * The key a service account signed in with ({@code serviceAccountKeyName}) is the credential. A policy
 * change ({@code SetIamPolicy} …) is a {@link EventCategory#PRIVILEGE_CHANGE} whose target is its grantee, as on
 * the other platforms: the one service account or user its binding deltas add roles to; else (several
 * grantees, a group, removals only) the resource whose policy it is, which is also in {@code resource_name}.
 *
 * <p>Required: {@code insertId}, a time ({@code timestamp}, else {@code receiveTimestamp}: Logging
 * sets the first to the second when a writer leaves it out), an {@code AuditLog} {@code protoPayload}
 * with {@code methodName}, and a principal. Everything else may be missing or of an unexpected kind;
 * request and response bodies are never copied (they can hold keys). Stateless and thread-safe.
 */
final class LogEntryMapper {
    static final String PLATFORM = "gcp";
    static final String AUDIT_LOG_TYPE = "type.googleapis.com/google.cloud.audit.AuditLog";
    private static final String KEYS = "/keys/";
    private static final String SERVICE_ACCOUNTS = "serviceAccounts/";
    private static final int MAX_ATTRIBUTE = 256;

    IdentityEvent map(JsonNode entry, String rawRef) {
        List<String> problems = new ArrayList<>(3);
        JsonFields.requireText(entry, "insertId", problems, JsonFields::kindOf);
        if (child(entry, "timestamp") == null && child(entry, "receiveTimestamp") == null) {
            problems.add("timestamp (missing, and no receiveTimestamp)");
        }
        JsonNode payload = child(entry, "protoPayload");
        if (payload == null) {
            String other = child(entry, "jsonPayload") != null ? "jsonPayload" : child(entry, "textPayload") != null ? "textPayload" : null;
            problems.add("protoPayload (missing" + (other == null ? "" : "; the entry has a " + other + ", not an audit log") + ")");
        } else if (!payload.isObject()) {
            problems.add("protoPayload (expected an object, found " + kindOf(payload) + ")");
        } else {
            JsonFields.requireText(payload, "methodName", problems, JsonFields::kindOf);
            problems.replaceAll(p -> p.startsWith("methodName") ? "protoPayload." + p : p);
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(JsonFields.requiredFieldsMessage(problems));
        }
        String type = text(payload, "@type");
        if (type != null && !AUDIT_LOG_TYPE.equals(type)) {
            throw new RejectedRecord("protoPayload.@type: '" + clip(type, 120) + "' is not a Cloud Audit Logs AuditLog (" + AUDIT_LOG_TYPE + ")");
        }
        Instant time = time(entry);
        String methodName = text(payload, "methodName");
        Map<String, String> attributes = new LinkedHashMap<>();
        JsonNode auth = object(payload, "authenticationInfo");
        if (child(payload, "authenticationInfo") != null && auth == null) {
            throw new RejectedRecord("protoPayload.authenticationInfo: expected an object, found "
                    + kindOf(child(payload, "authenticationInfo")));
        }
        IdentityRef identity = identity(auth);
        String subject = text(auth, "principalSubject");
        if (subject != null && !subject.equals(identity.id()) && !subject.endsWith(":" + identity.id())) {
            put(attributes, "principal_subject", subject);
        }
        put(attributes, "authority_selector", text(auth, "authoritySelector"));
        put(attributes, "oauth_client_id", text(object(auth, "oauthInfo"), "oauthClientId"));
        delegation(auth, attributes);

        String logType = logType(text(entry, "logName"));
        put(attributes, "audit_log", logType);
        String serviceName = text(payload, "serviceName");
        put(attributes, "service_name", serviceName);
        String resourceName = text(payload, "resourceName");
        put(attributes, "resource_name", resourceName);
        JsonNode resource = object(entry, "resource");
        put(attributes, "resource_type", text(resource, "type"));
        put(attributes, "severity", text(entry, "severity"));

        JsonNode metadata = object(payload, "requestMetadata");
        String ip = firstOf(text(metadata, "callerIp"), text(metadata, "callerIP"));
        Source source = new Source(ip, null, null, null, text(metadata, "callerSuppliedUserAgent"), null);
        put(attributes, "caller_network", text(metadata, "callerNetwork"));

        Outcome outcome = outcome(payload, "policy".equals(logType), attributes);
        CredentialRef credential = null;
        String keyName = text(auth, "serviceAccountKeyName");
        if (keyName != null) {
            String keyId = afterLast(keyName, KEYS);
            if (keyId != null) {
                credential = new CredentialRef(keyId, "service_account_key");
            }
            put(attributes, "service_account_key_name", keyName);
        }

        EventCategory category = MethodKinds.category(methodName);
        IdentityEvent.Builder event = IdentityEvent.builder(text(entry, "insertId"), time, PLATFORM, identity)
                .tenant(tenant(text(entry, "logName"), resource))
                .category(category)
                .action(methodName)
                .outcome(outcome)
                .source(source)
                .credential(credential)
                .workload(workload(subject))
                .rawRef(rawRef);
        switch (category) {
            case AUTHENTICATION -> {
                String impersonated = serviceAccountIn(resourceName);
                if (impersonated != null) {
                    event.target(impersonated);
                    attributes.put("impersonated", impersonated);
                }
            }
            case CREDENTIAL_CHANGE -> {
                String keyId = firstOf(afterLast(resourceName, KEYS), afterLast(text(object(payload, "response"), "name"), KEYS));
                String account = firstOf(serviceAccountIn(text(object(payload, "response"), "name")), serviceAccountIn(resourceName));
                put(attributes, "target_service_account", account);
                event.target(firstOf(keyId, account));
            }
            case IDENTITY_CHANGE -> event.target(firstOf(serviceAccountIn(resourceName), text(object(payload, "response"), "email")));
            case PRIVILEGE_CHANGE -> {
                // the grantee, as the other platforms name it (AttachUserPolicy's user): the one principal the change adds
                // roles to; else what the policy belongs to (several grantees, a group, only removals)
                Deltas deltas = bindingDeltas(payload, attributes);
                event.target(deltas.grantee() != null ? deltas.grantee() : resourceName);
                event.privilege(deltas.change());
            }
            default -> {
            }
        }
        return event.attributes(attributes).build();
    }

    // ---- who ----

    private static IdentityRef identity(JsonNode auth) {
        String email = text(auth, "principalEmail");
        if (email != null) {
            return new IdentityRef(email, kindOfPrincipal(email), null);
        }
        String subject = text(auth, "principalSubject");
        if (subject != null) {
            if (subject.startsWith("serviceAccount:") || subject.startsWith("user:")) {
                String id = subject.substring(subject.indexOf(':') + 1);
                if (!id.isBlank()) {
                    return new IdentityRef(id, kindOfPrincipal(id), null);
                }
            }
            return new IdentityRef(subject, isFederated(subject) ? "workload_identity" : null, null);
        }
        throw new RejectedRecord("protoPayload.authenticationInfo: names no principal (neither principalEmail nor principalSubject"
                + (auth == null ? "; authenticationInfo is missing" : "") + ")");
    }

    static String kindOfPrincipal(String email) {
        String lower = email.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gserviceaccount.com")) {
            return "service_account";
        }
        if (lower.startsWith("system:serviceaccount:")) {
            return "k8s_service_account";
        }
        if (lower.equals("system:anonymous")) {
            return "anonymous";
        }
        return lower.startsWith("system:") ? "k8s_system" : "user";
    }

    private static boolean isFederated(String subject) {
        return (subject.startsWith("principal://") || subject.startsWith("principalSet://")) && subject.contains("/workloadIdentityPools/");
    }

    /** A workload identity federation principal names its pool: {@code .../workloadIdentityPools/POOL/subject/S}. */
    private static Workload workload(String subject) {
        if (subject == null || !isFederated(subject)) {
            return null;
        }
        String pool = afterLast(subject, "/workloadIdentityPools/");
        if (pool != null && pool.contains("/")) {
            pool = pool.substring(0, pool.indexOf('/'));
        }
        return new Workload(subject, "workload_identity_pool", pool);
    }

    /** The principals that delegated to the acting service account, first the original caller. */
    private static void delegation(JsonNode auth, Map<String, String> attributes) {
        JsonNode chain = child(auth, "serviceAccountDelegationInfo");
        if (chain == null) {
            return;
        }
        if (!chain.isArray()) {
            throw new RejectedRecord("protoPayload.authenticationInfo.serviceAccountDelegationInfo: expected an array, found " + kindOf(chain));
        }
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode link : chain) {
            String name = firstOf(text(object(link, "firstPartyPrincipal"), "principalEmail"), text(link, "principalSubject"));
            if (name == null) {
                JsonNode claims = object(object(link, "thirdPartyPrincipal"), "thirdPartyClaims");
                name = firstOf(text(claims, "sub"), text(claims, "email"));
            }
            if (name != null) {
                names.add(name);
            }
        }
        if (!names.isEmpty()) {
            attributes.put("delegated_by", clip(names.iterator().next(), MAX_ATTRIBUTE));
            attributes.put("delegation_chain", clip(String.join(" -> ", names), MAX_ATTRIBUTE * 2));
        }
    }

    // ---- what ----

    /**
     * IAM policy changes carry their bindings in {@code serviceData.policyDelta.bindingDeltas}
     * (https://cloud.google.com/iam/docs/audit-logging/examples-iam) or, for BigQuery, in
     * {@code metadata.datasetChange.bindingDeltas}; each is {@code {"action":"ADD"|"REMOVE","role","member"}}. The
     * grantee is the one service account or user the change adds roles to (null for several, a group, only removals).
     */
    private static Deltas bindingDeltas(JsonNode payload, Map<String, String> attributes) {
        JsonNode deltas = child(object(object(payload, "serviceData"), "policyDelta"), "bindingDeltas");
        if (deltas == null) {
            deltas = child(object(object(payload, "metadata"), "datasetChange"), "bindingDeltas");
        }
        if (deltas == null || !deltas.isArray()) {
            return new Deltas(null, null);
        }
        Set<String> roles = new LinkedHashSet<>();
        List<String> described = new ArrayList<>();
        Set<String> grantees = new LinkedHashSet<>();
        boolean added = false;
        for (JsonNode delta : deltas) {
            String role = text(delta, "role");
            String action = text(delta, "action");
            if (role == null) {
                continue;
            }
            roles.add(role);
            added |= "ADD".equals(action);
            if ("ADD".equals(action)) {
                grantees.add(firstOf(text(delta, "member"), "?"));
            }
            described.add((action == null ? "?" : action) + " " + role + " " + firstOf(text(delta, "member"), "?"));
        }
        if (roles.isEmpty()) {
            return new Deltas(null, null);
        }
        attributes.put("binding_deltas", clip(String.join("; ", described), MAX_ATTRIBUTE * 2));
        String member = grantees.size() == 1 ? grantees.iterator().next() : "";
        String grantee = null;
        for (String kind : new String[]{"serviceAccount:", "user:"}) {
            if (member.startsWith(kind) && member.length() > kind.length()) {
                grantee = member.substring(kind.length());
            }
        }
        return new Deltas(new PrivilegeChange(List.copyOf(roles), added), grantee);
    }

    /** A policy change's roles, and the one principal it grants them to (null when not one). */
    private record Deltas(PrivilegeChange change, String grantee) {
    }

    private static Outcome outcome(JsonNode payload, boolean policyDenied, Map<String, String> attributes) {
        JsonNode status = object(payload, "status");
        JsonNode code = child(status, "code");
        put(attributes, "status_message", text(status, "message"));
        if (code != null && code.canConvertToInt()) {
            attributes.put("status_code", String.valueOf(code.intValue()));
            return code.intValue() == 0 && !policyDenied ? Outcome.SUCCESS : Outcome.FAILURE;
        }
        return policyDenied ? Outcome.FAILURE : Outcome.SUCCESS;
    }

    // ---- where and when ----

    private static Instant time(JsonNode entry) {
        String field = child(entry, "timestamp") != null ? "timestamp" : "receiveTimestamp";
        JsonNode value = child(entry, field);
        if (!value.isTextual()) {
            throw new RejectedRecord(field + ": expected an RFC 3339 time as a string, found " + kindOf(value));
        }
        try {
            return OffsetDateTime.parse(value.textValue().trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new RejectedRecord(field + ": not an RFC 3339 time: '" + clip(value.textValue(), 40) + "'");
        }
    }

    /** {@code projects/P/logs/cloudaudit.googleapis.com%2Factivity} → {@code activity}; null when not an audit log name. */
    static String logType(String logName) {
        if (logName == null) {
            return null;
        }
        int logs = logName.indexOf("/logs/");
        String id = logs < 0 ? logName : logName.substring(logs + "/logs/".length());
        try {
            id = URLDecoder.decode(id, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return id.startsWith("cloudaudit.googleapis.com/") ? id.substring("cloudaudit.googleapis.com/".length()) : null;
    }

    /** The project id of {@code projects/P/logs/…}, the whole parent otherwise ({@code organizations/123}), else the resource's project. */
    static String tenant(String logName, JsonNode resource) {
        if (logName != null) {
            int logs = logName.indexOf("/logs/");
            String parent = logs < 0 ? null : logName.substring(0, logs);
            if (parent != null && parent.startsWith("projects/") && parent.length() > "projects/".length()) {
                return parent.substring("projects/".length());
            }
            if (parent != null && !parent.isBlank()) {
                return parent;
            }
        }
        return text(object(resource, "labels"), "project_id");
    }

    /** The service account of a resource name ({@code projects/-/serviceAccounts/E[/keys/K]}); null when it names none. */
    static String serviceAccountIn(String resourceName) {
        String account = afterLast(resourceName, SERVICE_ACCOUNTS);
        if (account == null) {
            return null;
        }
        int slash = account.indexOf('/');
        account = slash < 0 ? account : account.substring(0, slash);
        return account.isBlank() ? null : account;
    }

    private static String afterLast(String text, String marker) {
        if (text == null) {
            return null;
        }
        int at = text.lastIndexOf(marker);
        String rest = at < 0 ? null : text.substring(at + marker.length());
        return rest == null || rest.isBlank() ? null : rest;
    }

    // ---- fields ----

    static String text(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        return value != null && value.isTextual() && !value.textValue().isBlank() ? value.textValue() : null;
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    private static void put(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, clip(value, MAX_ATTRIBUTE));
        }
    }
}

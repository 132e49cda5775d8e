package io.itdr.connector.aws.normalize;

import io.itdr.connector.support.JsonFields;
import static io.itdr.connector.aws.normalize.RecordFields.instant;
import static io.itdr.connector.aws.normalize.RecordFields.text;
import static io.itdr.connector.support.JsonFields.bool;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.aws.Arn;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * TEST REFERENCE: the CloudTrail record mapper as it was before records were streamed (commit
 * 0953182), reading a tree; see {@link TreeCloudTrailNormalizer}. Its original description:
 *
 * Maps one CloudTrail record (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
 * to an {@link IdentityEvent}. The identity is read from {@code userIdentity} per its type
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html):
 * a role session is attributed to its role, not to the session, so every session of a role
 * shares the role's state; the session name travels in the session info and attributes.
 *
 * <p>Only {@code eventID}, {@code eventTime} and {@code userIdentity} are required; every other
 * field may be missing, null or of an unexpected kind, and unknown fields are ignored. Values
 * that could hold secrets (session tokens in {@code responseElements}, policy bodies) are never
 * copied into the event. Stateless and thread-safe.
 */
final class TreeCloudTrailRecordMapper {
    static final String PLATFORM = "aws";
    /** EC2 names an instance profile's role session after the instance: "i-" and 8 or 17 hex digits. */
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8}(?:[0-9a-f]{9})?");
    private static final String HIDDEN_USER = "HIDDEN_DUE_TO_SECURITY_REASONS";
    private static final int MAX_ATTRIBUTE = 256;

    private final ObjectMapper mapper;

    TreeCloudTrailRecordMapper(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    IdentityEvent map(JsonNode record, String rawRef) {
        requireFields(record);
        String eventId = text(record, "eventID");
        String timeText = text(record, "eventTime");
        Instant time = instant(timeText);
        if (time == null) {
            throw new RejectedRecord("eventTime: not an ISO-8601 instant: '" + clip(timeText, 40) + "'");
        }
        JsonNode userIdentity = record.get("userIdentity");
        Map<String, String> attributes = new LinkedHashMap<>();
        Caller caller = caller(userIdentity, attributes);

        String eventSource = text(record, "eventSource");
        String service = serviceOf(eventSource);
        String eventName = text(record, "eventName");
        String tenant = firstOf(text(record, "recipientAccountId"), caller.accountId());
        if (caller.accountId() != null && !caller.accountId().equals(tenant)) {
            attributes.put("caller_account_id", caller.accountId());
        }
        put(attributes, "aws_region", text(record, "awsRegion"));
        put(attributes, "event_type", text(record, "eventType"));
        put(attributes, "error_code", text(record, "errorCode"));
        put(attributes, "error_message", text(record, "errorMessage"));
        put(attributes, "vpc_endpoint_id", text(record, "vpcEndpointId"));

        EventCategory category = ActivityKinds.category(service, eventName);
        IdentityEvent.Builder event = IdentityEvent.builder(eventId, time, PLATFORM, caller.identity())
                .tenant(tenant)
                .category(category)
                .action(service + ":" + (eventName == null ? "unknown" : eventName))
                .outcome(outcome(record))
                .source(new Source(text(record, "sourceIPAddress"), null, null, null, text(record, "userAgent"), null))
                .credential(caller.credential())
                .session(session(record, userIdentity, caller))
                .workload(caller.workload())
                .rawRef(rawRef);
        JsonNode request = object(record, "requestParameters");
        JsonNode response = object(record, "responseElements");
        put(attributes, "resource", resource(request));
        switch (category) {
            case PRIVILEGE_CHANGE -> privilegeChange(event, eventName, request, caller.partition(), tenant, attributes);
            case CREDENTIAL_CHANGE -> credentialChange(event, request, response, caller, tenant, attributes);
            case IDENTITY_CHANGE -> identityChange(event, eventName, request, response, caller.partition(), tenant, attributes);
            case AUTHENTICATION -> authentication(request, response, attributes);
            default -> {
            }
        }
        return event.attributes(attributes).build();
    }

    private static void requireFields(JsonNode record) {
        List<String> problems = new ArrayList<>(3);
        JsonFields.requireText(record, "eventID", problems, TreeCloudTrailRecordMapper::kindOf);
        JsonFields.requireText(record, "eventTime", problems, TreeCloudTrailRecordMapper::kindOf);
        JsonFields.requireObject(record, "userIdentity", problems, TreeCloudTrailRecordMapper::kindOf);
        if (!problems.isEmpty()) {
            throw new RejectedRecord(JsonFields.requiredFieldsMessage(problems));
        }
    }

    // ---- the caller ----

    /** Who made the call, as far as {@code userIdentity} says. */
    private record Caller(IdentityRef identity, String accountId, String partition, CredentialRef credential,
                          String sessionName, String tokenId, Workload workload) {
    }

    private static Caller caller(JsonNode ui, Map<String, String> attributes) {
        String type = firstOf(text(ui, "type"), "Unknown");
        String arnText = text(ui, "arn");
        Optional<Arn> arn = Arn.parse(arnText);
        JsonNode sessionContext = object(ui, "sessionContext");
        JsonNode issuer = object(sessionContext, "sessionIssuer");
        Optional<Arn> issuerArn = Arn.parse(text(issuer, "arn"));
        String partition = arn.or(() -> issuerArn).map(Arn::partition).orElse(Arn.DEFAULT_PARTITION);
        String accountId = firstOf(text(ui, "accountId"), arn.map(Arn::account).filter(a -> !a.isEmpty()).orElse(null));
        String principalId = text(ui, "principalId");
        String userName = text(ui, "userName");
        String accessKeyId = text(ui, "accessKeyId");
        CredentialRef credential = accessKeyId == null ? null : new CredentialRef(accessKeyId, accessKeyKind(accessKeyId));
        String tokenId = credential != null && "session_key".equals(credential.kind()) ? accessKeyId : null;
        put(attributes, "user_identity_type", type);
        put(attributes, "invoked_by", text(ui, "invokedBy"));
        put(attributes, "source_identity", text(sessionContext, "sourceIdentity"));
        put(attributes, "ec2_role_delivery", text(sessionContext, "ec2RoleDelivery"));

        String id = null;
        String kind;
        String name = null;
        String sessionName = null;
        Workload workload = null;
        switch (type) {
            case "IAMUser" -> {
                kind = "iam_user";
                name = firstOf(userName, arn.map(Arn::resourceName).orElse(null));
                if (arn.isPresent()) {
                    id = arnText;
                } else if (userName != null && !userName.equals(HIDDEN_USER) && accountId != null) {
                    id = Arn.iam(partition, accountId, "user/" + userName).toString();
                }
                if (HIDDEN_USER.equals(name)) {
                    name = null; // the console masks a mistyped user name; it names nobody
                    attributes.put("user_name", HIDDEN_USER);
                }
            }
            case "AssumedRole" -> {
                kind = "iam_role";
                Optional<Arn> role = issuerArn.filter(a -> a.isIamPrincipal("role")).or(() -> arn.flatMap(TreeCloudTrailRecordMapper::roleOfSession));
                id = role.map(Arn::toString).orElse(null);
                name = firstOf(text(issuer, "userName"), role.map(Arn::resourceName).orElse(null));
                sessionName = sessionName(arn, principalId);
                put(attributes, "session_name", sessionName);
                put(attributes, "assumed_role_arn", arnText);
                if (sessionName != null && INSTANCE_ID.matcher(sessionName).matches()) {
                    workload = new Workload(sessionName, "ec2", null);
                }
            }
            case "Role" -> {
                kind = "iam_role";
                id = arn.isPresent() ? arnText : null;
                name = arn.map(Arn::resourceName).orElse(userName);
            }
            case "FederatedUser" -> {
                kind = "federated_user";
                id = arn.isPresent() ? arnText : null;
                name = arn.map(Arn::resourceName).orElse(sessionName(arn, principalId));
                sessionName = name;
                put(attributes, "session_issuer_arn", text(issuer, "arn"));
            }
            case "AWSService" -> {
                kind = "aws_service";
                id = text(ui, "invokedBy");
                name = id;
            }
            case "Root" -> {
                kind = "root";
                id = arn.isPresent() ? arnText : accountId == null ? null : Arn.iam(partition, accountId, "root").toString();
                name = firstOf(userName, "root");
            }
            case "AWSAccount" -> {
                kind = "aws_account";
                id = accountId == null ? null : "aws-account/" + accountId + (principalId == null ? "" : "/" + principalId);
                name = accountId;
            }
            case "IdentityCenterUser" -> {
                kind = "identity_center_user";
                JsonNode onBehalfOf = object(ui, "onBehalfOf");
                String userId = text(onBehalfOf, "userId");
                String store = text(onBehalfOf, "identityStoreArn");
                id = userId == null ? null : (store == null ? "identity-center-user" : store) + "/user/" + userId;
                name = userId;
                tokenId = text(ui, "credentialId"); // an identifier of the bearer token, not the token
                put(attributes, "identity_store_arn", store);
            }
            case "SAMLUser", "WebIdentityUser" -> {
                kind = type.equals("SAMLUser") ? "saml_user" : "web_identity_user";
                String provider = text(ui, "identityProvider");
                id = firstOf(principalId, provider == null || userName == null ? null : provider + ":" + userName);
                name = userName;
                put(attributes, "identity_provider", provider);
                if (type.equals("WebIdentityUser") && userName != null) {
                    workload = new Workload(userName, "oidc_subject", provider);
                }
            }
            default -> {
                kind = type.toLowerCase(Locale.ROOT);
                id = firstOf(arn.isPresent() ? arnText : null, principalId);
                name = userName;
            }
        }
        if (id == null) {
            id = fallbackId(kind, accountId, principalId);
        }
        Workload scoped = scopedWorkload(object(ui, "inScopeOf"));
        return new Caller(new IdentityRef(id, kind, name), accountId, partition, credential, sessionName, tokenId,
                scoped != null ? scoped : workload);
    }

    /** When {@code userIdentity} names the caller by no usable field, the most specific id still left. */
    private static String fallbackId(String kind, String accountId, String principalId) {
        if (principalId != null) {
            return principalId;
        }
        if (accountId != null) {
            return "aws-account/" + accountId + "/unidentified-" + kind;
        }
        throw new RejectedRecord("userIdentity: nothing identifies the caller (no usable arn, principalId, accountId or invokedBy)");
    }

    /** {@code arn:aws:sts::123:assumed-role/Role/Session} → {@code arn:aws:iam::123:role/Role} (a role path is not in the session ARN). */
    private static Optional<Arn> roleOfSession(Arn session) {
        String[] parts = session.resource().split("/");
        if (!session.resourceType().equals("assumed-role") || parts.length < 3) {
            return Optional.empty();
        }
        return Optional.of(Arn.iam(session.partition(), session.account(), "role/" + parts[1]));
    }

    private static String sessionName(Optional<Arn> arn, String principalId) {
        if (arn.isPresent() && arn.get().resourceType().equals("assumed-role")) {
            String[] parts = arn.get().resource().split("/");
            if (parts.length >= 3) {
                return parts[parts.length - 1];
            }
        }
        int colon = principalId == null ? -1 : principalId.indexOf(':');
        return colon < 0 || colon == principalId.length() - 1 ? null : principalId.substring(colon + 1);
    }

    /** {@code inScopeOf}: the resource the credentials were issued to (a Lambda function, an EC2 instance). */
    private static Workload scopedWorkload(JsonNode inScopeOf) {
        String issuedTo = text(inScopeOf, "credentialsIssuedTo");
        if (issuedTo == null) {
            return null;
        }
        String issuerType = text(inScopeOf, "issuerType");
        String kind = issuerType == null ? null : switch (issuerType) {
            case "AWS::Lambda::Function" -> "lambda";
            case "AWS::EC2::Instance" -> "ec2";
            case "AWS::ECS::Task" -> "ecs_task";
            default -> issuerType;
        };
        return new Workload(issuedTo, kind, null);
    }

    /** "access_key" for long-term keys (AKIA…), "session_key" for temporary ones (ASIA…), else unknown. */
    static String accessKeyKind(String accessKeyId) {
        if (accessKeyId.startsWith("AKIA")) {
            return "access_key";
        }
        return accessKeyId.startsWith("ASIA") ? "session_key" : null;
    }

    // ---- session, outcome ----

    private static SessionInfo session(JsonNode record, JsonNode ui, Caller caller) {
        JsonNode attributes = object(object(ui, "sessionContext"), "attributes");
        Instant issuedAt = instant(text(attributes, "creationDate"));
        Boolean mfa = bool(attributes, "mfaAuthenticated");
        if (mfa == null) {
            String used = text(object(record, "additionalEventData"), "MFAUsed"); // console sign-in: "Yes" / "No"
            mfa = used == null ? null : used.equalsIgnoreCase("yes");
        }
        if (caller.sessionName() == null && caller.tokenId() == null && issuedAt == null && mfa == null) {
            return null;
        }
        return new SessionInfo(caller.sessionName(), caller.tokenId(), issuedAt, mfa);
    }

    private static Outcome outcome(JsonNode record) {
        if (text(record, "errorCode") != null) {
            return Outcome.FAILURE;
        }
        // a failed console sign-in carries no errorCode, only responseElements.ConsoleLogin = "Failure"
        String login = text(object(record, "responseElements"), "ConsoleLogin");
        return "Failure".equalsIgnoreCase(login) ? Outcome.FAILURE : Outcome.SUCCESS;
    }

    // ---- per category ----

    private void privilegeChange(IdentityEvent.Builder event, String eventName, JsonNode request, String partition, String tenant,
                                 Map<String, String> attributes) {
        ActivityKinds.PrivilegeRule rule = ActivityKinds.privilegeRule(eventName);
        String granteeName = text(request, rule.grantee().parameter);
        String target;
        if (rule.grantee() == ActivityKinds.Grantee.POLICY) {
            target = granteeName;
        } else {
            target = granteeName == null || tenant == null ? null
                    : Arn.iam(partition, tenant, rule.grantee().arnPrefix + granteeName).toString();
        }
        String scope;
        if (rule.scopeParameter() == null) {
            scope = "sts:AssumeRole"; // a trust policy decides who may assume the role
        } else if (rule.scopeParameter().equals("groupName")) {
            String group = text(request, "groupName");
            scope = group == null || tenant == null ? group : Arn.iam(partition, tenant, "group/" + group).toString();
        } else {
            scope = text(request, rule.scopeParameter());
        }
        Boolean granted = rule.grants();
        JsonNode document = PolicyDocuments.parse(mapper, text(request, "policyDocument"));
        if (eventName.equals("CreatePolicyVersion") && !Boolean.TRUE.equals(bool(request, "setAsDefault"))) {
            granted = null; // a version that is not the default is not in force
        } else if (rule.grants() && scope != null && scope.endsWith(":iam::aws:policy/AWSDenyAll")) {
            granted = false;
        } else if (rule.grants() && denyOnly(document)) {
            granted = false; // e.g. AWSRevokeOlderSessions: an inline policy that only denies removes privileges
        }
        List<String> scopes = new ArrayList<>(2);
        if (scope != null) {
            scopes.add(scope);
        }
        if (eventName.equals("UpdateAssumeRolePolicy")) {
            trustedAccounts(document, attributes);
        } else if (Boolean.TRUE.equals(granted)) {
            // an inline policy or new version grants the actions its Allow statements name: "*" is administrative
            for (String action : PolicyDocuments.allowedActions(document)) {
                if (!scopes.contains(action)) {
                    scopes.add(action);
                }
            }
        }
        event.privilege(new PrivilegeChange(scopes, granted)).target(target);
    }

    /** The accounts a trust policy lets assume the role, as attribute {@code trust_accounts} ("*" for anyone). */
    private static void trustedAccounts(JsonNode trustPolicy, Map<String, String> attributes) {
        List<String> accounts = PolicyDocuments.trustedAccounts(trustPolicy);
        if (!accounts.isEmpty()) {
            put(attributes, "trust_accounts", String.join(",", accounts));
        }
    }

    /** Whether a policy document consists of Deny statements only. */
    private static boolean denyOnly(JsonNode policy) {
        List<JsonNode> statements = PolicyDocuments.statements(policy);
        for (JsonNode statement : statements) {
            if (!"Deny".equals(text(statement, "Effect"))) {
                return false;
            }
        }
        return !statements.isEmpty(); // an unreadable document is judged by its call: a grant
    }

    private static void credentialChange(IdentityEvent.Builder event, JsonNode request, JsonNode response, Caller caller,
                                         String tenant, Map<String, String> attributes) {
        JsonNode createdKey = object(response, "accessKey");
        String keyId = firstOf(text(request, "accessKeyId"), text(createdKey, "accessKeyId"));
        String userName = firstOf(text(request, "userName"), text(createdKey, "userName"));
        String user;
        if (userName != null && tenant != null) {
            user = Arn.iam(caller.partition(), tenant, "user/" + userName).toString();
        } else {
            // without userName IAM acts on the caller's own credentials
            user = "iam_user".equals(caller.identity().kind()) ? caller.identity().id() : null;
        }
        put(attributes, "target_user", user);
        put(attributes, "target_credential", keyId);
        put(attributes, "new_status", text(request, "status"));
        event.target(keyId != null ? keyId : user);
    }

    private void identityChange(IdentityEvent.Builder event, String eventName, JsonNode request, JsonNode response,
                                String partition, String tenant, Map<String, String> attributes) {
        if (eventName.equals("CreateRole")) {
            trustedAccounts(PolicyDocuments.parse(mapper, text(request, "assumeRolePolicyDocument")), attributes);
        }
        ActivityKinds.Grantee kind = ActivityKinds.identityChange(eventName);
        String field = kind == ActivityKinds.Grantee.USER ? "user" : "role";
        String target = text(object(response, field), "arn");
        String name = text(request, kind.parameter);
        if (target == null && name != null && tenant != null) {
            target = Arn.iam(partition, tenant, kind.arnPrefix + name).toString();
        }
        event.target(target);
    }

    private static void authentication(JsonNode request, JsonNode response, Map<String, String> attributes) {
        put(attributes, "role_arn", text(request, "roleArn"));
        put(attributes, "role_session_name", text(request, "roleSessionName"));
        if (!attributes.containsKey("source_identity")) {
            put(attributes, "source_identity", text(request, "sourceIdentity"));
        }
        // the id of the temporary key handed out (never the secret or the session token)
        put(attributes, "issued_key_id", text(object(response, "credentials"), "accessKeyId"));
    }

    // ---- helpers ----

    /** Request parameters that name the one resource a call acts on, most specific first. */
    private static final List<String> RESOURCE_PARAMETERS = List.of("secretId", "name", "snapshotId", "imageId",
            "dBSnapshotIdentifier", "dBClusterSnapshotIdentifier", "instanceId", "functionName", "bucketName", "keyId",
            "trailName", "detectorId", "configurationRecorderName", "roleName", "userName", "groupId", "documentName");

    /**
     * The resources a call acts on, for counting fan-out over resources: the first of
     * {@link #RESOURCE_PARAMETERS} in {@code requestParameters}, else the sorted items of
     * {@code instanceIds} / {@code names} / {@code secretIdList} joined by commas (a bulk call
     * acts on each; clipped to the attribute size), else the first instance of {@code instancesSet}.
     */
    private static String resource(JsonNode request) {
        if (request == null) {
            return null;
        }
        for (String p : RESOURCE_PARAMETERS) {
            String v = text(request, p);
            if (v != null) {
                return v;
            }
        }
        for (String p : List.of("instanceIds", "names", "secretIdList")) {
            JsonNode list = request.get(p);
            if (list != null && list.isArray() && !list.isEmpty()) {
                List<String> items = new ArrayList<>();
                list.forEach(n -> items.add(n.asText()));
                java.util.Collections.sort(items);
                return String.join(",", items);
            }
        }
        JsonNode items = object(object(request, "instancesSet"), "items");
        if (items == null) {
            JsonNode set = request.get("instancesSet");
            items = set == null ? null : set.get("items");
        }
        if (items != null && items.isArray() && !items.isEmpty()) {
            return text(items.get(0), "instanceId");
        }
        return null;
    }

    private static String serviceOf(String eventSource) {
        if (eventSource == null) {
            return "unknown";
        }
        return eventSource.endsWith(".amazonaws.com")
                ? eventSource.substring(0, eventSource.length() - ".amazonaws.com".length()) : eventSource;
    }

    private static void put(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, clip(value, MAX_ATTRIBUTE));
        }
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    static String kindOf(JsonNode value) {
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}

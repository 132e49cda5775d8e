package io.itdr.connector.okta.normalize;

import io.itdr.connector.support.JsonFields;
import static io.itdr.connector.support.JsonFields.decimal;
import static io.itdr.connector.okta.normalize.LogFields.instant;
import static io.itdr.connector.okta.normalize.LogFields.known;
import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.okta.normalize.LogFields.whole;
import static io.itdr.connector.support.JsonFields.bool;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.kindOf;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps one System Log LogEvent (https://developer.okta.com/docs/reference/api/system-log/#logevent-object)
 * to an {@link IdentityEvent}: id = {@code uuid}, time = {@code published}, action = {@code eventType}.
 *
 * <p>The identity is the actor, named for what it is as a non-human identity:
 * <ul>
 *   <li>an OAuth client ({@code actor.type} PublicClientApp, AppInstance, Client), or the client of a
 *       {@code client_credentials} grant ({@code client.id}): kind {@code service_app};
 *       WorkloadIdentityPrincipal: kind {@code workload_identity};</li>
 *   <li>a user acting through an API token ({@code transaction.detail.requestApiTokenId}, "Correlating events
 *       based on API Token"): the token's owner, kind {@code api_token}, with the token as credential and token id;</li>
 *   <li>a user matching the service-user patterns: kind {@code service_user}; other users: kind {@code user};</li>
 *   <li>Okta itself (SystemPrincipal): kind {@code system}.</li>
 * </ul>
 * A platform finding whose actor Okta could not name ({@code "unknown"}, an unauthenticated request) is
 * attributed to the user or app it targeted.
 *
 * <p>Platform findings: {@code security.threat.detected}, {@code debugData.threatSuspected=true}, or a
 * HIGH risk level in {@code debugData} ({@code risk}, {@code logOnlySecurityData}, {@code threatDetections}),
 * with confidence by level (HIGH 0.9, MEDIUM 0.6, LOW 0.3; a threat event with no level 0.7, a suspicion
 * with no level 0.5). Other categories follow {@link EventKinds}.
 *
 * <p>Source: {@code client.ipAddress}, {@code client.userAgent.rawUserAgent}, {@code client.geographicalContext}
 * (country name to ISO code, state, city, geolocation: so impossible travel needs no GeoIP) and
 * {@code securityContext} (asNumber, asOrg or isp, isProxy). Session: {@code authenticationContext.externalSessionId}.
 * {@code transaction.id} is per request, kept as an attribute, not as a session.
 *
 * <p>Only {@code uuid}, {@code published} and {@code actor.id} are required; every other field may be
 * missing, null, of another kind, or unknown to this mapper. Nothing that can hold a secret (client secrets
 * in {@code changeDetails}, request bodies) is copied. Stateless and thread-safe.
 */
final class LogEventMapper {
    static final String PLATFORM = "okta";
    private static final int MAX_ATTRIBUTE = 256;
    private static final Set<String> PRINCIPAL_TYPES =
            Set.of("user", "appinstance", "publicclientapp", "client", "workloadidentityprincipal");
    private static final Pattern RISK_LEVEL = Pattern.compile("level\\W{0,4}(LOW|MEDIUM|HIGH)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DETECTION = Pattern.compile("\"([^\"]{1,80})\"\\s*:\\s*\"(LOW|MEDIUM|HIGH)\"", Pattern.CASE_INSENSITIVE);
    private static final List<String> LEVELS = List.of("LOW", "MEDIUM", "HIGH");

    private final ServiceUsers serviceUsers;

    LogEventMapper(ServiceUsers serviceUsers) {
        this.serviceUsers = serviceUsers;
    }

    /**
     * @param tenant the org the event belongs to; may be null
     * @param rawRef where the record lives; never null
     * @throws RejectedRecord naming the field at fault when the record cannot become an event
     */
    IdentityEvent map(JsonNode record, String tenant, String rawRef) {
        requireFields(record);
        String uuid = text(record, "uuid");
        Instant published = instant(text(record, "published"));
        if (published == null) {
            throw new RejectedRecord("published: not an RFC 3339 timestamp: '" + clip(text(record, "published"), 40) + "'");
        }
        String eventType = text(record, "eventType");
        JsonNode debugData = object(object(record, "debugContext"), "debugData");
        String apiTokenId = text(object(object(record, "transaction"), "detail"), "requestApiTokenId");

        Map<String, String> attributes = new LinkedHashMap<>();
        PlatformFinding finding = finding(record, eventType, debugData, attributes);
        EventCategory category = finding != null ? EventCategory.PLATFORM_FINDING : EventKinds.category(eventType);
        JsonNode subject = principalTarget(record);
        Actor actor = actor(record, debugData, apiTokenId, finding != null ? subject : null, attributes);

        IdentityEvent.Builder event = IdentityEvent.builder(uuid, published, PLATFORM, actor.identity())
                .tenant(tenant)
                .credential(actor.credential())
                .category(category)
                .action(eventType == null ? "unknown" : eventType)
                .outcome(outcome(record, attributes))
                .source(source(record, attributes))
                .session(session(record, apiTokenId))
                .finding(finding)
                .rawRef(rawRef);
        switch (category) {
            case AUTHENTICATION -> {
                List<String> granted = words(text(debugData, "grantedScopes"));
                if (!granted.isEmpty()) {
                    event.privilege(new PrivilegeChange(granted, null));
                }
            }
            case PRIVILEGE_CHANGE -> {
                event.privilege(new PrivilegeChange(privileges(record, debugData, subject), EventKinds.adds(eventType)));
                event.target(targetId(subject, actor.identity(), attributes));
            }
            case CREDENTIAL_CHANGE -> event.target(targetId(credentialTarget(record), actor.identity(), attributes));
            case IDENTITY_CHANGE, PLATFORM_FINDING -> event.target(targetId(subject, actor.identity(), attributes));
            default -> {
            }
        }
        put(attributes, "display_message", text(record, "displayMessage"));
        put(attributes, "severity", text(record, "severity"));
        put(attributes, "transaction_id", text(object(record, "transaction"), "id"));
        put(attributes, "grant_type", text(debugData, "grantType"));
        put(attributes, "behaviors", text(debugData, "behaviors"));
        put(attributes, "risk", text(debugData, "risk"));
        return event.attributes(attributes).build();
    }

    private static void requireFields(JsonNode record) {
        List<String> problems = new ArrayList<>(3);
        JsonFields.requireText(record, "uuid", problems, JsonFields::kindOf);
        JsonFields.requireText(record, "published", problems, JsonFields::kindOf);
        if (JsonFields.requireObject(record, "actor", problems, JsonFields::kindOf) && text(record.get("actor"), "id") == null) {
            problems.add("actor.id (missing or blank)");
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(JsonFields.requiredFieldsMessage(problems));
        }
    }

    // ---- who acted ----

    private record Actor(IdentityRef identity, CredentialRef credential) {
    }

    private Actor actor(JsonNode record, JsonNode debugData, String apiTokenId, JsonNode findingSubject, Map<String, String> attributes) {
        JsonNode actor = record.get("actor");
        String id = text(actor, "id");
        String type = text(actor, "type");
        String login = known(actor, "alternateId");
        String name = firstOf(known(actor, "displayName"), login);
        String clientId = known(object(record, "client"), "id");
        put(attributes, "actor_type", type);
        put(attributes, "actor_login", login);
        put(attributes, "client_id", clientId);

        if (findingSubject != null && id.equalsIgnoreCase("unknown")) {
            // an unauthenticated request: the finding concerns the identity it went after
            put(attributes, "actor_unknown", "true");
            String subjectType = text(findingSubject, "type");
            return new Actor(new IdentityRef(text(findingSubject, "id"), identityKind(subjectType, known(findingSubject, "alternateId"),
                    text(findingSubject, "id")), firstOf(known(findingSubject, "displayName"), known(findingSubject, "alternateId"))),
                    null);
        }
        String lowerType = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (!lowerType.equals("user") && !isAppType(lowerType) && "client_credentials".equals(text(debugData, "grantType"))
                && clientId != null) {
            // a client-credentials grant names the client in client.id, whatever the actor says
            return new Actor(new IdentityRef(clientId, "service_app", clientId.equals(id) ? name : null), null);
        }
        if (lowerType.equals("user") && apiTokenId != null) {
            return new Actor(new IdentityRef(id, "api_token", name), new CredentialRef(apiTokenId, "api_token"));
        }
        return new Actor(new IdentityRef(id, identityKind(type, login, id), name), null);
    }

    private String identityKind(String type, String login, String id) {
        String lower = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (isAppType(lower)) {
            return "service_app";
        }
        return switch (lower) {
            case "workloadidentityprincipal" -> "workload_identity";
            case "user" -> serviceUsers.contains(login, id) ? "service_user" : "user";
            case "systemprincipal" -> "system";
            case "" -> null;
            default -> lower;
        };
    }

    private static boolean isAppType(String lowerType) {
        return lowerType.equals("publicclientapp") || lowerType.equals("appinstance") || lowerType.equals("client");
    }

    // ---- what happened ----

    private static Outcome outcome(JsonNode record, Map<String, String> attributes) {
        JsonNode outcome = object(record, "outcome");
        String result = text(outcome, "result");
        put(attributes, "outcome_result", result);
        put(attributes, "outcome_reason", text(outcome, "reason"));
        if (result == null) {
            return Outcome.UNKNOWN;
        }
        return switch (result.toUpperCase(Locale.ROOT)) {
            case "SUCCESS", "ALLOW" -> Outcome.SUCCESS;
            case "FAILURE", "DENY" -> Outcome.FAILURE;
            default -> Outcome.UNKNOWN; // SKIPPED, CHALLENGE, UNKNOWN
        };
    }

    /** The finding the record carries, or null when it is not one. */
    private PlatformFinding finding(JsonNode record, String eventType, JsonNode debugData, Map<String, String> attributes) {
        boolean threatEvent = "security.threat.detected".equalsIgnoreCase(eventType);
        boolean suspected = Boolean.TRUE.equals(bool(debugData, "threatSuspected"));
        String detections = textOrJson(debugData, "threatDetections");
        put(attributes, "threat_detections", detections);
        String level = highest(riskLevel(textOrJson(debugData, "risk")), riskLevel(textOrJson(debugData, "logOnlySecurityData")),
                detectionLevel(detections));
        if (!threatEvent && !suspected && !"HIGH".equals(level)) {
            return null;
        }
        double confidence = level != null ? switch (level) {
            case "HIGH" -> 0.9;
            case "MEDIUM" -> 0.6;
            default -> 0.3;
        } : threatEvent ? 0.7 : 0.5;
        String type = threatEvent ? eventType : suspected ? "okta.threat_suspected" : "okta.risk.high";
        String description = firstOf(detectionNames(detections), text(object(record, "outcome"), "reason"), text(record, "displayMessage"));
        return new PlatformFinding(type, confidence, level != null ? level : text(record, "severity"), clip(description, MAX_ATTRIBUTE));
    }

    private static String riskLevel(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = RISK_LEVEL.matcher(clip(text, 4096));
        return m.find() ? m.group(1).toUpperCase(Locale.ROOT) : null;
    }

    private static String detectionLevel(String detections) {
        String level = null;
        if (detections != null) {
            Matcher m = DETECTION.matcher(clip(detections, 4096));
            while (m.find()) {
                level = highest(level, m.group(2).toUpperCase(Locale.ROOT));
            }
        }
        return level;
    }

    private static String detectionNames(String detections) {
        if (detections == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        Matcher m = DETECTION.matcher(clip(detections, 4096));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names.isEmpty() ? null : String.join(", ", names);
    }

    private static String highest(String... levels) {
        String best = null;
        for (String level : levels) {
            if (level != null && (best == null || LEVELS.indexOf(level) > LEVELS.indexOf(best))) {
                best = level;
            }
        }
        return best;
    }

    // ---- where from ----

    private static Source source(JsonNode record, Map<String, String> attributes) {
        JsonNode client = object(record, "client");
        JsonNode security = object(record, "securityContext");
        put(attributes, "zone", known(client, "zone"));
        return new Source(known(client, "ipAddress"), whole(security, "asNumber"),
                firstOf(known(security, "asOrg"), known(security, "isp")), geo(object(client, "geographicalContext"), attributes),
                known(object(client, "userAgent"), "rawUserAgent"), bool(security, "isProxy"));
    }

    private static Geo geo(JsonNode context, Map<String, String> attributes) {
        if (context == null) {
            return null;
        }
        String countryName = known(context, "country");
        String country = Countries.code(countryName);
        if (countryName != null && country == null) {
            put(attributes, "country_name", countryName);
        }
        JsonNode location = object(context, "geolocation");
        Double lat = decimal(location, "lat");
        Double lon = decimal(location, "lon");
        if (lat == null || lon == null || lat < -90 || lat > 90 || lon < -180 || lon > 180) {
            lat = null;
            lon = null;
        }
        String region = known(context, "state");
        String city = known(context, "city");
        if (country == null && region == null && city == null && lat == null) {
            return null;
        }
        return new Geo(country, region, city, lat, lon);
    }

    private static SessionInfo session(JsonNode record, String apiTokenId) {
        String sessionId = known(object(record, "authenticationContext"), "externalSessionId");
        return sessionId == null && apiTokenId == null ? null : new SessionInfo(sessionId, apiTokenId, null, null);
    }

    // ---- what it acted on ----

    /** The first target that is a user or an app: whose privileges, lifecycle or safety the event is about. */
    private static JsonNode principalTarget(JsonNode record) {
        for (JsonNode target : targets(record)) {
            String type = text(target, "type");
            if (type != null && PRINCIPAL_TYPES.contains(type.toLowerCase(Locale.ROOT)) && text(target, "id") != null) {
                return target;
            }
        }
        return null;
    }

    /** The target that is a credential (an API token, a client secret, a key), else the first target with an id. */
    private static JsonNode credentialTarget(JsonNode record) {
        JsonNode first = null;
        for (JsonNode target : targets(record)) {
            if (text(target, "id") == null) {
                continue;
            }
            String type = String.valueOf(text(target, "type")).toLowerCase(Locale.ROOT);
            if (type.contains("token") || type.contains("secret") || type.contains("key") || type.contains("jwk")
                    || type.contains("credential")) {
                return target;
            }
            first = first == null ? target : first;
        }
        return first;
    }

    private static List<JsonNode> targets(JsonNode record) {
        JsonNode targets = child(record, "target");
        List<JsonNode> objects = new ArrayList<>();
        if (targets != null && targets.isArray()) {
            targets.forEach(t -> {
                if (t.isObject()) {
                    objects.add(t);
                }
            });
        }
        return objects;
    }

    private static String targetId(JsonNode target, IdentityRef actor, Map<String, String> attributes) {
        String id = target == null ? null : text(target, "id");
        if (id == null || id.equals(actor.id())) {
            return null;
        }
        put(attributes, "target_type", text(target, "type"));
        return id;
    }

    /**
     * What a privilege change granted or removed: groups ("group:Admins"), admin roles and scopes named by the
     * targets, and the roles and scopes debugData lists ({@code privilegeGranted}, {@code privilegeRevoked},
     * {@code grantedScopes}, {@code scopes}).
     */
    private static List<String> privileges(JsonNode record, JsonNode debugData, JsonNode subject) {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode target : targets(record)) {
            if (target == subject) {
                continue;
            }
            String type = String.valueOf(text(target, "type")).toLowerCase(Locale.ROOT);
            String name = firstOf(known(target, "displayName"), known(target, "alternateId"), text(target, "id"));
            if (name == null) {
                continue;
            }
            if (type.equals("usergroup") || type.equals("group")) {
                names.add("group:" + clip(name, MAX_ATTRIBUTE));
            } else if (type.contains("role") || type.contains("scope") || type.contains("privilege")) {
                names.add(clip(name, MAX_ATTRIBUTE));
            }
        }
        for (String field : new String[]{"privilegeGranted", "privilegeRevoked"}) {
            String listed = text(debugData, field);
            if (listed != null) {
                for (String role : listed.split(",")) {
                    if (!role.isBlank()) {
                        names.add(clip(role.trim(), MAX_ATTRIBUTE));
                    }
                }
            }
        }
        names.addAll(words(text(debugData, "grantedScopes")));
        names.addAll(words(text(debugData, "scopes")));
        return List.copyOf(names);
    }

    /** Scopes as Okta lists them: separated by spaces or commas. */
    private static List<String> words(String text) {
        if (text == null) {
            return List.of();
        }
        List<String> words = new ArrayList<>();
        for (String w : text.split("[\\s,]+")) {
            if (!w.isEmpty() && words.size() < 100) {
                words.add(clip(w, MAX_ATTRIBUTE));
            }
        }
        return words;
    }

    /** A debugData value that may be a string or, in some exports, nested JSON, as text. */
    private static String textOrJson(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        return value.isContainerNode() ? value.toString() : text(parent, field);
    }

    private static void put(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, clip(value, MAX_ATTRIBUTE));
        }
    }

    private static String firstOf(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}

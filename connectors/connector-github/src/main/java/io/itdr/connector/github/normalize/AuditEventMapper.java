package io.itdr.connector.github.normalize;

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
import io.itdr.spi.event.Workload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps one GitHub audit log event (the objects {@code GET /orgs/{org}/audit-log} answers,
 * https://docs.github.com/en/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization, and the
 * same objects in exports and streamed files) to an {@link IdentityEvent}.
 *
 * <ul>
 *   <li>id: {@code _document_id}; a record without one (older exports, some test data) gets
 *       {@code sha256:<digest of the record's text>}, stable across re-reads of the same record;</li>
 *   <li>time: {@code @timestamp}, else {@code created_at}: epoch milliseconds (number or digits) or an
 *       ISO-8601 date-time;</li>
 *   <li>action: {@code action}; tenant: {@code org}, else the org this normalizer was made for, else
 *       {@code business} (lower-case: GitHub logins are case-insensitive);</li>
 *   <li>identity: the actor ({@code actor}, the login), of the kind its authentication says:
 *       {@code programmatic_access_type} ("About token data in the audit log",
 *       https://docs.github.com/en/enterprise-cloud@latest/admin/monitoring-activity-in-your-enterprise/reviewing-audit-logs-for-your-enterprise/identifying-audit-log-events-performed-by-an-access-token)
 *       GitHub App server-to-server token → {@code github_app}, user-to-server token → {@code github_app_user_token},
 *       OAuth access token → {@code oauth_token}, fine-grained PAT → {@code fine_grained_pat}, classic PAT →
 *       {@code personal_access_token}, deploy key → {@code deploy_key}, SSH key → {@code ssh_key}; else by the
 *       login: {@code github-actions[bot]} → {@code workflow}, another {@code …[bot]} or {@code actor_is_bot} →
 *       {@code bot}, {@code github} → {@code platform}; else {@code user}. A secret scanning finding raised by
 *       GitHub itself is attributed to the repository it concerns (kind {@code repository});</li>
 *   <li>credential: {@code token_id}, else {@code hashed_token} as {@code sha256:<hash>} (never a token);
 *       the same id is the session's token id, so one token's uses can be followed;</li>
 *   <li>source: {@code actor_ip}, {@code actor_location.country_code}, {@code user_agent};</li>
 *   <li>workload: a workflow run ({@code workflows.*}: {@code repo}, {@code workflow_id}, {@code name});</li>
 *   <li>privilege: {@code token_scopes} for a use; for a privilege change, what its action and
 *       {@code permission} say, granted or removed by the action's verb;</li>
 *   <li>target: {@code user}, else the repository for actions on one.</li>
 * </ul>
 * Only the actor and a time are required; every other field may be missing, null or of another kind.
 * Nothing that can hold a secret (webhook configurations, secret values) is copied. Stateless and thread-safe.
 */
final class AuditEventMapper {
    static final String PLATFORM = "github";
    private static final int MAX_ATTRIBUTE = 256;
    private static final Pattern DIGITS = Pattern.compile("-?\\d{1,19}");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    /** Earliest and latest plausible event times: 2008 (GitHub's launch) to 2100. Guards against seconds taken for milliseconds. */
    private static final long MIN_MILLIS = 1_199_145_600_000L;
    private static final long MAX_MILLIS = 4_102_444_800_000L;
    /** Fields copied as attributes when present (text, numbers, booleans only). */
    private static final List<String> KEPT = List.of("repo", "repository", "actor_id", "org_id", "business", "business_id",
            "operation_type", "programmatic_access_type", "integration", "oauth_application", "oauth_application_id",
            "installation_id", "user", "user_id", "visibility", "public_repo", "permission", "workflow_id", "workflow_run_id",
            "run_number", "run_attempt", "event", "conclusion", "head_branch", "name", "fingerprint", "title", "read_only",
            "number", "alert_number", "secret_type", "secret_type_display_name", "transport_protocol_name",
            "external_identity_nameid", "request_access_security_header", "token_scopes");

    /**
     * @param record the audit log event; never null
     * @param org    the org this normalizer was made for (lower-case), used when the record names none; may be null
     * @param rawRef where the record lives; never null
     * @throws RejectedRecord naming the field at fault when the record cannot become an event
     */
    IdentityEvent map(JsonNode record, String org, String rawRef) {
        List<String> problems = new ArrayList<>();
        String actor = text(record, "actor");
        if (actor == null) {
            problems.add("actor: " + describe(record, "actor") + "; an event needs the login that acted");
        }
        Instant time = time(record, problems);
        if (!problems.isEmpty()) {
            throw new RejectedRecord(String.join("; ", problems));
        }
        String action = text(record, "action");
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String field : KEPT) {
            put(attributes, field, scalar(record, field));
        }
        String repo = firstOf(text(record, "repo"), text(record, "repository"));
        String accessType = text(record, "programmatic_access_type");
        AuditActions.FindingKind findingKind = AuditActions.finding(action);
        PlatformFinding finding = null;
        if (findingKind != null) {
            String number = firstOf(scalar(record, "number"), scalar(record, "alert_number"));
            String what = findingKind.description + (repo == null ? "" : " (" + repo + (number == null ? "" : " #" + number) + ")");
            finding = new PlatformFinding(findingKind.type, findingKind.confidence, null, clip(what, MAX_ATTRIBUTE));
        }
        IdentityRef identity = identity(record, actor, accessType, finding != null ? repo : null);
        CredentialRef credential = credential(record, identity.kind());
        EventCategory category = finding != null ? EventCategory.PLATFORM_FINDING : AuditActions.category(action);

        IdentityEvent.Builder event = IdentityEvent.builder(id(record), time, PLATFORM, identity)
                .tenant(tenant(record, org))
                .credential(credential)
                .category(category)
                .action(action == null ? "unknown" : clip(action, MAX_ATTRIBUTE))
                .outcome(Outcome.SUCCESS) // the audit log records what happened; refusals are not written to it
                .source(source(record, attributes))
                .session(credential == null ? null : new SessionInfo(null, credential.id(), null, null))
                .workload(workload(record, action, repo))
                .finding(finding)
                .target(target(record, category, repo, identity))
                .rawRef(rawRef)
                .attributes(attributes);
        List<String> scopes = words(scalar(record, "token_scopes"));
        if (category == EventCategory.PRIVILEGE_CHANGE) {
            List<String> changed = new ArrayList<>();
            changed.add(action == null ? "unknown" : clip(action, MAX_ATTRIBUTE));
            String permission = firstOf(text(record, "permission"), text(record, "new_repo_permission"));
            if (permission != null) {
                changed.add(clip(permission, MAX_ATTRIBUTE));
            }
            event.privilege(new PrivilegeChange(changed, AuditActions.adds(action)));
        } else if (!scopes.isEmpty()) {
            event.privilege(new PrivilegeChange(scopes, null));
        }
        return event.build();
    }

    private static IdentityRef identity(JsonNode record, String actor, String accessType, String findingRepo) {
        String login = actor.toLowerCase(Locale.ROOT);
        if (findingRepo != null && login.equals("github")) {
            return new IdentityRef(findingRepo.toLowerCase(Locale.ROOT), "repository", findingRepo);
        }
        String kind = accessKind(accessType);
        if (kind == null) {
            if (login.equals("github-actions[bot]") || login.equals("github-actions")) {
                kind = "workflow";
            } else if (login.endsWith("[bot]") || Boolean.TRUE.equals(bool(record, "actor_is_bot"))) {
                kind = "bot";
            } else if (login.equals("github")) {
                kind = "platform";
            } else {
                kind = "user";
            }
        }
        return new IdentityRef(clip(actor, MAX_ATTRIBUTE), kind, null);
    }

    /** The identity kind a {@code programmatic_access_type} names; null when absent or unknown. */
    static String accessKind(String accessType) {
        if (accessType == null) {
            return null;
        }
        String t = accessType.toLowerCase(Locale.ROOT);
        if (t.contains("server-to-server") || t.contains("installation")) {
            return "github_app";
        }
        if (t.contains("user-to-server")) {
            return "github_app_user_token";
        }
        if (t.contains("fine-grained") || t.contains("fine grained")) {
            return "fine_grained_pat";
        }
        if (t.contains("personal access token")) {
            return "personal_access_token";
        }
        if (t.contains("oauth")) {
            return "oauth_token";
        }
        if (t.contains("deploy key")) {
            return "deploy_key";
        }
        if (t.contains("ssh key")) {
            return "ssh_key";
        }
        if (t.contains("github_token") || t.contains("actions")) {
            return "workflow";
        }
        return null;
    }

    /** {@code token_id}, else the SHA-256 hash of the token ({@code hashed_token}); null when neither is given. */
    private static CredentialRef credential(JsonNode record, String identityKind) {
        String tokenId = scalar(record, "token_id");
        String hashed = text(record, "hashed_token");
        String kind = switch (identityKind) {
            case "github_app", "github_app_user_token", "oauth_token", "fine_grained_pat", "personal_access_token", "workflow" -> identityKind;
            case "deploy_key", "ssh_key" -> identityKind;
            default -> "token";
        };
        if (tokenId != null) {
            return new CredentialRef(clip(tokenId, 128), kind);
        }
        return hashed == null ? null : new CredentialRef("sha256:" + clip(hashed, 128), kind);
    }

    private static Instant time(JsonNode record, List<String> problems) {
        for (String field : List.of("@timestamp", "created_at")) {
            JsonNode value = child(record, field);
            if (value == null) {
                continue;
            }
            Instant at = instant(value);
            if (at == null) {
                problems.add(field + ": not a time (epoch milliseconds or ISO-8601): " + shown(value));
            }
            return at;
        }
        problems.add("@timestamp and created_at: both missing; an event needs the time it happened");
        return null;
    }

    /** The record's time as {@link #map} reads it; null when it has none readable. */
    static Instant timeOf(JsonNode record) {
        for (String field : List.of("@timestamp", "created_at")) {
            JsonNode value = child(record, field);
            if (value != null) {
                return instant(value);
            }
        }
        return null;
    }

    /** Epoch milliseconds (number or digits) within 2008..2100, or an ISO-8601 date-time; null otherwise. */
    static Instant instant(JsonNode value) {
        long millis;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            millis = value.longValue();
        } else if (value.isTextual() && DIGITS.matcher(value.textValue().trim()).matches()) {
            millis = Long.parseLong(value.textValue().trim());
        } else if (value.isTextual()) {
            try {
                return OffsetDateTime.parse(value.textValue().trim()).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(value.textValue().trim());
                } catch (DateTimeParseException again) {
                    return null;
                }
            }
        } else {
            return null;
        }
        return millis < MIN_MILLIS || millis > MAX_MILLIS ? null : Instant.ofEpochMilli(millis);
    }

    private static String id(JsonNode record) {
        String id = text(record, "_document_id");
        if (id != null) {
            return clip(id, 200);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(record.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String tenant(JsonNode record, String org) {
        String tenant = firstOf(text(record, "org"), org, text(record, "business"));
        return tenant == null ? null : clip(tenant.toLowerCase(Locale.ROOT), 200);
    }

    private static Source source(JsonNode record, Map<String, String> attributes) {
        String ip = text(record, "actor_ip");
        String country = text(object(record, "actor_location"), "country_code");
        Geo geo = null;
        if (country != null && COUNTRY.matcher(country).matches()) {
            geo = new Geo(country.toUpperCase(Locale.ROOT), null, null, null, null);
        } else if (country != null) {
            put(attributes, "actor_location.country_code", country);
        }
        String agent = text(record, "user_agent");
        if (ip == null && geo == null && agent == null) {
            return Source.UNKNOWN;
        }
        return new Source(ip == null ? null : clip(ip, 64), null, null, geo, agent == null ? null : clip(agent, MAX_ATTRIBUTE), null);
    }

    private static Workload workload(JsonNode record, String action, String repo) {
        if (action == null || !action.startsWith("workflows.")) {
            return null;
        }
        String workflow = scalar(record, "workflow_id");
        String name = text(record, "name");
        if (repo == null && workflow == null) {
            return null;
        }
        return new Workload(clip((repo == null ? "?" : repo) + ":workflow:" + (workflow == null ? name : workflow), MAX_ATTRIBUTE),
                "ci_job", name == null ? null : clip(name, MAX_ATTRIBUTE));
    }

    private static String target(JsonNode record, EventCategory category, String repo, IdentityRef identity) {
        String user = text(record, "user");
        if (user != null) {
            return clip(user, MAX_ATTRIBUTE);
        }
        if (category == EventCategory.PLATFORM_FINDING || category == EventCategory.API_CALL) {
            return null;
        }
        return repo == null || repo.equalsIgnoreCase(identity.id()) ? null : clip(repo, MAX_ATTRIBUTE);
    }

    /** Scopes written as "repo, workflow" or "repo,workflow" or a JSON array; empty when none. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text != null) {
            for (String w : text.replace('[', ' ').replace(']', ' ').replace('"', ' ').split("[,\\s]+")) {
                if (!w.isBlank() && words.size() < 50) {
                    words.add(clip(w, 128));
                }
            }
        }
        return words;
    }

    /** Text of a non-blank string field, trimmed; null otherwise. */
    static String text(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null || !value.isTextual()) {
            return null;
        }
        String t = value.textValue().trim();
        return t.isEmpty() ? null : t;
    }

    /** A string, number or boolean as text, an array of those joined by ","; null otherwise. */
    private static String scalar(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue().isBlank() ? null : value.textValue().trim();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> {
                if (v.isValueNode() && !v.isNull()) {
                    items.add(v.asText());
                }
            });
            return items.isEmpty() ? null : String.join(",", items);
        }
        return null;
    }

    private static String describe(JsonNode record, String field) {
        JsonNode value = child(record, field);
        return value == null ? "missing" : "expected a login (text), found " + shown(value);
    }

    private static String shown(JsonNode value) {
        if (value.isNumber()) {
            return clip(value.asText(), 40);
        }
        return value.isTextual() ? "'" + clip(value.textValue(), 40) + "'" : kindOf(value);
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

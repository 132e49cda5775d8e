package io.itdr.connector.gitlab.normalize;

import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.kindOf;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Maps one GitLab audit event (https://docs.gitlab.com/api/audit_events/, and the streamed form,
 * https://docs.gitlab.com/user/compliance/audit_event_streaming/) to an {@link IdentityEvent}:
 * id {@code gitlab-audit-<id>}, time {@code created_at}, action {@code event_name} (else {@code event_type},
 * else {@code details.custom_message}, else the first of {@code details.add|change|remove}).
 * The identity is the author ({@code author_id}, named {@code details.author_name} / {@code author_name}), of
 * the kind GitLab's author class and the bot naming say
 * (https://docs.gitlab.com/user/project/settings/project_access_tokens/#bot-users-for-projects,
 * https://docs.gitlab.com/user/profile/service_accounts/): {@code project_<id>_bot_…} → {@code project_access_token},
 * {@code group_<id>_bot_…} → {@code group_access_token}, {@code service_account_…} → {@code service_account},
 * {@code DeployTokenAuthor} → {@code deploy_token}, {@code DeployKeyAuthor} → {@code deploy_key},
 * {@code CiRunnerTokenAuthor} → {@code runner}, an unauthenticated author (id −1) → {@code unauthenticated};
 * else {@code user}. Tenant: the top-level group of {@code entity_path}, so polled, pushed and exported events
 * agree; else the group or project the connector reads. Source: {@code details.ip_address} (or {@code ip_address}). Target: {@code details.target_details}.
 * Only an id, a time and an author are required. Stateless and thread-safe.
 */
final class AuditEventMapper {
    static final String PLATFORM = "gitlab";
    private static final int MAX = 256;
    private static final Pattern PROJECT_BOT = Pattern.compile("project_\\d+_bot(_[0-9a-f]+)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern GROUP_BOT = Pattern.compile("group_\\d+_bot(_[0-9a-f]+)?", Pattern.CASE_INSENSITIVE);

    IdentityEvent map(JsonNode record, String tenant, String rawRef) {
        List<String> problems = new ArrayList<>();
        JsonNode id = child(record, "id");
        if (id == null || !(id.isIntegralNumber() || id.isTextual() && !id.textValue().isBlank())) {
            problems.add("id: " + (id == null ? "missing" : "expected a number, found " + kindOf(id)));
        }
        JsonNode details = object(record, "details");
        JsonNode author = child(record, "author_id");
        if (author == null || !(author.isIntegralNumber() || author.isTextual())) {
            problems.add("author_id: " + (author == null ? "missing" : "expected a number, found " + kindOf(author))
                    + "; an event needs who acted");
        }
        Instant time = null;
        JsonNode created = child(record, "created_at");
        if (created == null) {
            problems.add("created_at: missing; an event needs the time it happened");
        } else {
            time = instant(created);
            if (time == null) {
                problems.add("created_at: not an ISO-8601 time: " + (created.isTextual() ? "'" + clip(created.textValue(), 40) + "'"
                        : kindOf(created)));
            }
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(String.join("; ", problems));
        }
        String authorId = author.asText();
        String authorName = firstOf(text(details, "author_name"), text(record, "author_name"));
        String authorClass = firstOf(text(details, "author_class"), text(record, "author_class"));
        String kind = kind(authorId, authorName, authorClass);
        String action = firstOf(text(record, "event_name"), text(record, "event_type"), text(details, "event_name"),
                text(details, "custom_message"), text(details, "add") == null ? null : "add_" + text(details, "add"),
                text(details, "change") == null ? null : "change_" + text(details, "change"),
                text(details, "remove") == null ? null : "remove_" + text(details, "remove"));
        Map<String, String> attributes = new LinkedHashMap<>();
        put(attributes, "entity_type", text(record, "entity_type"));
        put(attributes, "entity_id", scalar(record, "entity_id"));
        put(attributes, "entity_path", firstOf(text(details, "entity_path"), text(record, "entity_path")));
        put(attributes, "target_type", firstOf(text(details, "target_type"), text(record, "target_type")));
        put(attributes, "target_id", firstOf(scalar(details, "target_id"), scalar(record, "target_id")));
        put(attributes, "author_class", authorClass);
        put(attributes, "custom_message", text(details, "custom_message"));
        String ip = firstOf(text(details, "ip_address"), text(record, "ip_address"));
        String target = firstOf(text(details, "target_details"), text(record, "target_details"));
        CredentialRef credential = null;
        String tokenId = firstOf(scalar(details, "token_id"), scalar(details, "deploy_token_id"));
        if (tokenId != null) {
            credential = new CredentialRef(clip(tokenId, 128), kind);
        }
        return IdentityEvent.builder("gitlab-audit-" + clip(id.asText(), 100), time, PLATFORM,
                        new IdentityRef(clip(authorId, 100), kind, authorName == null ? null : clip(authorName, MAX)))
                .tenant(tenant(details, record, tenant))
                .credential(credential)
                .category(category(action))
                .action(action == null ? "unknown" : clip(action, MAX))
                .outcome(action != null && action.toLowerCase(Locale.ROOT).contains("fail") ? Outcome.FAILURE : Outcome.SUCCESS)
                .source(ip == null ? Source.UNKNOWN : new Source(clip(ip, 64), null, null, null, null, null))
                .target(target == null ? null : clip(target, MAX))
                .rawRef(rawRef)
                .attributes(attributes)
                .build();
    }

    /** The top-level namespace of the event's entity path (the group the event belongs to), lower-case; else {@code fallback}. */
    private static String tenant(JsonNode details, JsonNode record, String fallback) {
        String path = firstOf(text(details, "entity_path"), text(record, "entity_path"));
        if (path == null) {
            return fallback;
        }
        int slash = path.indexOf('/');
        return clip((slash < 0 ? path : path.substring(0, slash)).toLowerCase(Locale.ROOT), 200);
    }

    static String kind(String authorId, String authorName, String authorClass) {
        String cls = authorClass == null ? "" : authorClass.toLowerCase(Locale.ROOT);
        if (cls.contains("deploytoken")) {
            return "deploy_token";
        }
        if (cls.contains("deploykey")) {
            return "deploy_key";
        }
        if (cls.contains("runner")) {
            return "runner";
        }
        if (cls.contains("unauthenticated") || "-1".equals(authorId)) {
            return "unauthenticated";
        }
        String name = authorName == null ? "" : authorName.toLowerCase(Locale.ROOT);
        if (PROJECT_BOT.matcher(name).matches()) {
            return "project_access_token";
        }
        if (GROUP_BOT.matcher(name).matches()) {
            return "group_access_token";
        }
        if (name.startsWith("service_account")) {
            return "service_account";
        }
        return "user";
    }

    /** Tokens, keys and their changes are credentials; members and roles privileges; the rest API calls. */
    static EventCategory category(String action) {
        if (action == null) {
            return EventCategory.API_CALL;
        }
        String a = action.toLowerCase(Locale.ROOT);
        if (a.contains("token") || a.contains("deploy_key") || a.contains("ssh_key") || a.contains("secret") || a.contains("credential")) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        if (a.contains("member") || a.contains("access_level") || a.contains("role") || a.contains("permission")
                || a.contains("protected_branch") || a.contains("admin")) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        if (a.contains("user_blocked") || a.contains("user_unblocked") || a.contains("user_created") || a.contains("user_destroyed")
                || a.contains("service_account") || a.contains("user_deactivate") || a.contains("user_activate")) {
            return EventCategory.IDENTITY_CHANGE;
        }
        if (a.contains("authenticat") || a.contains("login") || a.contains("sign_in")) {
            return EventCategory.AUTHENTICATION;
        }
        return EventCategory.API_CALL;
    }

    static Instant instant(JsonNode value) {
        if (!value.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.textValue().trim()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static String text(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null || !value.isTextual() || value.textValue().isBlank()) {
            return null;
        }
        return value.textValue().trim();
    }

    private static String scalar(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null || !value.isValueNode()) {
            return null;
        }
        String t = value.asText();
        return t.isBlank() ? null : t;
    }

    private static void put(Map<String, String> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, clip(value, MAX));
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

package io.itdr.connector.azure.normalize;

import static io.itdr.connector.azure.normalize.AzureFields.firstOf;
import static io.itdr.connector.azure.normalize.AzureFields.known;
import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.azure.normalize.AzureFields.unquote;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
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
 * Maps an Entra {@code directoryAudit} (https://learn.microsoft.com/en-us/graph/api/resources/directoryaudit)
 * to an event: id = {@code id}, time = {@code activityDateTime}, action = {@code activityDisplayName}
 * ("Add service principal credentials"; the list of activities is
 * https://learn.microsoft.com/en-us/entra/identity/monitoring-health/reference-audit-activities).
 *
 * <p>The identity is who initiated it: {@code initiatedBy.app} (a service principal, by
 * {@code servicePrincipalId}, else {@code appId}) or {@code initiatedBy.user} (by {@code id}). The target
 * is the first service principal, application or user in {@code targetResources}, else the first
 * target. Category from the activity:
 * <ul>
 *   <li>credentials and certificates, federated identity credentials (also an "Update application" whose
 *       modified properties are {@code KeyDescription} or {@code FederatedIdentityCredentials}): CREDENTIAL_CHANGE,
 *       the key id from {@code KeyIdentifier=} in the key description as {@code key_id};</li>
 *   <li>roles, app role assignments, consents, permission grants, owners: PRIVILEGE_CHANGE, granted for
 *       add/consent/grant and removed for remove/delete/revoke, scopes from the role or permission names in
 *       {@code modifiedProperties} ({@code Role.DisplayName}, {@code AppRole.Value},
 *       {@code DelegatedPermissionGrant.Scope}, {@code ConsentAction.Permissions}) and Role targets;</li>
 *   <li>adding, deleting, disabling, enabling, restoring or inviting an application, service principal or
 *       user: IDENTITY_CHANGE; anything else: OTHER.</li>
 * </ul>
 * Modified property values are not copied (they can hold anything); only the names above are read.
 * Stateless.
 */
final class AuditMapper {
    private static final Pattern KEY_IDENTIFIER = Pattern.compile("KeyIdentifier=([0-9A-Fa-f-]{8,64})");
    private static final Set<String> SCOPE_PROPERTIES = Set.of("role.displayname", "approle.value", "approle.displayname",
            "delegatedpermissiongrant.scope", "consentaction.permissions", "role.wellknownobjectname");
    private static final Set<String> PRINCIPAL_TYPES = Set.of("serviceprincipal", "application", "user");

    private AuditMapper() {
    }

    static IdentityEvent map(AzureRecord in, String tenant, String rawRef) {
        JsonNode a = in.body();
        JsonNode r = in.record();
        List<String> problems = new ArrayList<>(3);
        String id = in.id();
        if (id == null) {
            problems.add("id (missing)");
        }
        String when = firstOf(text(a, "activityDateTime"), text(r, "time"));
        Instant time = AzureFields.instant(when);
        if (when == null) {
            problems.add("activityDateTime (missing)");
        } else if (time == null) {
            problems.add("activityDateTime (not an ISO 8601 time: '" + clip(when, 40) + "')");
        }
        JsonNode initiatedBy = object(a, "initiatedBy");
        IdentityRef identity = initiator(initiatedBy);
        if (identity == null) {
            problems.add("initiatedBy (" + (initiatedBy == null ? "missing" : "names neither an app nor a user with an id") + ")");
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(io.itdr.connector.support.JsonFields.requiredFieldsMessage(problems));
        }
        String activity = firstOf(known(a, "activityDisplayName"), known(a, "operationName"), known(r, "operationName"), "unknown");
        String lower = activity.toLowerCase(Locale.ROOT);
        JsonNode targets = child(a, "targetResources");
        Set<String> modified = new LinkedHashSet<>();
        List<String> scopes = new ArrayList<>();
        String keyId = null;
        JsonNode target = null;
        if (targets != null && targets.isArray()) {
            for (JsonNode t : targets) {
                String type = text(t, "type");
                if (target == null && type != null && PRINCIPAL_TYPES.contains(type.toLowerCase(Locale.ROOT)) && known(t, "id") != null) {
                    target = t;
                }
                if ("role".equalsIgnoreCase(type) && known(t, "displayName") != null) {
                    scopes.add(known(t, "displayName"));
                }
                JsonNode properties = child(t, "modifiedProperties");
                if (properties != null && properties.isArray()) {
                    for (JsonNode p : properties) {
                        String name = text(p, "displayName");
                        if (name == null) {
                            continue;
                        }
                        modified.add(name);
                        String lowerName = name.toLowerCase(Locale.ROOT);
                        if (SCOPE_PROPERTIES.contains(lowerName)) {
                            String value = unquote(firstOf(known(p, "newValue"), known(p, "oldValue")));
                            if (value != null && !scopes.contains(value)) {
                                scopes.add(clip(value, 128));
                            }
                        }
                        if (lowerName.equals("keydescription") && keyId == null) {
                            Matcher m = KEY_IDENTIFIER.matcher(firstOf(text(p, "newValue"), text(p, "oldValue"), ""));
                            keyId = m.find() ? m.group(1) : null;
                        }
                    }
                }
            }
            if (target == null && !targets.isEmpty()) {
                target = known(targets.get(0), "id") != null ? targets.get(0) : null;
            }
        }
        EventCategory category = category(lower, modified);

        Map<String, String> attributes = new LinkedHashMap<>();
        Attributes.put(attributes, "activity_category", known(a, "category"));
        Attributes.put(attributes, "logged_by_service", known(a, "loggedByService"));
        Attributes.put(attributes, "operation_type", known(a, "operationType"));
        Attributes.put(attributes, "result_reason", known(a, "resultReason"));
        Attributes.put(attributes, "correlation_id", firstOf(known(a, "correlationId"), text(r, "correlationId")));
        Attributes.put(attributes, "target_type", target == null ? null : known(target, "type"));
        Attributes.put(attributes, "target_name", target == null ? null : firstOf(known(target, "displayName"),
                known(target, "userPrincipalName")));
        Attributes.put(attributes, "modified_properties", modified.isEmpty() ? null : String.join(",", modified));
        Attributes.put(attributes, "key_id", keyId);
        Attributes.put(attributes, "initiator_app_id", known(object(initiatedBy, "app"), "appId"));

        JsonNode initiator = firstOf(object(initiatedBy, "app"), object(initiatedBy, "user"));
        String ip = firstOf(known(initiator, "ipAddress"), known(r, "callerIpAddress"));
        IdentityEvent.Builder event = IdentityEvent.builder(id, time, AzureLogNormalizer.PLATFORM, identity)
                .tenant(tenant)
                .category(category)
                .action(activity)
                .outcome(outcome(known(a, "result")))
                .source(ip == null ? Source.UNKNOWN : new Source(AzureFields.ip(ip), null, null, null, null, null))
                .target(target == null ? null : known(target, "id"))
                .rawRef(rawRef);
        if (category == EventCategory.PRIVILEGE_CHANGE) {
            event.privilege(new PrivilegeChange(scopes, grants(lower)));
        }
        return event.attributes(attributes).build();
    }

    private static IdentityRef initiator(JsonNode initiatedBy) {
        JsonNode app = object(initiatedBy, "app");
        String appId = firstOf(known(app, "servicePrincipalId"), known(app, "appId"));
        if (appId != null) {
            return new IdentityRef(appId, "service_principal", firstOf(known(app, "displayName"), known(app, "servicePrincipalName")));
        }
        JsonNode user = object(initiatedBy, "user");
        String userId = known(user, "id");
        return userId == null ? null : new IdentityRef(userId, "user", firstOf(known(user, "userPrincipalName"), known(user, "displayName")));
    }

    static EventCategory category(String activity, Set<String> modified) {
        boolean keys = modified.stream().map(m -> m.toLowerCase(Locale.ROOT))
                .anyMatch(m -> m.equals("keydescription") || m.equals("federatedidentitycredentials"));
        if (activity.contains("credential") || activity.contains("certificates and secrets") || activity.contains("federated identity")
                || (activity.startsWith("update application") && keys)) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        if (activity.contains("role") || activity.contains("consent") || activity.contains("permission grant")
                || activity.contains("owner") || activity.contains("oauth2permissiongrant")) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        if ((activity.startsWith("add ") || activity.startsWith("delete ") || activity.startsWith("hard delete ")
                || activity.startsWith("disable ") || activity.startsWith("enable ") || activity.startsWith("restore ")
                || activity.startsWith("invite "))
                && (activity.contains("service principal") || activity.contains("application") || activity.contains("user"))) {
            return EventCategory.IDENTITY_CHANGE;
        }
        return EventCategory.OTHER;
    }

    private static Boolean grants(String activity) {
        if (activity.startsWith("remove") || activity.startsWith("delete") || activity.startsWith("revoke")) {
            return Boolean.FALSE;
        }
        return activity.startsWith("add") || activity.startsWith("consent") || activity.startsWith("grant") ? Boolean.TRUE : null;
    }

    private static Outcome outcome(String result) {
        if (result == null) {
            return Outcome.UNKNOWN;
        }
        return switch (result.toLowerCase(Locale.ROOT)) {
            case "success" -> Outcome.SUCCESS;
            case "failure", "timeout" -> Outcome.FAILURE;
            default -> Outcome.UNKNOWN;
        };
    }
}

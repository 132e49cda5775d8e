package io.itdr.connector.azure.normalize;

import static io.itdr.connector.azure.normalize.AzureFields.firstOf;
import static io.itdr.connector.azure.normalize.AzureFields.known;
import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps an Azure Activity log record to an event: the diagnostic-settings shape ({@code time},
 * {@code operationName}, {@code identity.claims}, {@code identity.authorization.evidence};
 * https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema#schema-from-storage-account-and-event-hubs)
 * and the ARM REST {@code EventData} ({@code eventTimestamp}, {@code operationName.value}, {@code caller},
 * {@code claims}; https://learn.microsoft.com/en-us/rest/api/monitor/activity-logs/list#eventdata).
 * Id = {@code eventDataId}, else {@code id}, else a digest of the record; action = the ARM operation.
 *
 * <p>The identity is the caller, from the token claims
 * (https://learn.microsoft.com/en-us/entra/identity-platform/access-token-claims-reference):
 * a user when the token names a user principal ({@code upn}, {@code unique_name}) and is not an app token
 * ({@code idtyp} app); otherwise a service principal by object id ({@code oid}, else the RBAC evidence's
 * {@code principalId}, else {@code appid}), a managed identity when {@code xms_mirid} names one; the
 * REST {@code caller} (a UPN or a principal's GUID) when there are no claims; an Azure service named only by
 * its e-mail claim (Microsoft.Advisor) as kind {@code azure_service}. A record naming no caller is
 * rejected: it cannot be attributed to an identity.
 *
 * <p>Category: role assignments and definitions ({@code Microsoft.Authorization/roleAssignments|roleDefinitions})
 * PRIVILEGE_CHANGE; federated identity credentials of user-assigned identities and key regeneration
 * CREDENTIAL_CHANGE; user-assigned identities written or deleted IDENTITY_CHANGE; every other operation
 * (Key Vault, storage keys, management plane) API_CALL. Stateless.
 */
final class ActivityMapper {
    private static final String CLAIMS = "http://schemas.microsoft.com/identity/claims/";
    private static final String XML_CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    private static final Pattern SUBSCRIPTION = Pattern.compile("(?i)^/subscriptions/([^/]+)");
    private static final Pattern GUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private ActivityMapper() {
    }

    static IdentityEvent map(AzureRecord in, String tenant, String rawRef) {
        JsonNode r = in.record();
        List<String> problems = new ArrayList<>(3);
        String timeField = text(r, "eventTimestamp") != null ? "eventTimestamp" : "time";
        String when = text(r, timeField);
        Instant time = AzureFields.instant(when);
        if (when == null) {
            problems.add("time (missing)");
        } else if (time == null) {
            problems.add(timeField + " (not an ISO 8601 time: '" + clip(when, 40) + "')");
        }
        JsonNode operationNode = object(r, "operationName");
        String operation = operationNode != null ? text(operationNode, "value") : text(r, "operationName");
        if (operation == null) {
            problems.add("operationName (missing)");
        }
        JsonNode identityNode = object(r, "identity");
        JsonNode claims = firstOf(object(identityNode, "claims"), object(r, "claims"));
        JsonNode evidence = firstOf(object(object(identityNode, "authorization"), "evidence"),
                object(object(r, "authorization"), "evidence"));
        IdentityRef identity = caller(claims, evidence, known(r, "caller"));
        if (identity == null) {
            problems.add("caller (missing: identity.claims names no object id, app id, user or service, and there is no caller)");
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(io.itdr.connector.support.JsonFields.requiredFieldsMessage(problems));
        }
        String lower = operation.toLowerCase(Locale.ROOT);
        EventCategory category = category(lower);
        String resourceId = known(r, "resourceId");

        Map<String, String> attributes = new LinkedHashMap<>();
        Attributes.put(attributes, "resource_id", resourceId);
        Attributes.put(attributes, "activity_category", categoryOf(r));
        Attributes.put(attributes, "result_type", resultType(r));
        Attributes.put(attributes, "result_signature", known(r, "resultSignature"));
        Attributes.put(attributes, "level", firstOf(known(r, "level"), known(r, "Level")));
        Attributes.put(attributes, "correlation_id", known(r, "correlationId"));
        Attributes.put(attributes, "app_id", claim(claims, "appid"));
        Attributes.put(attributes, "role", evidence == null ? null : known(evidence, "role"));
        if (resourceId != null) {
            Matcher m = SUBSCRIPTION.matcher(resourceId);
            Attributes.put(attributes, "subscription_id", m.find() ? m.group(1) : null);
        }

        String ip = firstOf(known(r, "callerIpAddress"), known(object(r, "httpRequest"), "clientIpAddress"), claim(claims, "ipaddr"));
        String region = known(r, "location");
        Geo geo = region == null || region.equalsIgnoreCase("global") ? null : new Geo(null, region, null, null, null);
        IdentityEvent.Builder event = IdentityEvent.builder(in.idOrDigest(), time, AzureLogNormalizer.PLATFORM, identity)
                .tenant(tenant)
                .category(category)
                .action(operation)
                .outcome(outcome(resultType(r)))
                .source(ip == null && geo == null ? Source.UNKNOWN : new Source(AzureFields.ip(ip), null, null, geo, null, null))
                .target(resourceId)
                .rawRef(rawRef);
        if (category == EventCategory.PRIVILEGE_CHANGE) {
            event.privilege(new PrivilegeChange(resourceId == null ? List.of() : List.of(clip(resourceId, 256)),
                    lower.endsWith("/delete") ? Boolean.FALSE : lower.endsWith("/write") ? Boolean.TRUE : null));
        }
        return event.attributes(attributes).build();
    }

    /** A claim by its short name, or its long schema URI form. */
    private static String claim(JsonNode claims, String name) {
        return firstOf(known(claims, name), known(claims, CLAIMS + name), known(claims, XML_CLAIMS + name));
    }

    private static IdentityRef caller(JsonNode claims, JsonNode evidence, String caller) {
        String oid = firstOf(claim(claims, "objectidentifier"), claim(claims, "oid"));
        String appId = firstOf(claim(claims, "appid"), claim(claims, "azp"));
        String upn = firstOf(claim(claims, "upn"), claim(claims, "unique_name"), claim(claims, "name"));
        String idtyp = claim(claims, "idtyp");
        String principalId = evidence == null ? null : known(evidence, "principalId");
        String principalType = evidence == null ? null : known(evidence, "principalType");
        boolean appToken = "app".equalsIgnoreCase(idtyp) || "ServicePrincipal".equalsIgnoreCase(principalType);
        if (upn != null && !appToken) {
            return new IdentityRef(firstOf(oid, principalId, upn), "user", upn);
        }
        String principal = firstOf(oid, principalId, appId);
        if (principal != null) {
            String kind = claim(claims, "xms_mirid") != null ? "managed_identity" : "service_principal";
            return new IdentityRef(principal, kind, null);
        }
        if (caller != null) {
            return new IdentityRef(caller, GUID.matcher(caller).matches() ? "service_principal" : "user", null);
        }
        String service = claim(claims, "emailaddress");
        return service == null ? null : new IdentityRef(service, "azure_service", service);
    }

    static EventCategory category(String operation) {
        if (operation.startsWith("microsoft.authorization/roleassignments/")
                || operation.startsWith("microsoft.authorization/roledefinitions/")
                || operation.startsWith("microsoft.authorization/elevateaccess/")) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        if (operation.contains("/federatedidentitycredentials/") || operation.endsWith("/regeneratekey/action")) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        if (operation.equals("microsoft.managedidentity/userassignedidentities/write")
                || operation.equals("microsoft.managedidentity/userassignedidentities/delete")) {
            return EventCategory.IDENTITY_CHANGE;
        }
        return EventCategory.API_CALL;
    }

    private static String categoryOf(JsonNode r) {
        JsonNode category = object(r, "category");
        return category != null ? known(category, "value") : known(r, "category");
    }

    private static String resultType(JsonNode r) {
        JsonNode status = object(r, "status");
        return status != null ? known(status, "value") : known(r, "resultType");
    }

    private static Outcome outcome(String result) {
        if (result == null) {
            return Outcome.UNKNOWN;
        }
        return switch (result.toLowerCase(Locale.ROOT)) {
            case "success", "succeeded" -> Outcome.SUCCESS;
            case "failure", "failed" -> Outcome.FAILURE;
            default -> Outcome.UNKNOWN;
        };
    }
}

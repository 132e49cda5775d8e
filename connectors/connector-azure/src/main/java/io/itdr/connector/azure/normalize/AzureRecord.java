package io.itdr.connector.azure.normalize;

import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * One Azure log record and which of the shapes this connector reads it is in. Two wrappings carry the
 * same Microsoft Graph objects:
 * <ul>
 *   <li>Graph itself: the {@code signIn}, {@code directoryAudit}, {@code servicePrincipalRiskDetection}
 *       or {@code riskyServicePrincipal} object as {@code /auditLogs/...} and {@code /identityProtection/...}
 *       answer it;</li>
 *   <li>diagnostic settings (Event Hubs, storage, Log Analytics export): the common resource-log schema
 *       ({@code time}, {@code category}, {@code operationName}, {@code tenantId}, {@code callerIpAddress},
 *       {@code identity}, ...) with the Graph object in {@code properties}
 *       (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/resource-logs-schema).</li>
 * </ul>
 * The Azure Activity log comes in the diagnostic-settings shape
 * (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema#schema-from-storage-account-and-event-hubs)
 * and as the ARM REST {@code EventData} ({@code eventDataId}, {@code eventTimestamp}, {@code caller},
 * {@code claims}, {@code operationName.value}).
 *
 * @param record the record as read; never null
 * @param kind   which shape it is; never null
 * @param body   the Graph object: {@code properties} in the diagnostic-settings shape, else the record;
 *               for the Activity log, the record itself
 * @param diagnostic whether the record is in the diagnostic-settings shape
 */
record AzureRecord(JsonNode record, Kind kind, JsonNode body, boolean diagnostic) {

    enum Kind { SIGN_IN, DIRECTORY_AUDIT, RISK_DETECTION, RISKY_PRINCIPAL, ACTIVITY }

    /** Diagnostic-settings categories of Entra sign-in logs (https://learn.microsoft.com/en-us/entra/identity/monitoring-health/howto-configure-diagnostic-settings). */
    private static final Set<String> SIGN_IN_CATEGORIES = Set.of("signinlogs", "noninteractiveusersigninlogs",
            "serviceprincipalsigninlogs", "managedidentitysigninlogs", "adfssigninlogs");
    private static final Set<String> RISK_DETECTION_CATEGORIES = Set.of("serviceprincipalriskevents", "userriskevents");
    private static final Set<String> RISKY_PRINCIPAL_CATEGORIES = Set.of("riskyserviceprincipals", "riskyusers");
    /** Activity log categories (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema#categories). */
    private static final Set<String> ACTIVITY_CATEGORIES = Set.of("administrative", "servicehealth", "resourcehealth", "alert",
            "autoscale", "recommendation", "security", "policy");

    /**
     * What {@code record} is.
     *
     * @throws RejectedRecord naming why, when it is none of the shapes this connector reads
     */
    static AzureRecord of(JsonNode record) {
        JsonNode properties = object(record, "properties");
        String category = text(record, "category");
        String lower = category == null ? "" : category.toLowerCase(Locale.ROOT);
        boolean wrapped = properties != null && (category != null || child(record, "time") != null);
        if (wrapped) {
            if (SIGN_IN_CATEGORIES.contains(lower)) {
                return new AzureRecord(record, Kind.SIGN_IN, properties, true);
            }
            if (RISK_DETECTION_CATEGORIES.contains(lower)) {
                return new AzureRecord(record, Kind.RISK_DETECTION, properties, true);
            }
            if (RISKY_PRINCIPAL_CATEGORIES.contains(lower)) {
                return new AzureRecord(record, Kind.RISKY_PRINCIPAL, properties, true);
            }
            if (lower.equals("auditlogs") || isAudit(properties)) {
                return new AzureRecord(record, Kind.DIRECTORY_AUDIT, properties, true);
            }
            if (isSignIn(properties)) {
                return new AzureRecord(record, Kind.SIGN_IN, properties, true);
            }
        }
        if (!wrapped || ACTIVITY_CATEGORIES.contains(lower)) {
            if (isAudit(record)) {
                return new AzureRecord(record, Kind.DIRECTORY_AUDIT, record, false);
            }
            if (child(record, "riskEventType") != null) {
                return new AzureRecord(record, Kind.RISK_DETECTION, record, false);
            }
            if (child(record, "riskLastUpdatedDateTime") != null) {
                return new AzureRecord(record, Kind.RISKY_PRINCIPAL, record, false);
            }
            if (isSignIn(record)) {
                return new AzureRecord(record, Kind.SIGN_IN, record, false);
            }
        }
        if (isActivity(record, lower)) {
            return new AzureRecord(record, Kind.ACTIVITY, record, child(record, "eventTimestamp") == null);
        }
        if (category != null) {
            throw new RejectedRecord("category '" + io.itdr.connector.support.JsonFields.clip(category, 60)
                    + "' is not a log this connector reads (Entra sign-in, audit and risk logs, the Azure Activity log); "
                    + "resource logs of other services are not identity telemetry");
        }
        throw new RejectedRecord("not an Entra sign-in, directory audit, risk detection or Azure Activity log record: "
                + "no createdDateTime with an app, service principal or user, no activityDisplayName, no riskEventType, "
                + "no ARM operationName");
    }

    private static boolean isAudit(JsonNode node) {
        return child(node, "activityDisplayName") != null || object(node, "initiatedBy") != null;
    }

    private static boolean isSignIn(JsonNode node) {
        return child(node, "createdDateTime") != null && (child(node, "servicePrincipalId") != null
                || child(node, "appId") != null || child(node, "userId") != null);
    }

    /** An ARM operation: {@code Microsoft.<Provider>/...} (any case), or the REST EventData shape. */
    private static boolean isActivity(JsonNode record, String category) {
        if (object(record, "operationName") != null || (child(record, "eventDataId") != null && child(record, "eventTimestamp") != null)) {
            return true; // the REST EventData
        }
        String operation = text(record, "operationName");
        return operation != null && (ACTIVITY_CATEGORIES.contains(category) || category.isEmpty())
                && operation.toLowerCase(Locale.ROOT).startsWith("microsoft.") && operation.indexOf('/') > 0;
    }

    /** The record's id: top-level {@code eventDataId} or {@code id}, then the Graph object's {@code id}; null when none. */
    String id() {
        String id = text(record, "eventDataId");
        if (id == null) {
            id = text(record, "id");
        }
        if (id == null && body != record) {
            id = text(body, "eventDataId");
            if (id == null) {
                id = text(body, "id");
            }
        }
        return id;
    }

    /** The record's id, or a digest of its text when it carries none (diagnostic-settings Activity records). */
    String idOrDigest() {
        String id = id();
        return id != null ? id : "sha256:" + digest(record.toString());
    }

    /** The tenant the record names: {@code tenantId} at the top, else in the Graph object (beta {@code resourceTenantId}); null when none. */
    String tenant() {
        return AzureFields.firstOf(text(record, "tenantId"), text(body, "tenantId"), text(body, "resourceTenantId"));
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}

package io.itdr.core.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Which events a rule's {@code logsource} names: the platform (connector id, as events carry it
 * in {@code platform}) and a test that the raw record has that log's format, so a CloudTrail rule
 * never reads a GuardDuty finding of the same connector and a sign-in rule never reads an audit
 * record of the Azure connector.
 *
 * <p>Mapping (the record tests follow the shapes each connector hands on as its raw record):
 * <ul>
 *   <li>{@code aws}/{@code cloudtrail} → {@code aws}, CloudTrail records (with {@code eventVersion},
 *       {@code eventSource} or {@code eventName});</li>
 *   <li>{@code okta}/{@code okta} → {@code okta}, System Log LogEvents (with {@code eventType});</li>
 *   <li>{@code gcp}/{@code gcp.audit} → {@code gcp}, Cloud Audit Logs LogEntries (with a
 *       {@code protoPayload} object);</li>
 *   <li>{@code github}/{@code audit} → {@code github}, audit log events (with a text {@code action});</li>
 *   <li>{@code azure}/{@code signinlogs}, {@code auditlogs}, {@code riskdetection},
 *       {@code activitylogs} → {@code azure}, each restricted to its record kind, told apart as the
 *       connector tells them apart: in the diagnostic-settings shape ({@code category} and the Graph
 *       object in {@code properties}) by {@code category} and the object's fields, in the Graph shape
 *       by the object's own fields (sign-in: {@code createdDateTime} with {@code appId},
 *       {@code servicePrincipalId} or {@code userId}; audit: {@code activityDisplayName} or
 *       {@code initiatedBy}; risk detection: {@code riskEventType}); the Activity log by an ARM
 *       {@code operationName} ({@code Microsoft.<Provider>/...}, or the REST object with {@code value}).</li>
 * </ul>
 * {@code gcp}/{@code google_workspace.*} → {@code google_workspace}, {@code azure}/{@code pim}
 * (Privileged Identity Management alerts, which no connector reads) and {@code m365}/any load, and
 * are reported as inactive: they cannot match until a connector reads those logs. Any other
 * logsource (a {@code category}, an unknown product or service) refuses the rule.
 *
 * <p>Field aliases ({@link #alias(String)}), tried only when a field is absent from the record as
 * named: for {@code azure}, a field missing at the top is read inside {@code properties} (SigmaHQ's
 * Azure rules name the columns of the Log Analytics tables, which hoist the diagnostic-settings
 * record's {@code properties} to the top: {@code AuthenticationRequirement} is
 * {@code properties.authenticationRequirement}), and {@code properties.message}, which SigmaHQ's
 * audit rules match against activity names ("Add member to role"), is the directory audit's
 * {@code properties.activityDisplayName}; for {@code gcp}, {@code gcp.audit.method_name} is
 * {@code protoPayload.methodName} and {@code data.protoPayload.*} is {@code protoPayload.*} (the
 * LogEntry without its Pub/Sub wrapping, which the connector removes).
 *
 * @param platform the connector id events carry; never null
 * @param name     "aws/cloudtrail", for reports; never null
 * @param format   whether a raw record is of this log; never null
 * @param active   whether a connector of this distribution reads this log
 */
record LogSource(String platform, String name, Predicate<JsonNode> format, boolean active) {

    /** Connector ids of this distribution whose raw records rules can read. */
    static final Set<String> CONNECTORS = Set.of("aws", "okta", "gcp", "azure", "github");

    /** Diagnostic-settings categories of Entra sign-in logs, as the Azure connector reads them. */
    private static final Set<String> SIGN_IN_CATEGORIES = Set.of("signinlogs", "noninteractiveusersigninlogs",
            "serviceprincipalsigninlogs", "managedidentitysigninlogs", "adfssigninlogs");
    private static final Set<String> RISK_DETECTION_CATEGORIES = Set.of("serviceprincipalriskevents", "userriskevents");
    private static final Set<String> RISKY_PRINCIPAL_CATEGORIES = Set.of("riskyserviceprincipals", "riskyusers");
    /** Activity log categories (https://learn.microsoft.com/en-us/azure/azure-monitor/essentials/activity-log-schema#categories). */
    private static final Set<String> ACTIVITY_CATEGORIES = Set.of("administrative", "servicehealth", "resourcehealth", "alert",
            "autoscale", "recommendation", "security", "policy");

    /** Entra and Azure logs told apart, in the order the Azure connector tries them. */
    enum AzureKind { SIGN_IN, DIRECTORY_AUDIT, RISK_DETECTION, OTHER_ENTRA, ACTIVITY, NONE }

    LogSource(String platform, String name, Predicate<JsonNode> format) {
        this(platform, name, format, CONNECTORS.contains(platform));
    }

    /**
     * The field to try when {@code field} is absent from a record of {@code platform}; null when none.
     */
    static String alias(String platform, String field) {
        switch (platform) {
            case "azure":
                if (field.equalsIgnoreCase("properties.message")) {
                    return "properties.activityDisplayName";
                }
                return field.regionMatches(true, 0, "properties.", 0, "properties.".length()) ? null : "properties." + field;
            case "gcp":
                if (field.equalsIgnoreCase("gcp.audit.method_name")) {
                    return "protoPayload.methodName";
                }
                if (field.regionMatches(true, 0, "data.protoPayload.", 0, "data.protoPayload.".length())) {
                    return field.substring("data.".length());
                }
                return null;
            default:
                return null;
        }
    }

    /** The aliases of {@code platform}'s records, for {@link RecordView}. */
    static UnaryOperator<String> aliases(String platform) {
        return field -> alias(platform, field);
    }

    /**
     * The log source of {@code product}/{@code service}/{@code category} (each may be null).
     *
     * @throws IllegalArgumentException naming what is not supported
     */
    static LogSource of(String product, String service, String category) {
        if (category != null) {
            throw new IllegalArgumentException("logsource category '" + category + "' is not supported: only product/service"
                    + " log sources of cloud and identity platforms are mapped");
        }
        if (product == null) {
            throw new IllegalArgumentException("logsource names no product");
        }
        String p = product.toLowerCase(Locale.ROOT);
        String s = service == null ? null : service.toLowerCase(Locale.ROOT);
        switch (p) {
            case "aws":
                if (s == null || s.equals("cloudtrail")) {
                    return new LogSource("aws", "aws/cloudtrail", r -> r.has("eventVersion") || r.has("eventSource") || r.has("eventName"));
                }
                break;
            case "okta":
                if (s == null || s.equals("okta")) {
                    return new LogSource("okta", "okta/okta", r -> r.has("eventType"));
                }
                break;
            case "gcp":
                if (s != null && s.equals("gcp.audit")) {
                    return new LogSource("gcp", "gcp/gcp.audit", r -> r.path("protoPayload").isObject());
                }
                if (s != null && s.startsWith("google_workspace.")) {
                    return new LogSource("google_workspace", "gcp/" + s, r -> true);
                }
                break;
            case "azure":
                if (s == null) {
                    break;
                }
                AzureKind kind = switch (s) {
                    case "signinlogs" -> AzureKind.SIGN_IN;
                    case "auditlogs" -> AzureKind.DIRECTORY_AUDIT;
                    case "riskdetection" -> AzureKind.RISK_DETECTION;
                    case "activitylogs" -> AzureKind.ACTIVITY;
                    default -> null;
                };
                if (kind != null) {
                    return new LogSource("azure", "azure/" + s, r -> azureKind(r) == kind);
                }
                if (s.equals("pim")) {
                    return new LogSource("azure", "azure/pim", r -> false, false);
                }
                break;
            case "github":
                if (s == null || s.equals("audit")) {
                    return new LogSource("github", "github/audit", r -> r.path("action").isTextual());
                }
                break;
            case "m365":
                return new LogSource("m365", "m365/" + s, r -> true);
            default:
                throw new IllegalArgumentException("logsource product '" + product + "' is not supported");
        }
        throw new IllegalArgumentException("logsource " + product + "/" + service + " is not supported");
    }

    /** Which Entra or Azure log {@code r} is a record of, by the tests the Azure connector applies. */
    static AzureKind azureKind(JsonNode r) {
        if (!r.isObject()) {
            return AzureKind.NONE;
        }
        JsonNode properties = r.get("properties");
        String category = r.path("category").isTextual() ? r.get("category").textValue().toLowerCase(Locale.ROOT) : "";
        boolean wrapped = properties != null && properties.isObject() && (r.has("category") || r.has("time"));
        if (wrapped) {
            if (SIGN_IN_CATEGORIES.contains(category)) {
                return AzureKind.SIGN_IN;
            }
            if (RISK_DETECTION_CATEGORIES.contains(category)) {
                return AzureKind.RISK_DETECTION;
            }
            if (RISKY_PRINCIPAL_CATEGORIES.contains(category)) {
                return AzureKind.OTHER_ENTRA;
            }
            if (category.equals("auditlogs") || isAudit(properties)) {
                return AzureKind.DIRECTORY_AUDIT;
            }
            if (isSignIn(properties)) {
                return AzureKind.SIGN_IN;
            }
        }
        boolean activityCategory = ACTIVITY_CATEGORIES.contains(category);
        if (!wrapped || activityCategory) {
            if (isAudit(r)) {
                return AzureKind.DIRECTORY_AUDIT;
            }
            if (present(r, "riskEventType")) {
                return AzureKind.RISK_DETECTION;
            }
            if (present(r, "riskLastUpdatedDateTime")) {
                return AzureKind.OTHER_ENTRA;
            }
            if (isSignIn(r)) {
                return AzureKind.SIGN_IN;
            }
        }
        JsonNode operation = r.get("operationName");
        if (operation != null && operation.isObject() || present(r, "eventDataId") && present(r, "eventTimestamp")) {
            return AzureKind.ACTIVITY; // the ARM REST EventData
        }
        if (operation != null && operation.isTextual() && (activityCategory || category.isEmpty())) {
            String op = operation.textValue().toLowerCase(Locale.ROOT);
            if (op.startsWith("microsoft.") && op.indexOf('/') > 0) {
                return AzureKind.ACTIVITY;
            }
        }
        return AzureKind.NONE;
    }

    private static boolean isAudit(JsonNode node) {
        return present(node, "activityDisplayName") || node.path("initiatedBy").isObject();
    }

    private static boolean isSignIn(JsonNode node) {
        return present(node, "createdDateTime") && (present(node, "servicePrincipalId") || present(node, "appId") || present(node, "userId"));
    }

    private static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }
}

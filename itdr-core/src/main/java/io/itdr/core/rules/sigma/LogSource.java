package io.itdr.core.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which events a rule's {@code logsource} names: the platform (connector id, as events carry it
 * in {@code platform}) and a test that the raw record has that log's format, so a CloudTrail rule
 * never reads a GuardDuty finding of the same connector.
 *
 * <p>Mapping: {@code aws}/{@code cloudtrail} → {@code aws}, CloudTrail records (with {@code
 * eventVersion}, {@code eventSource} or {@code eventName}); {@code okta}/{@code okta} → {@code okta}, System Log
 * LogEvents (with {@code eventType}); {@code gcp}/{@code gcp.audit} → {@code gcp}; {@code
 * gcp}/{@code google_workspace.*} → {@code google_workspace}; {@code azure}/any of {@code
 * activitylogs signinlogs auditlogs riskdetection pim} → {@code azure}; {@code github}/{@code
 * audit} → {@code github}; {@code m365}/any → {@code m365}. A rule for a platform that no
 * connector of this distribution reads ({@link #CONNECTORS}) loads, and is reported as inactive:
 * it cannot match until such a connector exists. Any other logsource (a {@code category}, an
 * unknown product or service) refuses the rule.
 *
 * @param platform the connector id events carry; never null
 * @param name     "aws/cloudtrail", for reports; never null
 * @param format   whether a raw record is of this log; never null
 */
record LogSource(String platform, String name, Predicate<JsonNode> format) {

    /** Connector ids of this distribution whose raw records rules can read. */
    static final Set<String> CONNECTORS = Set.of("aws", "okta");

    private static final Set<String> AZURE = Set.of("activitylogs", "signinlogs", "auditlogs", "riskdetection", "pim");

    boolean active() {
        return CONNECTORS.contains(platform);
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
                    return new LogSource("gcp", "gcp/gcp.audit", r -> true);
                }
                if (s != null && s.startsWith("google_workspace.")) {
                    return new LogSource("google_workspace", "gcp/" + s, r -> true);
                }
                break;
            case "azure":
                if (s != null && AZURE.contains(s)) {
                    return new LogSource("azure", "azure/" + s, r -> true);
                }
                break;
            case "github":
                if (s == null || s.equals("audit")) {
                    return new LogSource("github", "github/audit", r -> true);
                }
                break;
            case "m365":
                return new LogSource("m365", "m365/" + s, r -> true);
            default:
                throw new IllegalArgumentException("logsource product '" + product + "' is not supported");
        }
        throw new IllegalArgumentException("logsource " + product + "/" + service + " is not supported");
    }
}

package io.itdr.connector.azure.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the connector polls from Microsoft Graph. Immutable.
 *
 * @param signInEventTypes which sign-ins ({@code signInEventTypes} of the beta signIn); never null, may be
 *                         empty (no sign-ins polled)
 * @param directoryAudits  whether directory audits are polled too
 * @param riskDetections   whether Identity Protection's service principal risk detections are polled too
 * @param riskyServicePrincipals whether Identity Protection's risky service principals (their risk state) are polled too
 * @param lookback         how far back the first poll reads; positive
 * @param pageSize         Graph's {@code $top}: records per page, 1 to 1,000
 */
public record GraphLogSettings(List<String> signInEventTypes, boolean directoryAudits, boolean riskDetections,
                               boolean riskyServicePrincipals, Duration lookback, int pageSize) {
    static final String SIGN_IN_EVENT_TYPES = "sign-in-event-types";
    static final String DIRECTORY_AUDITS = "directory-audits";
    static final String RISK_DETECTIONS = "risk-detections";
    static final String RISKY_SERVICE_PRINCIPALS = "risky-service-principals";
    static final String LOOKBACK = "start-lookback";
    static final String PAGE_SIZE = "graph-page-size";
    /** https://learn.microsoft.com/en-us/graph/api/resources/signin?view=graph-rest-beta: signInEventTypes values. */
    private static final Set<String> EVENT_TYPES = Set.of("interactiveUser", "nonInteractiveUser", "servicePrincipal",
            "managedIdentity");

    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(SIGN_IN_EVENT_TYPES, ConfigType.LIST,
                    "Which Entra sign-ins to poll (comma-separated signInEventTypes of Graph's beta sign-in log): servicePrincipal, "
                            + "managedIdentity, nonInteractiveUser, interactiveUser; empty for none.", "servicePrincipal,managedIdentity"),
            ConfigProperty.optional(DIRECTORY_AUDITS, ConfigType.BOOLEAN,
                    "Whether to poll the Entra directory audit log too (credentials, owners, consents, role assignments).", "true"),
            ConfigProperty.optional(RISK_DETECTIONS, ConfigType.BOOLEAN,
                    "Whether to poll Identity Protection's service principal risk detections (platform findings); needs "
                            + "IdentityRiskEvent.Read.All and Microsoft Entra Workload ID Premium.", "false"),
            ConfigProperty.optional(RISKY_SERVICE_PRINCIPALS, ConfigType.BOOLEAN,
                    "Whether to poll Identity Protection's risky service principals (each change of a service principal's risk state "
                            + "becomes a platform finding); needs IdentityRiskyServicePrincipal.Read.All and Microsoft Entra Workload ID "
                            + "Premium.", "false"),
            ConfigProperty.optional(LOOKBACK, ConfigType.DURATION,
                    "How far back the first poll reads, e.g. PT24H (Entra keeps sign-ins 30 days with P1 or P2, 7 days without).",
                    "PT24H"),
            ConfigProperty.optional(PAGE_SIZE, ConfigType.INT,
                    "Records per Graph page ($top), 1 to 1000; pages are followed by @odata.nextLink.", "1000"));

    public GraphLogSettings {
        signInEventTypes = List.copyOf(signInEventTypes);
        for (String type : signInEventTypes) {
            if (!EVENT_TYPES.contains(type)) {
                throw invalid(SIGN_IN_EVENT_TYPES, "'" + io.itdr.connector.support.JsonFields.clip(type, 40) + "' is not one of " + EVENT_TYPES);
            }
        }
        if (lookback.isNegative() || lookback.isZero()) {
            throw invalid(LOOKBACK, "must be positive, got " + lookback);
        }
        if (pageSize < 1 || pageSize > 1000) {
            throw invalid(PAGE_SIZE, "must be 1 to 1000 (Graph's largest page), got " + pageSize);
        }
        if (signInEventTypes.isEmpty() && !directoryAudits && !riskDetections && !riskyServicePrincipals) {
            throw invalid(SIGN_IN_EVENT_TYPES, "nothing to poll: no sign-in event types, directory-audits=false, risk-detections=false, "
                    + "risky-service-principals=false");
        }
    }

    public static GraphLogSettings from(ConnectorConfig config) {
        return new GraphLogSettings(config.list(SIGN_IN_EVENT_TYPES), config.bool(DIRECTORY_AUDITS).orElse(true),
                config.bool(RISK_DETECTIONS).orElse(false), config.bool(RISKY_SERVICE_PRINCIPALS).orElse(false),
                config.duration(LOOKBACK).orElse(Duration.ofHours(24)), config.integer(PAGE_SIZE).orElse(1000));
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'azure': " + property + ": " + reason);
    }
}

package io.itdr.connector.azure;

import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the connector reads and changes Azure RBAC role assignments: the subscriptions it covers and Azure
 * Resource Manager's root (https://learn.microsoft.com/en-us/rest/api/authorization/role-assignments). No
 * subscription: no Azure RBAC in the inventory and no role assignment action. Immutable.
 *
 * @param subscriptions the subscription ids (GUIDs, lower case); never null, may be empty
 * @param armUrl        Azure Resource Manager's root, {@code https://management.azure.com}; never null
 */
public record ArmSettings(List<String> subscriptions, URI armUrl) {
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String ARM_URL = "arm-url";
    /** The host's HTTP endpoint override for Azure Resource Manager (sandboxes). */
    public static final String ENDPOINT = "azure-arm";
    private static final Pattern GUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(SUBSCRIPTIONS, ConfigType.LIST,
                    "Azure subscription ids (GUIDs, comma-separated) whose RBAC role assignments the inventory lists and the "
                            + "quarantine_session rung removes (and restores). Empty: no Azure RBAC. Reading needs Reader (or "
                            + "Microsoft.Authorization/roleAssignments/read), acting Role Based Access Control Administrator or "
                            + "User Access Administrator on each subscription.", ""),
            ConfigProperty.optional(ARM_URL, ConfigType.URI,
                    "Azure Resource Manager's root URL (https, no path): https://management.azure.com, or a national cloud's. Calls "
                            + "go here unless the host sets an HTTP endpoint override for 'azure-arm'.", "https://management.azure.com"));

    public ArmSettings {
        Objects.requireNonNull(armUrl, "armUrl");
        subscriptions = subscriptions.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).distinct().toList();
        for (String s : subscriptions) {
            if (!GUID.matcher(s).matches()) {
                throw invalid(SUBSCRIPTIONS, "'" + JsonFields.clip(s, 80) + "' is not a subscription id (a GUID)");
            }
        }
        if (!"https".equalsIgnoreCase(armUrl.getScheme()) || armUrl.getHost() == null || armUrl.getRawQuery() != null) {
            throw invalid(ARM_URL, "must be an https URL with a host and no query, got '" + JsonFields.clip(armUrl.toString(), 120) + "'");
        }
    }

    static ArmSettings from(ConnectorConfig config) {
        return new ArmSettings(config.list(SUBSCRIPTIONS), config.uri(ARM_URL).orElse(URI.create("https://management.azure.com")));
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'azure': " + property + ": " + reason);
    }
}

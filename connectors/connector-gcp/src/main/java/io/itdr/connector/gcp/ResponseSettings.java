package io.itdr.connector.gcp;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the inventory reads owners from and how actions are verified. Immutable.
 *
 * @param ownerLabel        the project label naming the owner of its service accounts; never null
 * @param criticalityLabel  the project label naming their criticality; never null
 * @param verifyAttempts    verification reads at most, 1 to 20
 * @param verifyFirstWait   the wait after the first verification read that does not show the change; doubled after each
 * @param hierarchy         whether the inventory and quarantine_session cover roles granted on the folders and organization
 *                          above each project, besides the project's own
 */
public record ResponseSettings(String ownerLabel, String criticalityLabel, int verifyAttempts, Duration verifyFirstWait, boolean hierarchy) {
    static final String OWNER_LABEL = "owner-label";
    static final String CRITICALITY_LABEL = "criticality-label";
    static final String VERIFY_ATTEMPTS = "verify-attempts";
    static final String VERIFY_FIRST_WAIT = "verify-first-wait";
    static final String HIERARCHY = "folder-and-organization-roles";

    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(OWNER_LABEL, ConfigType.STRING,
                    "The project label whose value names the owner of the project's service accounts (service accounts carry "
                            + "no labels of their own).", "owner"),
            ConfigProperty.optional(CRITICALITY_LABEL, ConfigType.STRING,
                    "The project label whose value gives the criticality of the project's service accounts, e.g. tier-1.", "criticality"),
            ConfigProperty.optional(VERIFY_ATTEMPTS, ConfigType.INT,
                    "How many times verification reads IAM before it reports that a change has not shown yet (1 to 20): IAM "
                            + "changes take up to minutes to show.", "6"),
            ConfigProperty.optional(VERIFY_FIRST_WAIT, ConfigType.DURATION,
                    "The wait after the first verification read that does not show the change, doubled after each read, e.g. 5s "
                            + "(6 reads from 5s wait at most 2m35s).", "5s"),
            ConfigProperty.optional(HIERARCHY, ConfigType.BOOLEAN,
                    "Whether the inventory lists, and quarantine_session takes away, the roles a service account holds on the "
                            + "folders and the organization above its project, besides the project's own. Needs "
                            + "resourcemanager.folders.getIamPolicy and resourcemanager.organizations.getIamPolicy there (and "
                            + "setIamPolicy to act); false when the connector is granted on projects only.", "true"));

    public ResponseSettings {
        Objects.requireNonNull(ownerLabel, "ownerLabel");
        Objects.requireNonNull(criticalityLabel, "criticalityLabel");
        Objects.requireNonNull(verifyFirstWait, "verifyFirstWait");
        if (verifyAttempts < 1 || verifyAttempts > 20) {
            throw invalid(VERIFY_ATTEMPTS, "expected 1 to 20, got " + verifyAttempts);
        }
        if (verifyFirstWait.isNegative() || verifyFirstWait.compareTo(Duration.ofMinutes(2)) > 0) {
            throw invalid(VERIFY_FIRST_WAIT, "expected 0 to 2m, got " + verifyFirstWait);
        }
    }

    public static ResponseSettings from(ConnectorConfig config) {
        return new ResponseSettings(config.string(OWNER_LABEL).orElse("owner"), config.string(CRITICALITY_LABEL).orElse("criticality"),
                config.integer(VERIFY_ATTEMPTS).orElse(6), config.duration(VERIFY_FIRST_WAIT).orElse(Duration.ofSeconds(5)),
                config.bool(HIERARCHY).orElse(true));
    }

    private static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gcp': " + property + ": " + reason);
    }
}

package io.itdr.connector.gcp;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which Google Cloud projects the connector works in, validated as a whole. Immutable.
 *
 * @param projects project ids (not numbers), at least one, each as Google Cloud spells them
 *                 (https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin):
 *                 6–30 characters, lower-case letters, digits and hyphens, starting with a letter
 */
public record GcpSettings(List<String> projects) {
    static final String PROJECTS = "projects";
    private static final Pattern PROJECT_ID = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]");

    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.required(PROJECTS, ConfigType.LIST,
                    "Comma-separated ids of the Google Cloud projects whose audit logs, service accounts and IAM policies the "
                            + "connector reads and acts on, e.g. prod-payments,prod-data (project ids, not numbers)."));

    public GcpSettings {
        projects = List.copyOf(Objects.requireNonNull(projects, "projects"));
        if (projects.isEmpty()) {
            throw invalid(PROJECTS, "names no project");
        }
        for (String p : projects) {
            if (!PROJECT_ID.matcher(p).matches()) {
                throw invalid(PROJECTS, "'" + p + "' is not a project id (6-30 lower-case letters, digits and hyphens, starting "
                        + "with a letter, not ending with a hyphen)");
            }
        }
    }

    public static GcpSettings from(ConnectorConfig config) {
        return new GcpSettings(config.list(PROJECTS));
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gcp': " + property + ": " + reason);
    }
}

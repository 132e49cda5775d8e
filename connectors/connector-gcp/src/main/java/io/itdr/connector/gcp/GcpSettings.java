package io.itdr.connector.gcp;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which Google Cloud projects the connector works in and how it signs in, validated as a whole.
 * Immutable; {@link #toString()} never shows the credentials.
 *
 * @param projects    project ids (not numbers), at least one, as Google Cloud spells them
 *                    (https://cloud.google.com/resource-manager/docs/creating-managing-projects#before_you_begin):
 *                    6–30 characters, lower-case letters, digits and hyphens, starting with a letter
 * @param signIn      how the connector obtains Google credentials; never null
 * @param credentials the credentials file's JSON for {@link SignIn#CREDENTIALS_JSON}; null otherwise
 * @param impersonate a service account whose short-lived tokens the connector uses, impersonating it
 *                    with the credentials above; null to act as those credentials
 */
public record GcpSettings(List<String> projects, SignIn signIn, Secret credentials, String impersonate) {
    static final String PROJECTS = "projects";
    static final String SIGN_IN = "sign-in";
    static final String CREDENTIALS_JSON = "credentials-json";
    static final String IMPERSONATE = "impersonate-service-account";
    private static final Pattern PROJECT_ID = Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]");
    private static final Pattern SERVICE_ACCOUNT = Pattern.compile("[a-z0-9-]{1,63}@[a-z0-9.-]+\\.gserviceaccount\\.com");

    /** How the connector signs in to Google Cloud (https://cloud.google.com/docs/authentication). */
    public enum SignIn {
        /**
         * Application Default Credentials (https://cloud.google.com/docs/authentication/application-default-credentials):
         * GOOGLE_APPLICATION_CREDENTIALS (a service account key, or a workload identity federation credential
         * configuration), gcloud's user credentials, or the metadata server of the VM, GKE pod or Cloud Run service.
         */
        APPLICATION_DEFAULT("application-default"),
        /** A credentials file given as a (secret) property: a service account key or a workload identity federation configuration. */
        CREDENTIALS_JSON("credentials-json");

        private final String value;

        SignIn(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    public static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.required(PROJECTS, ConfigType.LIST,
                    "Comma-separated ids of the Google Cloud projects whose audit logs, service accounts and IAM policies the "
                            + "connector reads and acts on, e.g. prod-payments,prod-data (project ids, not numbers)."),
            ConfigProperty.oneOf(SIGN_IN,
                    "How the connector signs in: application-default uses Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, "
                            + "which may name a workload identity federation configuration, or the metadata server); credentials-json "
                            + "uses the file given in credentials-json.", "application-default", "application-default", "credentials-json"),
            ConfigProperty.secret(CREDENTIALS_JSON,
                    "With sign-in credentials-json: the JSON of a service account key file or of a workload identity federation "
                            + "credential configuration (type external_account). Give it by reference (env:VAR or file:/path), never inline.",
                    false),
            ConfigProperty.optional(IMPERSONATE, ConfigType.STRING,
                    "A service account to impersonate, e.g. itdr-responder@sec-tools.iam.gserviceaccount.com: the connector signs in "
                            + "as above, then works with this account's short-lived tokens (the signed-in principal needs "
                            + "roles/iam.serviceAccountTokenCreator on it). Leave empty to act as the signed-in principal.", null));

    public GcpSettings {
        projects = List.copyOf(Objects.requireNonNull(projects, "projects"));
        Objects.requireNonNull(signIn, "signIn");
        if (projects.isEmpty()) {
            throw invalid(PROJECTS, "names no project");
        }
        for (String p : projects) {
            if (!PROJECT_ID.matcher(p).matches()) {
                throw invalid(PROJECTS, "'" + p + "' is not a project id (6-30 lower-case letters, digits and hyphens, starting "
                        + "with a letter, not ending with a hyphen)");
            }
        }
        if (signIn == SignIn.CREDENTIALS_JSON && (credentials == null || credentials.isEmpty())) {
            throw invalid(CREDENTIALS_JSON, "is required with sign-in credentials-json");
        }
        if (signIn == SignIn.APPLICATION_DEFAULT && credentials != null) {
            throw invalid(CREDENTIALS_JSON, "is given, but sign-in is application-default: set sign-in to credentials-json to use it");
        }
        if (impersonate != null && !SERVICE_ACCOUNT.matcher(impersonate).matches()) {
            throw invalid(IMPERSONATE, "'" + impersonate + "' is not a service account email (name@project.iam.gserviceaccount.com)");
        }
    }

    public static GcpSettings from(ConnectorConfig config) {
        SignIn signIn = config.choice(SIGN_IN).filter(v -> v.equals(SignIn.CREDENTIALS_JSON.value()))
                .map(v -> SignIn.CREDENTIALS_JSON).orElse(SignIn.APPLICATION_DEFAULT);
        return new GcpSettings(config.list(PROJECTS), signIn, config.secret(CREDENTIALS_JSON).orElse(null),
                config.string(IMPERSONATE).map(String::trim).filter(s -> !s.isEmpty()).orElse(null));
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gcp': " + property + ": " + reason);
    }

    @Override
    public String toString() {
        return "GcpSettings[projects=" + projects + ", sign-in=" + signIn.value()
                + (impersonate == null ? "" : ", impersonating " + impersonate) + "]";
    }
}

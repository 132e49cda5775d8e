package io.itdr.connector.azure;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the connector reaches one Microsoft Entra tenant, validated as a whole. Exactly one way to sign
 * in: {@code DefaultAzureCredential} (managed identity, workload identity federation, environment),
 * a client secret, or a client certificate, each for the app registration {@code client-id}
 * (https://learn.microsoft.com/en-us/java/api/overview/azure/identity-readme). Secrets come as
 * {@link Secret}s, resolved by the host from a reference; they are never shown. Immutable.
 *
 * @param tenantId            the directory (tenant) id, a GUID; never null
 * @param clientId            the app registration's application (client) id; null only with the default credential
 * @param clientSecret        the client secret; null unless that is the sign-in
 * @param clientCertificate   the client certificate with its private key, PEM; null unless that is the sign-in
 * @param defaultCredential   whether to sign in with {@code DefaultAzureCredential}
 * @param graphUrl            Microsoft Graph's root, {@code https://graph.microsoft.com}; never null
 * @param authorityHost       the Entra authority, {@code https://login.microsoftonline.com/}; never null
 */
public record AzureSettings(String tenantId, String clientId, Secret clientSecret, Secret clientCertificate,
                            boolean defaultCredential, URI graphUrl, URI authorityHost) {

    static final String TENANT_ID = "tenant-id";
    static final String CLIENT_ID = "client-id";
    static final String CLIENT_SECRET = "client-secret";
    static final String CLIENT_CERTIFICATE = "client-certificate";
    static final String DEFAULT_CREDENTIAL = "default-credential";
    static final String GRAPH_URL = "graph-url";
    static final String AUTHORITY_HOST = "authority-host";

    private static final Pattern GUID = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern PEM_CERTIFICATE_AND_KEY = Pattern.compile(
            "(?s).*-----BEGIN CERTIFICATE-----.+-----END CERTIFICATE-----.*|.*-----BEGIN ((RSA|EC) )?PRIVATE KEY-----.+");

    /** The properties the factory declares for the tenant and its sign-in. */
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.required(TENANT_ID, ConfigType.STRING,
                    "The Microsoft Entra directory (tenant) id, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47. It names the "
                            + "tenant of events that do not carry their own tenantId."),
            ConfigProperty.optional(CLIENT_ID, ConfigType.STRING,
                    "The application (client) id of the app registration the connector signs in as (a GUID); required with "
                            + "client-secret or client-certificate, and with default-credential it picks a user-assigned managed "
                            + "identity or the workload identity's client.", null),
            ConfigProperty.secret(CLIENT_SECRET,
                    "A client secret of the app registration (client credentials). Give exactly one of client-secret, "
                            + "client-certificate and default-credential=true.", false),
            ConfigProperty.secret(CLIENT_CERTIFICATE,
                    "A client certificate of the app registration with its private key, in PEM (the certificate block and "
                            + "the PRIVATE KEY block); its public part must be uploaded to the app. Exclusive with client-secret and "
                            + "default-credential.", false),
            ConfigProperty.optional(DEFAULT_CREDENTIAL, ConfigType.BOOLEAN,
                    "true to sign in with DefaultAzureCredential: a managed identity on Azure, workload identity federation on "
                            + "Kubernetes (AZURE_FEDERATED_TOKEN_FILE), or the AZURE_* environment variables. No secret in the "
                            + "configuration.", "false"),
            ConfigProperty.optional(GRAPH_URL, ConfigType.URI,
                    "Microsoft Graph's root URL (https, no path): https://graph.microsoft.com, or a national cloud's "
                            + "(https://graph.microsoft.us). Calls go here unless the host sets an HTTP endpoint override for 'azure'.",
                    "https://graph.microsoft.com"),
            ConfigProperty.optional(AUTHORITY_HOST, ConfigType.URI,
                    "The Microsoft Entra authority that issues tokens (https): https://login.microsoftonline.com/, or a national "
                            + "cloud's.", "https://login.microsoftonline.com/"));

    /** How the connector signs in. */
    public enum AuthMode { DEFAULT_CREDENTIAL, CLIENT_SECRET, CLIENT_CERTIFICATE }

    public AzureSettings {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(graphUrl, "graphUrl");
        Objects.requireNonNull(authorityHost, "authorityHost");
        if (!GUID.matcher(tenantId).matches()) {
            throw invalid(TENANT_ID, "'" + io.itdr.connector.support.JsonFields.clip(tenantId, 80)
                    + "' is not a directory (tenant) id such as 72f988bf-86f1-41af-91ab-2d7cd011db47");
        }
        List<String> ways = new ArrayList<>(3);
        if (clientSecret != null) {
            ways.add(CLIENT_SECRET);
        }
        if (clientCertificate != null) {
            ways.add(CLIENT_CERTIFICATE);
        }
        if (defaultCredential) {
            ways.add(DEFAULT_CREDENTIAL + "=true");
        }
        if (ways.isEmpty()) {
            throw invalid(CLIENT_SECRET, "no way to sign in: give exactly one of client-secret, client-certificate, default-credential=true");
        }
        if (ways.size() > 1) {
            throw invalid(ways.get(0), "give exactly one way to sign in, not " + String.join(" and ", ways));
        }
        if (clientId != null && !GUID.matcher(clientId).matches()) {
            throw invalid(CLIENT_ID, "'" + io.itdr.connector.support.JsonFields.clip(clientId, 80)
                    + "' is not an application (client) id (a GUID)");
        }
        if (!defaultCredential && clientId == null) {
            throw invalid(CLIENT_ID, "is required with " + ways.get(0));
        }
        if (clientSecret != null && clientSecret.isEmpty()) {
            throw invalid(CLIENT_SECRET, "is empty");
        }
        if (clientCertificate != null && (!clientCertificate.reveal().contains("-----BEGIN CERTIFICATE-----")
                || !PEM_CERTIFICATE_AND_KEY.matcher(clientCertificate.reveal()).matches()
                || !clientCertificate.reveal().contains("PRIVATE KEY-----"))) {
            // never quote the value: it holds the key
            throw invalid(CLIENT_CERTIFICATE, "expected PEM with a certificate (-----BEGIN CERTIFICATE-----) and its private key "
                    + "(-----BEGIN PRIVATE KEY-----)");
        }
        checkHttps(GRAPH_URL, graphUrl);
        checkHttps(AUTHORITY_HOST, authorityHost);
    }

    /** The settings in {@code config}, defaults applied. */
    static AzureSettings from(ConnectorConfig config) {
        return new AzureSettings(config.string(TENANT_ID).map(String::trim).orElseThrow(() -> invalid(TENANT_ID, "is required")),
                config.string(CLIENT_ID).map(String::trim).orElse(null), config.secret(CLIENT_SECRET).orElse(null),
                config.secret(CLIENT_CERTIFICATE).orElse(null), config.bool(DEFAULT_CREDENTIAL).orElse(false),
                config.uri(GRAPH_URL).orElse(URI.create("https://graph.microsoft.com")),
                config.uri(AUTHORITY_HOST).orElse(URI.create("https://login.microsoftonline.com/")));
    }

    public AuthMode authMode() {
        return defaultCredential ? AuthMode.DEFAULT_CREDENTIAL : clientSecret != null ? AuthMode.CLIENT_SECRET : AuthMode.CLIENT_CERTIFICATE;
    }

    private static void checkHttps(String property, URI url) {
        if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null || url.getRawUserInfo() != null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw invalid(property, "must be an https URL with a host and no query, got '" + url + "'");
        }
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'azure': " + property + ": " + reason);
    }

    @Override
    public String toString() {
        String auth = switch (authMode()) {
            case DEFAULT_CREDENTIAL -> "DefaultAzureCredential" + (clientId == null ? "" : " for client " + clientId);
            case CLIENT_SECRET -> "client " + clientId + " with a client secret (****)";
            case CLIENT_CERTIFICATE -> "client " + clientId + " with a certificate (****)";
        };
        return "AzureSettings[tenant=" + tenantId.toLowerCase(Locale.ROOT) + ", auth=" + auth + ", graph=" + graphUrl
                + ", authority=" + authorityHost + "]";
    }
}

package io.itdr.connector.okta;

import com.okta.commons.configcheck.ConfigurationValidator;
import io.itdr.connector.okta.normalize.ServiceUsers;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the connector reaches one Okta org, validated as a whole. Exactly one way to sign in:
 * an API token ({@code Authorization: SSWS <token>}), or an OAuth 2.0 service app that signs a
 * client assertion with its private key (client credentials, the way Okta recommends). Immutable;
 * {@link #toString()} never shows a secret.
 *
 * @param orgUrl               the org's URL, {@code https://<host>} with no path; never null
 * @param apiToken             the API token; null in private-key mode
 * @param clientId             the service app's client id; null in API-token mode
 * @param privateKey           the service app's PEM private key; null in API-token mode
 * @param scopes               the OAuth scopes requested in private-key mode; never null, not empty
 * @param ownerAttribute       the profile attribute naming an identity's owner, for the inventory; never null
 * @param criticalityAttribute the profile attribute naming an identity's criticality tier; never null
 * @param serviceUserPatterns  patterns ({@code *} matches any text) on a user's login or id that mark it
 *                             a service user; never null, may be empty
 */
public record OktaSettings(URI orgUrl, Secret apiToken, String clientId, Secret privateKey, List<String> scopes,
                           String ownerAttribute, String criticalityAttribute, List<String> serviceUserPatterns) {

    static final String ORG_URL = "org-url";
    static final String API_TOKEN = "api-token";
    static final String CLIENT_ID = "client-id";
    static final String PRIVATE_KEY = "private-key";
    static final String SCOPES = "scopes";
    static final String OWNER_ATTRIBUTE = "owner-attribute";
    static final String CRITICALITY_ATTRIBUTE = "criticality-attribute";
    static final String SERVICE_USER_PATTERNS = "service-user-patterns";

    /** What the connector needs: the System Log, apps and users (read and manage), API tokens (read, and manage to revoke one); https://developer.okta.com/docs/api/oauth2 */
    public static final String DEFAULT_SCOPES =
            "okta.logs.read,okta.apps.read,okta.apps.manage,okta.users.read,okta.users.manage,okta.apiTokens.read,"
                    + "okta.apiTokens.manage";

    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern PEM_PRIVATE_KEY =
            Pattern.compile("(?s).*?-----BEGIN ((RSA|EC) )?PRIVATE KEY-----.+-----END ((RSA|EC) )?PRIVATE KEY-----\\s*");

    /** The properties the factory declares for the org and its sign-in. */
    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.required(ORG_URL, ConfigType.URI,
                    "The Okta org's URL, e.g. https://example.okta.com (https, no path). Its host names the org as the tenant of "
                            + "every event and identity. Calls go here unless the host sets an HTTP endpoint override for 'okta' "
                            + "(a sandbox or a private endpoint)."),
            ConfigProperty.secret(API_TOKEN,
                    "An Okta API token, sent as 'Authorization: SSWS <token>'. Give either this or client-id with private-key.",
                    false),
            ConfigProperty.optional(CLIENT_ID, ConfigType.STRING,
                    "Client id of an OAuth 2.0 service app that signs in with a private key JWT (client credentials), e.g. "
                            + "0oa1b2c3d4e5f6g7h8i9; give it with private-key, instead of api-token.", null),
            ConfigProperty.secret(PRIVATE_KEY,
                    "The service app's private key in PEM (RSA or EC, PKCS#8 or PKCS#1), whose public key is registered as a JWK on "
                            + "the app; only with client-id. Text before the BEGIN line is ignored (RFC 7468 explanatory text).", false),
            ConfigProperty.optional(SCOPES, ConfigType.LIST,
                    "OAuth scopes the service app asks for (comma-separated); they must be granted to the app. Used with client-id only.",
                    DEFAULT_SCOPES),
            ConfigProperty.optional(OWNER_ATTRIBUTE, ConfigType.STRING,
                    "Name of the app or user profile attribute that holds an identity's owner, read by the inventory.", "owner"),
            ConfigProperty.optional(CRITICALITY_ATTRIBUTE, ConfigType.STRING,
                    "Name of the app or user profile attribute that holds an identity's criticality tier, read by the inventory.",
                    "criticality"),
            ConfigProperty.optional(SERVICE_USER_PATTERNS, ConfigType.LIST,
                    "Comma-separated patterns on a user's login or id (* matches any text, case-insensitive) that mark the user as a "
                            + "service user, e.g. svc-*,*@robots.example.com. Events by such users get identity kind service_user.",
                    String.join(",", ServiceUsers.DEFAULT_PATTERNS)));

    /** How the connector signs in to Okta. */
    public enum AuthMode {
        /** An API token, {@code Authorization: SSWS <token>}. */
        API_TOKEN,
        /** An OAuth 2.0 service app: a client assertion signed with its private key buys an access token. */
        PRIVATE_KEY
    }

    public OktaSettings {
        Objects.requireNonNull(orgUrl, "orgUrl");
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
        Objects.requireNonNull(ownerAttribute, "ownerAttribute");
        Objects.requireNonNull(criticalityAttribute, "criticalityAttribute");
        serviceUserPatterns = List.copyOf(Objects.requireNonNull(serviceUserPatterns, "serviceUserPatterns"));
        checkOrgUrl(orgUrl);
        boolean token = apiToken != null && !apiToken.isEmpty();
        boolean oauth = clientId != null || privateKey != null;
        if (token && oauth) {
            throw invalid(API_TOKEN, "give either api-token, or client-id with private-key, not both");
        }
        if (!token && !oauth) {
            throw invalid(API_TOKEN, "no way to sign in: give api-token, or client-id with private-key");
        }
        if (apiToken != null && apiToken.isEmpty()) {
            throw invalid(API_TOKEN, "is empty");
        }
        if (oauth) {
            if (clientId == null) {
                throw invalid(CLIENT_ID, "is required with private-key");
            }
            if (privateKey == null) {
                throw invalid(PRIVATE_KEY, "is required with client-id");
            }
            try {
                ConfigurationValidator.assertClientId(clientId);
            } catch (IllegalArgumentException e) {
                throw invalid(CLIENT_ID, "'" + clientId + "' is not an Okta client id: " + e.getMessage());
            }
            if (!PEM_PRIVATE_KEY.matcher(privateKey.reveal()).matches()) {
                // never quote the value: it is the key
                throw invalid(PRIVATE_KEY, "expected a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)");
            }
            if (scopes.isEmpty()) {
                throw invalid(SCOPES, "at least one scope is needed to ask for an access token");
            }
            for (String scope : scopes) {
                if (!SCOPE.matcher(scope).matches()) {
                    throw invalid(SCOPES, "'" + scope + "' is not a scope name such as okta.logs.read");
                }
            }
        }
        for (var attribute : List.of(List.of(OWNER_ATTRIBUTE, ownerAttribute), List.of(CRITICALITY_ATTRIBUTE, criticalityAttribute))) {
            if (!ATTRIBUTE.matcher(attribute.get(1)).matches()) {
                throw invalid(attribute.get(0), "'" + attribute.get(1) + "' is not a profile attribute name (letters, digits, _)");
            }
        }
        for (String pattern : serviceUserPatterns) {
            if (pattern.isBlank() || pattern.length() > 256) {
                throw invalid(SERVICE_USER_PATTERNS, "a pattern is blank or longer than 256 characters");
            }
        }
    }

    /** The settings in {@code config}, defaults applied. */
    static OktaSettings from(ConnectorConfig config) {
        return new OktaSettings(config.uri(ORG_URL).orElseThrow(() -> invalid(ORG_URL, "is required")),
                config.secret(API_TOKEN).orElse(null), config.string(CLIENT_ID).map(String::trim).orElse(null),
                config.secret(PRIVATE_KEY).orElse(null), config.list(SCOPES), config.string(OWNER_ATTRIBUTE).orElse("owner"),
                config.string(CRITICALITY_ATTRIBUTE).orElse("criticality"), config.list(SERVICE_USER_PATTERNS));
    }

    /** The PEM block of the private key, without explanatory text before it (the SDK wants the BEGIN line first). */
    String privateKeyPem() {
        String pem = privateKey.reveal();
        return pem.substring(pem.indexOf("-----BEGIN"));
    }

    public AuthMode authMode() {
        return apiToken != null ? AuthMode.API_TOKEN : AuthMode.PRIVATE_KEY;
    }

    /** The org as events and identities name their tenant: the org URL's host, lower-case ("example.okta.com"). */
    public String org() {
        return orgUrl.getHost().toLowerCase(Locale.ROOT);
    }

    /** https only, a host, nothing after it but an optional "/", and what the Okta SDK itself accepts. */
    private static void checkOrgUrl(URI url) {
        if (!"https".equalsIgnoreCase(url.getScheme())) {
            throw invalid(ORG_URL, "must be an https URL such as https://example.okta.com, got '" + url + "'");
        }
        if (url.getHost() == null || url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null
                || !(url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/"))) {
            throw invalid(ORG_URL, "expected only scheme and host, such as https://example.okta.com, got '" + url + "'");
        }
        try {
            ConfigurationValidator.assertOrgUrl(url.toString(), false);
        } catch (IllegalArgumentException e) {
            throw invalid(ORG_URL, e.getMessage());
        }
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'okta': " + property + ": " + reason);
    }

    @Override
    public String toString() {
        return "OktaSettings[org=" + orgUrl + ", auth=" + (authMode() == AuthMode.API_TOKEN ? "api token (****)"
                : "service app " + clientId + " with private key (****), scopes " + scopes)
                + ", ownerAttribute=" + ownerAttribute + ", criticalityAttribute=" + criticalityAttribute
                + ", serviceUserPatterns=" + serviceUserPatterns + "]";
    }
}

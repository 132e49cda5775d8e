package io.itdr.connector.github;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the connector reaches one GitHub organization, validated as a whole. Exactly one way to sign
 * in: a token (a fine-grained or classic personal access token, sent as {@code Authorization: Bearer}),
 * or a GitHub App: a JWT signed with the app's private key buys an installation access token
 * (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation).
 * Secrets may be given by reference ({@code env:NAME}); the host resolves them. Immutable;
 * {@link #toString()} never shows a secret.
 *
 * @param apiUrl         the REST API's base URL: {@code https://api.github.com}, or {@code https://HOST/api/v3} for
 *                       GitHub Enterprise Server; never null
 * @param org            the organization's login, lower-case; never null
 * @param token          the token; null in app mode
 * @param appId          the GitHub App's id (or client id); null in token mode
 * @param privateKey     the app's PEM private key; null in token mode
 * @param installationId the app's installation on the org; null to look it up ({@code GET /orgs/{org}/installation})
 * @param lookback       how far back the first poll reads; positive
 * @param include        which audit log events to read: {@code web}, {@code git} or {@code all}; never null
 * @param enterprise     the enterprise slug whose audit log is polled instead of the organization's; null for the org's
 * @param managedAppId   a GitHub App of the organization whose installation the connector may suspend; null for none
 * @param managedAppKey  that app's private key; null exactly when managedAppId is
 */
public record GitHubSettings(URI apiUrl, String org, Secret token, String appId, Secret privateKey, String installationId,
                             Duration lookback, String include, String enterprise, String managedAppId, Secret managedAppKey) {

    static final String API_URL = "api-url";
    static final String ORG = "org";
    static final String TOKEN = "token";
    static final String APP_ID = "app-id";
    static final String PRIVATE_KEY = "private-key";
    static final String INSTALLATION_ID = "installation-id";
    static final String LOOKBACK = "lookback";
    static final String INCLUDE = "include";
    static final String ENTERPRISE = "enterprise";
    static final String MANAGED_APP_ID = "managed-app-id";
    static final String MANAGED_APP_KEY = "managed-app-private-key";
    public static final String DEFAULT_API_URL = "https://api.github.com";

    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");
    private static final Pattern APP = Pattern.compile("[0-9]{1,20}|Iv[0-9A-Za-z.]{1,40}");
    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,99})");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,20}");
    private static final Pattern PEM_PRIVATE_KEY =
            Pattern.compile("(?s).*?-----BEGIN (RSA )?PRIVATE KEY-----.+-----END (RSA )?PRIVATE KEY-----\\s*");

    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(API_URL, ConfigType.URI,
                    "Base URL of GitHub's REST API: https://api.github.com for GitHub.com and GitHub Enterprise Cloud, "
                            + "https://HOST/api/v3 for GitHub Enterprise Server. The host's HTTP endpoint override for 'github' "
                            + "replaces it (a sandbox or a private endpoint).", DEFAULT_API_URL),
            ConfigProperty.required(ORG, ConfigType.STRING,
                    "Login of the organization to watch, e.g. acme-inc; it names the tenant of every event."),
            ConfigProperty.secret(TOKEN,
                    "A token sent as 'Authorization: Bearer <token>': a fine-grained personal access token with the organization "
                            + "permission 'Administration: read', or a classic one with read:audit_log. Give either this or app-id "
                            + "with private-key.", false),
            ConfigProperty.optional(APP_ID, ConfigType.STRING,
                    "The GitHub App's id (e.g. 123456) or client id (Iv23…), issuer of the JWT; give it with private-key instead "
                            + "of token.", null),
            ConfigProperty.secret(PRIVATE_KEY,
                    "The GitHub App's private key in PEM (as GitHub downloads it: BEGIN RSA PRIVATE KEY, or PKCS#8); only with "
                            + "app-id. It signs a JWT that buys an installation token; it never leaves the connector.", false),
            ConfigProperty.optional(INSTALLATION_ID, ConfigType.STRING,
                    "The app's installation id on the organization; when absent it is looked up with GET /orgs/{org}/installation.",
                    null),
            ConfigProperty.optional(LOOKBACK, ConfigType.DURATION,
                    "How far back the first poll of the audit log reads, e.g. 24h; later polls resume from the saved cursor.", "24h"),
            ConfigProperty.oneOf(INCLUDE,
                    "Which audit log events to read: web (everything but Git), git (Git clone, fetch and push) or all.", "all",
                    "web", "git", "all"),
            ConfigProperty.optional(ENTERPRISE, ConfigType.STRING,
                    "Slug of a GitHub Enterprise Cloud enterprise, e.g. acme-corp: the telemetry polls the enterprise audit log "
                            + "(GET /enterprises/{enterprise}/audit-log: every organization of the enterprise, and the enterprise's own "
                            + "events) instead of the organization's. Needs a classic token with read:audit_log of an enterprise owner; "
                            + "inventory and actions stay on 'org'.", null),
            ConfigProperty.optional(MANAGED_APP_ID, ConfigType.STRING,
                    "A GitHub App the organization owns (its automation) whose installation on the organization the connector may "
                            + "suspend and unsuspend (disable_identity of '<app slug>[bot]'); give it with managed-app-private-key. "
                            + "GitHub takes only the JWT of the app itself for this.", null),
            ConfigProperty.secret(MANAGED_APP_KEY,
                    "The private key (PEM) of managed-app-id; it signs the JWT of the suspend and unsuspend calls only.", false));

    public GitHubSettings {
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(lookback, "lookback");
        Objects.requireNonNull(include, "include");
        if (!"https".equalsIgnoreCase(apiUrl.getScheme()) && !"http".equalsIgnoreCase(apiUrl.getScheme()) || apiUrl.getHost() == null
                || apiUrl.getRawUserInfo() != null || apiUrl.getRawQuery() != null || apiUrl.getRawFragment() != null) {
            throw invalid(API_URL, "expected a URL such as https://api.github.com or https://github.example.com/api/v3, got '"
                    + apiUrl + "'");
        }
        if (!LOGIN.matcher(org).matches()) {
            throw invalid(ORG, "'" + org + "' is not an organization login (letters, digits and '-', at most 39)");
        }
        org = org.toLowerCase(Locale.ROOT);
        boolean withToken = token != null;
        boolean withApp = appId != null || privateKey != null || installationId != null;
        if (withToken && withApp) {
            throw invalid(TOKEN, "give either token, or app-id with private-key, not both");
        }
        if (!withToken && !withApp) {
            throw invalid(TOKEN, "no way to sign in: give token, or app-id with private-key");
        }
        if (withToken && token.isEmpty()) {
            throw invalid(TOKEN, "is empty");
        }
        if (withApp) {
            if (appId == null) {
                throw invalid(APP_ID, "is required with private-key");
            }
            if (privateKey == null) {
                throw invalid(PRIVATE_KEY, "is required with app-id");
            }
            if (!APP.matcher(appId).matches()) {
                throw invalid(APP_ID, "'" + appId + "' is not an app id (digits) or client id (Iv…)");
            }
            if (!PEM_PRIVATE_KEY.matcher(privateKey.reveal()).matches()) {
                // never quote the value: it is the key
                throw invalid(PRIVATE_KEY, "expected a PEM private key (-----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE KEY-----)");
            }
            if (installationId != null && !NUMBER.matcher(installationId).matches()) {
                throw invalid(INSTALLATION_ID, "'" + installationId + "' is not an installation id (digits)");
            }
        }
        if (enterprise != null && !SLUG.matcher(enterprise).matches()) {
            throw invalid(ENTERPRISE, "'" + enterprise + "' is not an enterprise slug (letters, digits and '-')");
        }
        if (enterprise != null && withApp) {
            // GitHub Apps cannot read the enterprise audit log: it takes a classic token of an enterprise owner
            throw invalid(ENTERPRISE, "the enterprise audit log is read with a token (read:audit_log), not as a GitHub App");
        }
        if ((managedAppId == null) != (managedAppKey == null)) {
            throw invalid(managedAppId == null ? MANAGED_APP_ID : MANAGED_APP_KEY, "give managed-app-id and managed-app-private-key together");
        }
        if (managedAppId != null && !APP.matcher(managedAppId).matches()) {
            throw invalid(MANAGED_APP_ID, "'" + managedAppId + "' is not an app id (digits) or client id (Iv…)");
        }
        if (managedAppKey != null && !PEM_PRIVATE_KEY.matcher(managedAppKey.reveal()).matches()) {
            throw invalid(MANAGED_APP_KEY, "expected a PEM private key (-----BEGIN RSA PRIVATE KEY----- ... -----END RSA PRIVATE KEY-----)");
        }
        if (lookback.isNegative() || lookback.isZero()) {
            throw invalid(LOOKBACK, "must be positive, got " + lookback);
        }
    }

    /** The settings in {@code config}, defaults applied. */
    static GitHubSettings from(ConnectorConfig config) {
        return new GitHubSettings(config.uri(API_URL).orElse(URI.create(DEFAULT_API_URL)),
                config.string(ORG).map(String::trim).orElseThrow(() -> invalid(ORG, "is required")),
                config.secret(TOKEN).orElse(null), config.string(APP_ID).map(String::trim).orElse(null),
                config.secret(PRIVATE_KEY).orElse(null), config.string(INSTALLATION_ID).map(String::trim).orElse(null),
                config.duration(LOOKBACK).orElse(Duration.ofHours(24)), config.choice(INCLUDE).orElse("all"),
                config.string(ENTERPRISE).map(String::trim).filter(e -> !e.isEmpty()).map(e -> e.toLowerCase(Locale.ROOT)).orElse(null),
                config.string(MANAGED_APP_ID).map(String::trim).filter(e -> !e.isEmpty()).orElse(null), config.secret(MANAGED_APP_KEY).orElse(null));
    }

    /** The audit log polled: {@code /enterprises/{enterprise}/audit-log} when an enterprise is set, else the org's. */
    public String auditLogPath() {
        return enterprise == null ? "/orgs/" + GitHubApi.encode(org) + "/audit-log" : "/enterprises/" + GitHubApi.encode(enterprise) + "/audit-log";
    }

    /** Whether the connector signs in as a GitHub App installation. */
    public boolean appMode() {
        return token == null;
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'github': " + property + ": " + reason);
    }

    @Override
    public String toString() {
        return "GitHubSettings[api=" + apiUrl + ", org=" + org + ", auth=" + (appMode() ? "GitHub App " + appId
                + " with private key (****)" + (installationId == null ? "" : ", installation " + installationId) : "token (****)")
                + ", lookback=" + lookback + ", include=" + include + (enterprise == null ? "" : ", enterprise=" + enterprise)
                + (managedAppId == null ? "" : ", managed app " + managedAppId + " with private key (****)") + "]";
    }
}

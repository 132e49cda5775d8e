package io.itdr.connector.gitlab;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the connector reaches one GitLab instance and which audit events it reads, validated as a whole.
 * Immutable; {@link #toString()} never shows the token.
 *
 * @param baseUrl  the instance's URL ({@code https://gitlab.com} or a self-managed host); {@code /api/v4} is appended
 * @param token    a personal, group, project or service account access token; never null
 * @param scope    {@code instance}, {@code group} or {@code project}: whose audit events are read
 * @param scopeId  the group's or project's id or full path; null for {@code instance}
 * @param lookback how far back the first poll reads; positive
 */
public record GitLabSettings(URI baseUrl, Secret token, String scope, String scopeId, Duration lookback) {
    static final String BASE_URL = "base-url";
    static final String TOKEN = "token";
    static final String SCOPE = "scope";
    static final String SCOPE_ID = "scope-id";
    static final String LOOKBACK = "lookback";
    private static final Pattern ID_OR_PATH = Pattern.compile("[0-9]{1,20}|[A-Za-z0-9_.][A-Za-z0-9_./-]{0,254}");

    static final List<ConfigProperty> PROPERTIES = List.of(
            ConfigProperty.optional(BASE_URL, ConfigType.URI,
                    "URL of the GitLab instance, https://gitlab.com (default) or a self-managed one such as https://gitlab.example.com; "
                            + "/api/v4 is appended. The host's HTTP endpoint override for 'gitlab' replaces it.", "https://gitlab.com"),
            ConfigProperty.secret(TOKEN,
                    "An access token sent as PRIVATE-TOKEN: a personal, group, project or service account token with read_api "
                            + "(group audit events need the Owner role; instance audit events an administrator).", true),
            ConfigProperty.oneOf(SCOPE, "Whose audit events to read: instance (administrators), group or project.", "group",
                    "instance", "group", "project"),
            ConfigProperty.optional(SCOPE_ID, ConfigType.STRING,
                    "The group's or project's numeric id or full path (e.g. acme/platform); required unless scope is instance.", null),
            ConfigProperty.optional(LOOKBACK, ConfigType.DURATION,
                    "How far back the first poll reads, e.g. 24h; later polls resume from the saved cursor.", "24h"));

    public GitLabSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(lookback, "lookback");
        if (!"https".equalsIgnoreCase(baseUrl.getScheme()) && !"http".equalsIgnoreCase(baseUrl.getScheme()) || baseUrl.getHost() == null
                || baseUrl.getRawUserInfo() != null || baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw invalid(BASE_URL, "expected a URL such as https://gitlab.example.com, got '" + baseUrl + "'");
        }
        if (token.isEmpty()) {
            throw invalid(TOKEN, "is empty");
        }
        if (scope.equals("instance")) {
            if (scopeId != null) {
                throw invalid(SCOPE_ID, "is not used with scope instance");
            }
        } else if (scopeId == null) {
            throw invalid(SCOPE_ID, "is required with scope " + scope);
        } else if (!ID_OR_PATH.matcher(scopeId).matches()) {
            throw invalid(SCOPE_ID, "'" + scopeId + "' is not a numeric id or a full path");
        }
        if (lookback.isNegative() || lookback.isZero()) {
            throw invalid(LOOKBACK, "must be positive, got " + lookback);
        }
    }

    static GitLabSettings from(ConnectorConfig config) {
        return new GitLabSettings(config.uri(BASE_URL).orElse(URI.create("https://gitlab.com")),
                config.secret(TOKEN).orElseThrow(() -> invalid(TOKEN, "is required")), config.choice(SCOPE).orElse("group"),
                config.string(SCOPE_ID).map(String::trim).orElse(null), config.duration(LOOKBACK).orElse(Duration.ofHours(24)));
    }

    /** The audit events path under /api/v4 (https://docs.gitlab.com/api/audit_events/). */
    String auditEventsPath() {
        return switch (scope) {
            case "instance" -> "/audit_events";
            case "project" -> "/projects/" + GitLabApi.encode(scopeId) + "/audit_events";
            default -> "/groups/" + GitLabApi.encode(scopeId) + "/audit_events";
        };
    }

    /** The tenant of every event: the host, and the group or project read. */
    String tenant() {
        return baseUrl.getHost().toLowerCase(java.util.Locale.ROOT) + (scopeId == null ? "" : "/" + scopeId);
    }

    /** The tenant inventory identities name: the group or project path's top-level group, as events name it; else the host. */
    String tenantName() {
        if (scopeId == null || scopeId.matches("[0-9]+")) {
            return tenant();
        }
        int slash = scopeId.indexOf('/');
        return (slash < 0 ? scopeId : scopeId.substring(0, slash)).toLowerCase(java.util.Locale.ROOT);
    }

    static ConnectorException invalid(String property, String reason) {
        return new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gitlab': " + property + ": " + reason);
    }

    @Override
    public String toString() {
        return "GitLabSettings[" + baseUrl + ", token (****), " + scope + (scopeId == null ? "" : " " + scopeId) + ", lookback=" + lookback + "]";
    }
}

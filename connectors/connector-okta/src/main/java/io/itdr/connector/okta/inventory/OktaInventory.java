package io.itdr.connector.okta.inventory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.okta.sdk.resource.api.ApiTokenApi;
import com.okta.sdk.resource.api.ApplicationApi;
import com.okta.sdk.resource.api.ApplicationGrantsApi;
import com.okta.sdk.resource.api.ApplicationSsoCredentialOAuth2ClientAuthApi;
import com.okta.sdk.resource.api.UserApi;
import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.client.Pair;
import com.okta.sdk.resource.common.PagedList;
import com.okta.sdk.resource.model.ApiToken;
import com.okta.sdk.resource.model.ApiTokenNetwork;
import com.okta.sdk.resource.model.Application;
import com.okta.sdk.resource.model.ApplicationCredentialsOAuthClient;
import com.okta.sdk.resource.model.ApplicationSignOnMode;
import com.okta.sdk.resource.model.GrantOrTokenStatus;
import com.okta.sdk.resource.model.OAuth2ClientJsonWebKey;
import com.okta.sdk.resource.model.OAuth2ClientSecret;
import com.okta.sdk.resource.model.OAuth2ScopeConsentGrant;
import com.okta.sdk.resource.model.OAuthGrantType;
import com.okta.sdk.resource.model.OpenIdConnectApplication;
import com.okta.sdk.resource.model.OpenIdConnectApplicationSettingsClient;
import com.okta.sdk.resource.model.User;
import com.okta.sdk.resource.model.UserGetSingleton;
import com.okta.sdk.resource.model.UserProfile;
import com.okta.sdk.resource.model.UserStatus;
import io.itdr.connector.okta.OktaErrors;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The non-human identities of an Okta org, read with the Management SDK
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/), in three lists:
 * <ol>
 *   <li><b>OAuth service apps</b> ({@code service_app}, id = app id, name = label): apps listed with
 *       {@code GET /api/v1/apps?filter=name eq "oidc_client"} (every OpenID Connect app has that
 *       name) whose {@code signOnMode} is {@code OPENID_CONNECT} and whose
 *       {@code settings.oauthClient.grant_types} contain {@code client_credentials}: the apps that
 *       act as themselves. Their credentials are the client secrets
 *       ({@code GET /api/v1/apps/{appId}/credentials/secrets}: id, status, created; last update in
 *       the tag {@code okta.credential.<id>.lastUpdated}) and JSON Web Keys
 *       ({@code …/credentials/jwks}: id, status, created; kid in {@code okta.credential.<id>.kid}).
 *       Privilege scopes are the Okta API scopes granted to the app
 *       ({@code GET /api/v1/apps/{appId}/grants}); it is {@code privileged} when one of them is a
 *       management scope ({@code okta.*.manage}, e.g. okta.users.manage). Admin roles assigned to
 *       the app are not read. {@code enabled} is status ACTIVE.</li>
 *   <li><b>API tokens</b> ({@code api_token}, id = token id, name = token name):
 *       {@code GET /api/v1/api-tokens}; owner = the id of the user who created it (the token acts
 *       with that user's admin roles); network restriction in {@code okta.network.connection},
 *       {@code okta.network.include}, {@code okta.network.exclude}; the token is also its one
 *       credential (kind {@code api_token}, created, expiresAt). The SDK's typed
 *       {@code ApiTokenApi.listApiTokens()} takes no {@code after}/{@code limit}, so this list is read
 *       with {@code ApiClient.invokeAPI} to follow the Link header.</li>
 *   <li><b>Service users</b> ({@code service_user}, id = user id, name = login): users found by the
 *       search of {@link OktaInventorySettings#serviceUserSearch()}; {@code enabled} is status
 *       ACTIVE; no credentials or privileges are read.</li>
 * </ol>
 * Owner and criticality: see {@link OktaInventorySettings}; the criticality is handed to the engine
 * under the tag {@code criticality}. An app's scalar profile attributes are kept as tags (the app
 * profile is the org's place for such labels); a user's profile is not (it holds personal data).
 * Consumers and entitlement changes are left empty: Okta does not say who uses a client, and
 * changes come from the System Log.
 *
 * <p>Page tokens are opaque ({@link PageToken}): which list, Okta's {@code after} cursor and how far
 * into Okta's page. A page may hold identities of several lists; at most
 * {@value #MAX_READS_PER_PAGE} Okta pages are read per call (a page may then be short, even empty,
 * with a next token), so one call never turns into a long scan. An app deleted while being
 * described (404) is left out. Every failure becomes a {@link ConnectorException} through
 * {@link OktaErrors}: 429 is THROTTLED with the wait of {@code X-Rate-Limit-Reset}, and listing
 * again with the same token resumes where the failed call left off.
 *
 * <p>The client must be built with the SDK's cache disabled, or reads return stale objects.
 * Read-only; thread-safe (stateless around the shared client).
 */
public final class OktaInventory implements InventorySource {
    /** The largest {@code limit} Okta accepts on these lists. */
    static final int MAX_LIMIT = 200;
    static final int MAX_READS_PER_PAGE = 10;
    static final String OIDC_APPS = "name eq \"oidc_client\"";
    static final String SERVICE_APP = "service_app";
    static final String API_TOKEN = "api_token";
    static final String SERVICE_USER = "service_user";

    private final String connectorId;
    private final String tenant;
    private final ApiClient client;
    private final OktaErrors errors;
    private final OktaInventorySettings settings;
    private final ApplicationApi apps;
    private final ApplicationSsoCredentialOAuth2ClientAuthApi clientAuth;
    private final ApplicationGrantsApi grants;
    private final UserApi users;
    private final ApiTokenApi apiTokens;

    /**
     * @param connectorId the platform id identities are listed under ("okta"); never null
     * @param tenant      the org the identities belong to, as the connector's events name it (e.g.
     *                    "example.okta.com"); may be null
     * @param client      an Okta API client built with the SDK's cache disabled; never null; shared, not closed here
     * @param errors      the translation of SDK failures; never null
     * @param settings    owner, criticality and service-user attributes; never null
     */
    public OktaInventory(String connectorId, String tenant, ApiClient client, OktaErrors errors, OktaInventorySettings settings) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.tenant = tenant;
        this.client = Objects.requireNonNull(client, "client");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.apps = new ApplicationApi(client);
        this.clientAuth = new ApplicationSsoCredentialOAuth2ClientAuthApi(client);
        this.grants = new ApplicationGrantsApi(client);
        this.users = new UserApi(client);
        this.apiTokens = new ApiTokenApi(client);
    }

    /** One Okta page: its items and the cursor of the next page (null at the end of the list). */
    private record Listed(List<?> items, String nextAfter) {
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        int wanted = Math.max(1, Math.min(pageSize, MAX_LIMIT));
        PageToken position = PageToken.decode(pageToken);
        List<InventoryIdentity> identities = new ArrayList<>();
        for (int reads = 0; position != null && identities.size() < wanted && reads < MAX_READS_PER_PAGE; reads++) {
            int limit = Math.min(MAX_LIMIT, position.skip() + wanted - identities.size());
            Listed listed = read(position, limit);
            int index = position.skip();
            for (; index < listed.items().size() && identities.size() < wanted; index++) {
                describe(position.listing(), listed.items().get(index)).ifPresent(identities::add);
            }
            if (index < listed.items().size()) {
                position = position.within(index);
            } else {
                position = listed.nextAfter() != null ? position.at(listed.nextAfter()) : position.nextList();
            }
        }
        return new InventoryPage(identities, position == null ? null : position.encode());
    }

    /**
     * One identity read fresh: by its kind ({@code service_app}, {@code api_token},
     * {@code service_user}), or, with no kind, as whichever of the three Okta knows under the id.
     * Empty for another kind, for an id Okta does not know, for an app that is not an OAuth service
     * app, for a user without the service-user marker, and when {@code tenant} is given and is not
     * this org.
     */
    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        if (tenant != null && this.tenant != null && !tenant.equals(this.tenant)) {
            return Optional.empty();
        }
        String id = identity.id();
        String kind = identity.kind();
        if (kind == null) {
            return readApp(id).or(() -> readApiToken(id)).or(() -> readUser(id));
        }
        return switch (kind) {
            case SERVICE_APP -> readApp(id);
            case API_TOKEN -> readApiToken(id);
            case SERVICE_USER -> readUser(id);
            default -> Optional.empty();
        };
    }

    private Listed read(PageToken position, int limit) {
        String after = position.after();
        List<?> items = switch (position.listing()) {
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/listApplications
            case SERVICE_APPS -> errors.call("GET /api/v1/apps", () -> apps.listApplications(null, after, null, limit, OIDC_APPS, null, null));
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApiToken/#tag/ApiToken/operation/listApiTokens
            case API_TOKENS -> errors.call("GET /api/v1/api-tokens", () -> listApiTokens(after, limit));
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
            case SERVICE_USERS -> errors.call("GET /api/v1/users",
                    () -> users.listUsers(null, null, after, limit, null, settings.serviceUserSearch(), null, null));
        };
        if (items == null) {
            return new Listed(List.of(), null);
        }
        String next = null;
        if (items instanceof PagedList<?> paged && paged.getNextPage() != null) {
            next = paged.getAfter();
            if (next == null || next.isEmpty() || next.equals(after)) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "Okta's next link for " + position.listing()
                        + " carries no new after cursor: " + paged.getNextPage());
            }
        }
        return new Listed(items, next);
    }

    /** GET /api/v1/api-tokens with after and limit: the typed method takes neither. */
    private List<ApiToken> listApiTokens(String after, int limit) {
        List<Pair> query = new ArrayList<>();
        if (after != null) {
            query.add(new Pair("after", after));
        }
        query.add(new Pair("limit", Integer.toString(limit)));
        return client.invokeAPI("/api/v1/api-tokens", "GET", query, new ArrayList<>(), "", null, new HashMap<>(), new HashMap<>(),
                new HashMap<>(), "application/json", client.selectHeaderContentType(new String[0]), new String[] {"apiToken", "oauth2"},
                new TypeReference<List<ApiToken>>() {
                });
    }

    /** The identity a listed item stands for; empty when it is not one (or vanished while being read). */
    private Optional<InventoryIdentity> describe(PageToken.Listing listing, Object item) {
        return switch (listing) {
            case SERVICE_APPS -> serviceApp((Application) item).flatMap(app -> unlessGone(() -> appIdentity(app)));
            case API_TOKENS -> Optional.of(tokenIdentity((ApiToken) item));
            case SERVICE_USERS -> {
                User user = (User) item;
                yield userIdentity(user.getId(), user.getStatus(), user.getCreated(), user.getProfile());
            }
        };
    }

    private Optional<InventoryIdentity> readApp(String appId) {
        return unlessGone(() -> errors.call("GET /api/v1/apps/" + appId, () -> apps.getApplication(appId, null)))
                .flatMap(OktaInventory::serviceApp)
                .flatMap(app -> unlessGone(() -> appIdentity(app)));
    }

    private Optional<InventoryIdentity> readApiToken(String tokenId) {
        return unlessGone(() -> errors.call("GET /api/v1/api-tokens/" + tokenId, () -> apiTokens.getApiToken(tokenId)))
                .map(this::tokenIdentity);
    }

    private Optional<InventoryIdentity> readUser(String userId) {
        return unlessGone(() -> errors.call("GET /api/v1/users/" + userId, () -> users.getUser(userId, null, null)))
                .flatMap((UserGetSingleton u) -> userIdentity(u.getId(), u.getStatus(), u.getCreated(), u.getProfile()));
    }

    /** The read's result, or empty when Okta answers 404 (or with no body). */
    private static <T> Optional<T> unlessGone(Supplier<T> read) {
        try {
            return Optional.ofNullable(read.get());
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The app as an OAuth service app: OpenID Connect with the client_credentials grant. */
    static Optional<OpenIdConnectApplication> serviceApp(Application app) {
        if (app instanceof OpenIdConnectApplication oidc && app.getSignOnMode() == ApplicationSignOnMode.OPENID_CONNECT
                && oidc.getSettings() != null && oidc.getSettings().getOauthClient() != null
                && oidc.getSettings().getOauthClient().getGrantTypes() != null
                && oidc.getSettings().getOauthClient().getGrantTypes().contains(OAuthGrantType.CLIENT_CREDENTIALS)) {
            return Optional.of(oidc);
        }
        return Optional.empty();
    }

    private InventoryIdentity appIdentity(OpenIdConnectApplication app) {
        String appId = app.getId();
        // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/
        List<OAuth2ClientSecret> secrets = orEmpty(errors.call("GET /api/v1/apps/" + appId + "/credentials/secrets",
                () -> clientAuth.listOAuth2ClientSecrets(appId)));
        List<OAuth2ClientJsonWebKey> keys = orEmpty(errors.call("GET /api/v1/apps/" + appId + "/credentials/jwks",
                () -> clientAuth.listJwk(appId)));
        // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationGrants/
        List<OAuth2ScopeConsentGrant> granted = orEmpty(errors.call("GET /api/v1/apps/" + appId + "/grants",
                () -> grants.listScopeConsentGrants(appId, null)));

        Map<String, String> tags = new LinkedHashMap<>();
        Map<String, String> profile = scalars(app.getProfile());
        tags.putAll(profile);
        OpenIdConnectApplicationSettingsClient oauth = app.getSettings().getOauthClient();
        ApplicationCredentialsOAuthClient credentials = app.getCredentials() == null ? null : app.getCredentials().getOauthClient();
        putIfPresent(tags, "okta.clientId", credentials == null ? null : credentials.getClientId());
        putIfPresent(tags, "okta.tokenEndpointAuthMethod", credentials == null ? null : credentials.getTokenEndpointAuthMethod());
        putIfPresent(tags, "okta.applicationType", oauth.getApplicationType());
        tags.put("okta.grantTypes", oauth.getGrantTypes().stream().map(String::valueOf).collect(Collectors.joining(",")));

        List<Credential> held = new ArrayList<>();
        for (OAuth2ClientSecret secret : secrets) {
            held.add(new Credential(secret.getId(), "client_secret", instant(secret.getCreated()), null, null, status(secret.getStatus())));
            putIfPresent(tags, "okta.credential." + secret.getId() + ".lastUpdated", instant(secret.getLastUpdated()));
        }
        for (OAuth2ClientJsonWebKey key : keys) {
            held.add(new Credential(key.getId(), "jwk", instant(key.getCreated()), null, null, status(key.getStatus())));
            putIfPresent(tags, "okta.credential." + key.getId() + ".kid", key.getKid());
        }

        Map<String, String> notes = notes(app.getSettings().getNotes() == null ? null : app.getSettings().getNotes().getAdmin());
        String owner = firstOf(attribute(profile, settings.ownerAttribute()), attribute(notes, settings.ownerAttribute()));
        String criticality = firstOf(attribute(profile, settings.criticalityAttribute()), attribute(notes, settings.criticalityAttribute()));
        publishCriticality(tags, criticality);

        List<String> scopes = new ArrayList<>(new TreeSet<>(granted.stream()
                .filter(g -> g.getStatus() == null || g.getStatus() == GrantOrTokenStatus.ACTIVE)
                .map(OAuth2ScopeConsentGrant::getScopeId).filter(Objects::nonNull).toList()));
        boolean privileged = scopes.stream().anyMatch(s -> s.startsWith("okta.") && s.endsWith(".manage"));
        return new InventoryIdentity(connectorId, tenant, new IdentityRef(appId, SERVICE_APP, app.getLabel()),
                app.getStatus() == null ? null : "ACTIVE".equals(app.getStatus().getValue()), instant(app.getCreated()), owner, tags,
                held, List.of(), scopes, privileged, List.of());
    }

    private InventoryIdentity tokenIdentity(ApiToken token) {
        Map<String, String> tags = new LinkedHashMap<>();
        ApiTokenNetwork network = token.getNetwork();
        if (network != null) {
            putIfPresent(tags, "okta.network.connection", network.getConnection());
            putIfPresent(tags, "okta.network.include", network.getInclude() == null || network.getInclude().isEmpty()
                    ? null : String.join(",", network.getInclude()));
            putIfPresent(tags, "okta.network.exclude", network.getExclude() == null || network.getExclude().isEmpty()
                    ? null : String.join(",", network.getExclude()));
        }
        putIfPresent(tags, "okta.clientName", token.getClientName());
        putIfPresent(tags, "okta.tokenWindow", token.getTokenWindow());
        putIfPresent(tags, "okta.lastUpdated", instant(token.getLastUpdated()));
        Instant created = instant(token.getCreated());
        // Okta lists and reads active tokens only; a revoked or expired one is gone (404).
        Credential self = new Credential(token.getId(), API_TOKEN, created, null, instant(token.getExpiresAt()), CredentialStatus.ACTIVE);
        return new InventoryIdentity(connectorId, tenant, new IdentityRef(token.getId(), API_TOKEN, token.getName()), true, created,
                token.getUserId(), tags, List.of(self), List.of(), List.of(), null, List.of());
    }

    /** A user as a service user, or empty when its profile lacks the marker. */
    private Optional<InventoryIdentity> userIdentity(String userId, UserStatus status, OffsetDateTime created, UserProfile userProfile) {
        Map<String, String> profile = userProfile == null ? Map.of() : scalars(client.getObjectMapper().convertValue(userProfile,
                new TypeReference<Map<String, Object>>() {
                }));
        String marker = attribute(profile, settings.serviceUserAttribute());
        if (marker == null || !marker.equalsIgnoreCase(settings.serviceUserValue())) {
            return Optional.empty();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        String login = profile.get("login");
        putIfPresent(tags, "okta.login", login);
        putIfPresent(tags, "okta.status", status);
        tags.put(settings.serviceUserAttribute(), marker);
        publishCriticality(tags, attribute(profile, settings.criticalityAttribute()));
        return Optional.of(new InventoryIdentity(connectorId, tenant, new IdentityRef(userId, SERVICE_USER, login),
                status == null ? null : status == UserStatus.ACTIVE, instant(created), attribute(profile, settings.ownerAttribute()),
                tags, List.of(), List.of(), List.of(), null, List.of()));
    }

    private static void publishCriticality(Map<String, String> tags, String criticality) {
        if (criticality != null) {
            tags.put(OktaInventorySettings.ENGINE_CRITICALITY_TAG, criticality);
        }
    }

    /** The scalar (text, number, boolean) values of a JSON object, as text; nested values are left out. */
    private static Map<String, String> scalars(Map<String, Object> values) {
        Map<String, String> scalars = new LinkedHashMap<>();
        if (values != null) {
            values.forEach((k, v) -> {
                if (k != null && (v instanceof String || v instanceof Number || v instanceof Boolean)) {
                    scalars.put(k, v.toString());
                }
            });
        }
        return scalars;
    }

    /** {@code name: value} or {@code name=value} pairs of admin notes, one per line or separated by ';'. */
    static Map<String, String> notes(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (text == null) {
            return pairs;
        }
        for (String part : text.split("[\\r\\n;]+")) {
            int at = indexOfSeparator(part);
            if (at > 0) {
                pairs.putIfAbsent(part.substring(0, at).trim(), part.substring(at + 1).trim());
            }
        }
        return pairs;
    }

    private static int indexOfSeparator(String part) {
        int colon = part.indexOf(':');
        int equals = part.indexOf('=');
        return colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
    }

    /** The non-blank value under {@code name}, trying the exact name first and then any letter case of it. */
    static String attribute(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            for (Map.Entry<String, String> entry : values.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    value = entry.getValue();
                    break;
                }
            }
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static String firstOf(String a, String b) {
        return a != null ? a : b;
    }

    private static void putIfPresent(Map<String, String> tags, String key, Object value) {
        if (value != null && !value.toString().isBlank()) {
            tags.put(key, value.toString());
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static CredentialStatus status(Object status) {
        if (status == null) {
            return CredentialStatus.UNKNOWN;
        }
        return switch (status.toString()) {
            case "ACTIVE" -> CredentialStatus.ACTIVE;
            case "INACTIVE" -> CredentialStatus.INACTIVE;
            default -> CredentialStatus.UNKNOWN;
        };
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    /** Okta timestamps some models keep as text ("2023-02-21T20:08:24.000Z"); null when absent or unreadable. */
    private static Instant instant(String time) {
        if (time == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(time).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "OktaInventory[tenant=" + tenant + ", " + settings + "]";
    }
}

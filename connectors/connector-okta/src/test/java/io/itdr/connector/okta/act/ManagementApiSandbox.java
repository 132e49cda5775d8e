package io.itdr.connector.okta.act;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.request;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.cache.Caches;
import com.okta.sdk.client.Clients;
import com.okta.sdk.resource.client.ApiClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for the Okta Management API on WireMock: one stub per operation, each citing
 * its page of the API reference (https://developer.okta.com/docs/api/openapi/okta-management/management/),
 * answered from an in-memory org of apps (with client secrets, JSON Web Keys, refresh tokens and
 * scope grants), users (with OAuth clients holding tokens) and API tokens, in the JSON shapes of
 * the reference's examples. Lists page by {@code limit} and {@code after} (the id of the last item,
 * opaque to clients) with {@code Link: <…>; rel="self"} and {@code rel="next"} headers, one
 * header per relation as Okta sends them; the API token list answers pages of
 * {@value #API_TOKEN_PAGE} whatever {@code limit} says (the reference lists no paging parameter
 * for it). Requests must carry {@code Authorization: SSWS <TOKEN>} (or what
 * {@link #acceptAuthorizations} names), else 401 E0000011. Errors use
 * Okta's error object ({@code errorCode}, {@code errorSummary}, {@code errorLink}, {@code errorId},
 * {@code errorCauses}): 404 E0000007 for an unknown object, 400 E0000001 for a lifecycle change
 * the object's status does not allow. Client secrets come back with an undisclosed value that
 * starts with {@link #UNDISCLOSED}: the canary of leak checks. {@link #hooks} delay an answer or
 * change the org right after one.
 *
 * <p>Thread-safe enough for tests: the model is synchronized on this object.
 */
public final class ManagementApiSandbox implements ResponseDefinitionTransformerV2 {
    static final String NAME = "okta-management-api";
    /** The API token the sandbox accepts. */
    public static final String TOKEN = "00sandbox-ssws-token";
    /** Prefix of the undisclosed client_secret value Okta returns on reads of a secret. */
    public static final String UNDISCLOSED = "sandbox-undisclosed-";
    /** Creation time of objects that were not given one. */
    public static final String DEFAULT_CREATED = "2024-01-10T08:00:00.000Z";
    static final int API_TOKEN_PAGE = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An app: OpenID Connect service app unless told otherwise. */
    public static final class App {
        public String label;
        public String name = "oidc_client";
        public String signOnMode = "OPENID_CONNECT";
        public String status = "ACTIVE";
        public String applicationType = "service";
        public String created = DEFAULT_CREATED;
        public final List<String> grantTypes = new ArrayList<>(List.of("client_credentials"));
        public final Map<String, Object> profile = new LinkedHashMap<>();
        public String adminNotes;
        public final Map<String, Credential> secrets = new LinkedHashMap<>();
        public final Map<String, Credential> jwks = new LinkedHashMap<>();
        /** Ids of the refresh tokens issued to the app. */
        public final List<String> refreshTokens = new ArrayList<>();
        /** Okta API scopes granted to the app (scopeId). */
        public final List<String> grantedScopes = new ArrayList<>();
    }

    /** A client secret or JSON Web Key of an app. */
    public static final class Credential {
        public String status = "ACTIVE";
        public String created = DEFAULT_CREATED;
        public String lastUpdated = DEFAULT_CREATED;
        /** For JSON Web Keys. */
        public String kid;
    }

    /** A user: its profile (login and any custom attribute) and the OAuth clients holding its refresh tokens. */
    public static final class User {
        public String status = "ACTIVE";
        public String created = DEFAULT_CREATED;
        public final Map<String, Object> profile = new LinkedHashMap<>();
        /** OAuth client id → number of refresh tokens the user holds for it. */
        public final Map<String, Integer> clientTokens = new LinkedHashMap<>();
        /** Open sessions (Okta shows them to nobody; the sandbox counts them). */
        public int sessions;
    }

    /** An API token's metadata. */
    public static final class ApiToken {
        public String name;
        public String userId;
        public String clientName = "Okta API";
        public String connection = "ANYWHERE";
        public final List<String> include = new ArrayList<>();
        public final List<String> exclude = new ArrayList<>();
        public String created = DEFAULT_CREATED;
        public String lastUpdated = DEFAULT_CREATED;
        public String expiresAt = "2024-02-09T08:00:00.000Z";
        public String tokenWindow = "P30D";
    }

    public final Map<String, App> apps = new LinkedHashMap<>();
    public final Map<String, User> users = new LinkedHashMap<>();
    public final Map<String, ApiToken> apiTokens = new LinkedHashMap<>();
    public final SandboxHooks hooks = new SandboxHooks();
    private volatile Set<String> authorizations = Set.of("SSWS " + TOKEN);

    /** One operation of the API: method, path pattern (groups are the path parameters) and operationId. */
    private record Route(String method, String path, String operation) {
        Pattern pattern() {
            return Pattern.compile(path);
        }
    }

    private static final String ID = "([^/]+)";
    private static final List<Route> ROUTES = List.of(
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/listApplications
            new Route("GET", "/api/v1/apps", "listApplications"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/#tag/Application/operation/getApplication
            new Route("GET", "/api/v1/apps/" + ID, "getApplication"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationLifecycle/#tag/ApplicationLifecycle/operation/activateApplication
            new Route("POST", "/api/v1/apps/" + ID + "/lifecycle/activate", "activateApplication"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationLifecycle/#tag/ApplicationLifecycle/operation/deactivateApplication
            new Route("POST", "/api/v1/apps/" + ID + "/lifecycle/deactivate", "deactivateApplication"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/listOAuth2ClientSecrets
            new Route("GET", "/api/v1/apps/" + ID + "/credentials/secrets", "listOAuth2ClientSecrets"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/getOAuth2ClientSecret
            new Route("GET", "/api/v1/apps/" + ID + "/credentials/secrets/" + ID, "getOAuth2ClientSecret"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/activateOAuth2ClientSecret
            new Route("POST", "/api/v1/apps/" + ID + "/credentials/secrets/" + ID + "/lifecycle/activate", "activateOAuth2ClientSecret"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/deactivateOAuth2ClientSecret
            new Route("POST", "/api/v1/apps/" + ID + "/credentials/secrets/" + ID + "/lifecycle/deactivate", "deactivateOAuth2ClientSecret"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/listJwk
            new Route("GET", "/api/v1/apps/" + ID + "/credentials/jwks", "listJwk"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/getJwk
            new Route("GET", "/api/v1/apps/" + ID + "/credentials/jwks/" + ID, "getJwk"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/activateOAuth2ClientJsonWebKey
            new Route("POST", "/api/v1/apps/" + ID + "/credentials/jwks/" + ID + "/lifecycle/activate", "activateOAuth2ClientJsonWebKey"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/#tag/ApplicationSSOCredentialOAuth2ClientAuth/operation/deactivateOAuth2ClientJsonWebKey
            new Route("POST", "/api/v1/apps/" + ID + "/credentials/jwks/" + ID + "/lifecycle/deactivate", "deactivateOAuth2ClientJsonWebKey"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationTokens/#tag/ApplicationTokens/operation/listOAuth2TokensForApplication
            new Route("GET", "/api/v1/apps/" + ID + "/tokens", "listOAuth2TokensForApplication"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationTokens/#tag/ApplicationTokens/operation/revokeOAuth2TokensForApplication
            new Route("DELETE", "/api/v1/apps/" + ID + "/tokens", "revokeOAuth2TokensForApplication"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationGrants/#tag/ApplicationGrants/operation/listScopeConsentGrants
            new Route("GET", "/api/v1/apps/" + ID + "/grants", "listScopeConsentGrants"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
            new Route("GET", "/api/v1/users", "listUsers"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/getUser
            new Route("GET", "/api/v1/users/" + ID, "getUser"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/suspendUser
            new Route("POST", "/api/v1/users/" + ID + "/lifecycle/suspend", "suspendUser"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/#tag/UserLifecycle/operation/unsuspendUser
            new Route("POST", "/api/v1/users/" + ID + "/lifecycle/unsuspend", "unsuspendUser"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserResources/#tag/UserResources/operation/listUserClients
            new Route("GET", "/api/v1/users/" + ID + "/clients", "listUserClients"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserOAuth/#tag/UserOAuth/operation/listRefreshTokensForUserAndClient
            new Route("GET", "/api/v1/users/" + ID + "/clients/" + ID + "/tokens", "listRefreshTokensForUserAndClient"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserSessions/#tag/UserSessions/operation/revokeUserSessions
            new Route("DELETE", "/api/v1/users/" + ID + "/sessions", "revokeUserSessions"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApiToken/#tag/ApiToken/operation/listApiTokens
            new Route("GET", "/api/v1/api-tokens", "listApiTokens"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApiToken/#tag/ApiToken/operation/getApiToken
            new Route("GET", "/api/v1/api-tokens/" + ID, "getApiToken"),
            // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApiToken/#tag/ApiToken/operation/revokeApiToken
            new Route("DELETE", "/api/v1/api-tokens/" + ID, "revokeApiToken"));

    /**
     * The {@code Authorization} header values the org accepts from now on, e.g. {@code SSWS <token>}
     * or {@code Bearer <access token>} of a service app; {@code SSWS} {@link #TOKEN} until then.
     */
    public void acceptAuthorizations(Set<String> values) {
        this.authorizations = Set.copyOf(values);
    }

    /** Forgets every app, user and API token: an empty org. */
    public synchronized void clear() {
        apps.clear();
        users.clear();
        apiTokens.clear();
    }

    /** Registers one stub per operation (see {@link #ROUTES} for the reference page of each). */
    public void stubOperations(WireMockServer server) {
        for (Route route : ROUTES) {
            server.stubFor(request(route.method(), urlPathMatching(route.path()))
                    .willReturn(aResponse().withTransformers(NAME).withTransformerParameter("operation", route.operation())));
        }
    }

    /**
     * An API client for {@code server} as the connector's factory builds one: SSWS token, the SDK's
     * cache off (it returns stale objects otherwise), no SDK retries, the given timeout.
     */
    public static ApiClient client(WireMockServer server, String token, int timeoutSeconds) {
        System.setProperty("okta.testing.disableHttpsCheck", "true"); // http://localhost, tests only
        return Clients.builder().setOrgUrl(server.baseUrl()).setClientCredentials(new TokenClientCredentials(token))
                .setCacheManager(Caches.newDisabledCacheManager()).setRetryMaxAttempts(0).setConnectionTimeout(timeoutSeconds).build();
    }

    /** "METHOD /path?query" of every request the server received, oldest first. */
    public static List<String> requests(WireMockServer server) {
        List<String> requests = new ArrayList<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            requests.add(0, event.getRequest().getMethod() + " " + event.getRequest().getUrl());
        }
        return requests;
    }

    /** The requests that are not GETs: the mutating calls, answered or faulted. */
    public static List<String> mutations(WireMockServer server) {
        return requests(server).stream().filter(r -> !r.startsWith("GET ")).toList();
    }

    /**
     * Everything the Okta admin console shows of one app, user or API token, flattened
     * ({@code app/0oa1/status}, {@code app/0oa1/clientSecret/ocs1/status}, {@code app/0oa1/refreshTokens},
     * {@code user/00u1/status}, {@code user/00u1/sessions}, {@code apiToken/00T1} …); empty when unknown.
     */
    public synchronized Map<String, String> consoleState(String id) {
        Map<String, String> state = new TreeMap<>();
        App app = apps.get(id);
        if (app != null) {
            state.put("app/" + id + "/status", app.status);
            app.secrets.forEach((s, c) -> state.put("app/" + id + "/clientSecret/" + s + "/status", c.status));
            app.jwks.forEach((k, c) -> state.put("app/" + id + "/jwk/" + k + "/status", c.status));
            state.put("app/" + id + "/refreshTokens", String.join(",", app.refreshTokens));
        }
        User user = users.get(id);
        if (user != null) {
            state.put("user/" + id + "/status", user.status);
            state.put("user/" + id + "/sessions", Integer.toString(user.sessions));
            user.clientTokens.forEach((c, n) -> state.put("user/" + id + "/client/" + c + "/tokens", Integer.toString(n)));
        }
        if (apiTokens.containsKey(id)) {
            state.put("apiToken/" + id, "present");
        }
        return state;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        LoggedRequest request = serveEvent.getRequest();
        String operation = serveEvent.getTransformerParameters().getString("operation");
        if (!authorizations.contains(String.valueOf(request.getHeader("Authorization")))) {
            return error(401, "E0000011", "Invalid token provided");
        }
        Route route = ROUTES.stream().filter(r -> r.operation().equals(operation)).findFirst().orElseThrow();
        Matcher path = route.pattern().matcher(URI.create(request.getUrl()).getPath());
        if (!path.matches()) {
            return error(404, "E0000022", "The endpoint does not support the provided HTTP method");
        }
        synchronized (this) {
            return hooks.apply(operation, answer(operation, path, request));
        }
    }

    private ResponseDefinition answer(String operation, Matcher path, LoggedRequest request) {
        String base = base(request);
        switch (operation) {
            case "listApplications": {
                String filter = query(request, "filter");
                if (filter != null && !filter.matches("name eq \"[^\"]+\"")) {
                    return error(400, "E0000031", "Invalid search criteria.");
                }
                String name = filter == null ? null : filter.substring("name eq \"".length(), filter.length() - 1);
                List<String> ids = new ArrayList<>(new java.util.TreeSet<>(apps.keySet()));
                ids.removeIf(id -> name != null && !apps.get(id).name.equals(name));
                return page(request, base, ids, 20, 200, id -> app(base, id, apps.get(id)));
            }
            case "getApplication":
                return apps.containsKey(path.group(1)) ? ok(app(base, path.group(1), apps.get(path.group(1))))
                        : notFound(path.group(1), "AppInstance");
            case "activateApplication":
            case "deactivateApplication": {
                App app = apps.get(path.group(1));
                if (app == null) {
                    return notFound(path.group(1), "AppInstance");
                }
                app.status = operation.startsWith("activate") ? "ACTIVE" : "INACTIVE";
                return ok(Map.of());
            }
            case "listOAuth2ClientSecrets":
            case "listJwk": {
                App app = apps.get(path.group(1));
                if (app == null) {
                    return notFound(path.group(1), "AppInstance");
                }
                boolean secrets = operation.equals("listOAuth2ClientSecrets");
                List<Object> list = new ArrayList<>();
                (secrets ? app.secrets : app.jwks).forEach((id, c) -> list.add(secrets ? secret(base, path.group(1), id, c) : jwk(base, path.group(1), id, c)));
                return ok(list);
            }
            case "getOAuth2ClientSecret":
            case "getJwk": {
                boolean secrets = operation.equals("getOAuth2ClientSecret");
                Credential c = credential(path.group(1), path.group(2), secrets);
                if (c == null) {
                    return notFound(path.group(2), secrets ? "OAuth2ClientSecret" : "JsonWebKey");
                }
                return ok(secrets ? secret(base, path.group(1), path.group(2), c) : jwk(base, path.group(1), path.group(2), c));
            }
            case "activateOAuth2ClientSecret":
            case "deactivateOAuth2ClientSecret":
            case "activateOAuth2ClientJsonWebKey":
            case "deactivateOAuth2ClientJsonWebKey": {
                boolean secrets = operation.endsWith("Secret");
                Credential c = credential(path.group(1), path.group(2), secrets);
                if (c == null) {
                    return notFound(path.group(2), secrets ? "OAuth2ClientSecret" : "JsonWebKey");
                }
                c.status = operation.startsWith("activate") ? "ACTIVE" : "INACTIVE";
                c.lastUpdated = "2024-06-01T12:00:00.000Z";
                return ok(secrets ? secret(base, path.group(1), path.group(2), c) : jwk(base, path.group(1), path.group(2), c));
            }
            case "listOAuth2TokensForApplication": {
                App app = apps.get(path.group(1));
                if (app == null) {
                    return notFound(path.group(1), "AppInstance");
                }
                List<String> ids = new ArrayList<>(new java.util.TreeSet<>(app.refreshTokens));
                return page(request, base, ids, 20, 200, id -> refreshToken(base, id, path.group(1), null));
            }
            case "revokeOAuth2TokensForApplication": {
                App app = apps.get(path.group(1));
                if (app == null) {
                    return notFound(path.group(1), "AppInstance");
                }
                app.refreshTokens.clear();
                return noContent();
            }
            case "listScopeConsentGrants": {
                App app = apps.get(path.group(1));
                if (app == null) {
                    return notFound(path.group(1), "AppInstance");
                }
                List<Object> grants = new ArrayList<>();
                for (String scope : app.grantedScopes) {
                    Map<String, Object> grant = new LinkedHashMap<>();
                    grant.put("id", "oag" + Math.abs(scope.hashCode()));
                    grant.put("status", "ACTIVE");
                    grant.put("created", DEFAULT_CREATED);
                    grant.put("createdBy", Map.of("id", "00uadmin", "type", "User"));
                    grant.put("lastUpdated", DEFAULT_CREATED);
                    grant.put("issuer", base);
                    grant.put("clientId", path.group(1));
                    grant.put("scopeId", scope);
                    grant.put("source", "ADMIN");
                    grant.put("_links", Map.of("app", Map.of("href", base + "/api/v1/apps/" + path.group(1))));
                    grants.add(grant);
                }
                return ok(grants);
            }
            case "listUsers": {
                String search = query(request, "search");
                List<String> ids = new ArrayList<>(new java.util.TreeSet<>(users.keySet()));
                if (search != null) {
                    Matcher m = Pattern.compile("profile\\.([A-Za-z0-9_]+) eq (\"([^\"]*)\"|true|false)").matcher(search);
                    if (!m.matches()) {
                        return error(400, "E0000031", "Invalid search criteria.");
                    }
                    String wanted = m.group(3) != null ? m.group(3) : m.group(2);
                    boolean quoted = m.group(3) != null;
                    ids.removeIf(id -> {
                        Object value = users.get(id).profile.get(m.group(1));
                        return value == null || (value instanceof Boolean) == quoted || !value.toString().equals(wanted);
                    });
                }
                return page(request, base, ids, 200, 200, id -> user(base, id, users.get(id)));
            }
            case "getUser":
                return users.containsKey(path.group(1)) ? ok(user(base, path.group(1), users.get(path.group(1))))
                        : notFound(path.group(1), "User");
            case "suspendUser":
            case "unsuspendUser": {
                User user = users.get(path.group(1));
                if (user == null) {
                    return notFound(path.group(1), "User");
                }
                boolean suspend = operation.equals("suspendUser");
                if (!user.status.equals(suspend ? "ACTIVE" : "SUSPENDED")) {
                    return error(400, "E0000001", "Api validation failed: " + (suspend ? "Cannot suspend a user that is not active"
                            : "Cannot unsuspend a user that is not suspended"));
                }
                user.status = suspend ? "SUSPENDED" : "ACTIVE";
                return ok(Map.of());
            }
            case "listUserClients": {
                User user = users.get(path.group(1));
                if (user == null) {
                    return notFound(path.group(1), "User");
                }
                List<Object> clients = new ArrayList<>();
                user.clientTokens.keySet().forEach(c -> clients.add(Map.of("client_id", c, "client_name", "client " + c,
                        "_links", Map.of("tokens", Map.of("href", base + "/api/v1/users/" + path.group(1) + "/clients/" + c + "/tokens")))));
                return ok(clients);
            }
            case "listRefreshTokensForUserAndClient": {
                User user = users.get(path.group(1));
                if (user == null) {
                    return notFound(path.group(1), "User");
                }
                int count = user.clientTokens.getOrDefault(path.group(2), 0);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ids.add(String.format("oar%s%03d", path.group(2), i));
                }
                return page(request, base, ids, 20, 200, id -> refreshToken(base, id, path.group(2), path.group(1)));
            }
            case "revokeUserSessions": {
                User user = users.get(path.group(1));
                if (user == null) {
                    return notFound(path.group(1), "User");
                }
                user.sessions = 0;
                if ("true".equals(query(request, "oauthTokens"))) {
                    user.clientTokens.replaceAll((c, n) -> 0);
                }
                return noContent();
            }
            case "listApiTokens": {
                List<String> ids = new ArrayList<>(new java.util.TreeSet<>(apiTokens.keySet()));
                return page(request, base, ids, API_TOKEN_PAGE, API_TOKEN_PAGE, id -> apiToken(base, id, apiTokens.get(id)), true);
            }
            case "getApiToken":
                return apiTokens.containsKey(path.group(1)) ? ok(apiToken(base, path.group(1), apiTokens.get(path.group(1))))
                        : notFound(path.group(1), "ApiToken");
            case "revokeApiToken":
                return apiTokens.remove(path.group(1)) != null ? noContent() : notFound(path.group(1), "ApiToken");
            default:
                throw new IllegalStateException("no answer for " + operation);
        }
    }

    private Credential credential(String appId, String id, boolean secret) {
        App app = apps.get(appId);
        return app == null ? null : (secret ? app.secrets : app.jwks).get(id);
    }

    private ResponseDefinition page(LoggedRequest request, String base, List<String> ids, int defaultLimit, int maxLimit,
                                    Function<String, Object> item) {
        return page(request, base, ids, defaultLimit, maxLimit, item, false);
    }

    /**
     * One page of {@code ids} (sorted) after {@code after}, {@code limit} long (capped at
     * {@code maxLimit}, or always {@code defaultLimit} when {@code fixedSize}), with Link headers.
     */
    private ResponseDefinition page(LoggedRequest request, String base, List<String> ids, int defaultLimit, int maxLimit,
                                    Function<String, Object> item, boolean fixedSize) {
        String after = query(request, "after");
        String limitText = query(request, "limit");
        int limit = fixedSize || limitText == null ? defaultLimit : Math.min(maxLimit, Integer.parseInt(limitText));
        List<String> remaining = ids.stream().filter(id -> after == null || id.compareTo(after) > 0).toList();
        List<Object> items = remaining.stream().limit(limit).map(item).toList();
        String path = URI.create(request.getUrl()).getPath();
        List<String> links = new ArrayList<>();
        links.add("<" + base + path + queryWith(request, after) + ">; rel=\"self\"");
        if (remaining.size() > limit) {
            links.add("<" + base + path + queryWith(request, remaining.get(limit - 1)) + ">; rel=\"next\"");
        }
        return new ResponseDefinitionBuilder().withStatus(200)
                .withHeaders(new HttpHeaders(new HttpHeader("Content-Type", "application/json"), new HttpHeader("Link", links)))
                .withBody(write(items)).build();
    }

    /** The request's query with {@code after} replaced (left out when null). */
    private static String queryWith(LoggedRequest request, String after) {
        StringBuilder query = new StringBuilder();
        for (String name : List.of("filter", "search", "limit")) {
            String value = query(request, name);
            if (value != null) {
                query.append(query.length() == 0 ? "?" : "&").append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        if (after != null) {
            query.append(query.length() == 0 ? "?" : "&").append("after=").append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    private static String query(LoggedRequest request, String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter == null || !parameter.isPresent() ? null : parameter.firstValue();
    }

    private static String base(LoggedRequest request) {
        URI uri = URI.create(request.getAbsoluteUrl());
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    // ---- bodies, shaped as the API reference's examples ----

    private static Map<String, Object> app(String base, String id, App app) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", app.name);
        json.put("label", app.label);
        json.put("status", app.status);
        json.put("lastUpdated", app.created);
        json.put("created", app.created);
        json.put("accessibility", Map.of("selfService", false));
        json.put("visibility", Map.of("autoSubmitToolbar", false, "hide", Map.of("iOS", true, "web", true)));
        json.put("features", List.of());
        json.put("signOnMode", app.signOnMode);
        if (!app.profile.isEmpty()) {
            json.put("profile", app.profile);
        }
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("admin", app.adminNotes);
        notes.put("enduser", null);
        if (app.signOnMode.equals("OPENID_CONNECT")) {
            json.put("credentials", Map.of("userNameTemplate", Map.of("template", "${source.login}", "type", "BUILT_IN"),
                    "oauthClient", Map.of("autoKeyRotation", true, "client_id", id, "token_endpoint_auth_method", "client_secret_basic")));
            json.put("settings", Map.of("app", Map.of(), "notes", notes,
                    "oauthClient", Map.of("redirect_uris", List.of(), "response_types", List.of("token"), "grant_types", app.grantTypes,
                            "application_type", app.applicationType, "consent_method", "REQUIRED", "issuer_mode", "ORG_URL")));
        } else {
            json.put("credentials", Map.of("userNameTemplate", Map.of("template", "${source.login}", "type", "BUILT_IN"),
                    "signing", Map.of("kid", "kid-" + id)));
            json.put("settings", Map.of("app", Map.of(), "notes", notes,
                    "signOn", Map.of("defaultRelayState", "", "ssoAcsUrl", base + "/sso/saml", "audience", "urn:" + id)));
        }
        json.put("_links", Map.of("self", Map.of("href", base + "/api/v1/apps/" + id),
                app.status.equals("ACTIVE") ? "deactivate" : "activate",
                Map.of("href", base + "/api/v1/apps/" + id + "/lifecycle/" + (app.status.equals("ACTIVE") ? "deactivate" : "activate"))));
        return json;
    }

    private static Map<String, Object> secret(String base, String appId, String id, Credential c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("status", c.status);
        json.put("client_secret", UNDISCLOSED + id); // an undisclosed (hashed) value outside creation
        json.put("secret_hash", "yk4SVx4sUWVJVbHt6M-UPA");
        json.put("created", c.created);
        json.put("lastUpdated", c.lastUpdated);
        json.put("_links", Map.of(c.status.equals("ACTIVE") ? "deactivate" : "activate", Map.of("href",
                base + "/api/v1/apps/" + appId + "/credentials/secrets/" + id + "/lifecycle/" + (c.status.equals("ACTIVE") ? "deactivate" : "activate"),
                "hints", Map.of("allow", List.of("POST")))));
        return json;
    }

    private static Map<String, Object> jwk(String base, String appId, String id, Credential c) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("status", c.status);
        json.put("created", c.created);
        json.put("lastUpdated", c.lastUpdated);
        json.put("kid", c.kid);
        json.put("kty", "RSA");
        json.put("alg", "RS256");
        json.put("use", "sig");
        json.put("e", "AQAB");
        json.put("n", "AJncrzOrouIZCSLa4mr_LX6hF2ykdZzUNGkqEBbbiKMPOChe_EwXlJQOjDUrR4OUBc");
        json.put("_links", Map.of("self", Map.of("href", base + "/api/v1/apps/" + appId + "/credentials/jwks/" + id)));
        return json;
    }

    private static Map<String, Object> refreshToken(String base, String id, String clientId, String userId) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("status", "ACTIVE");
        json.put("created", DEFAULT_CREATED);
        json.put("lastUpdated", DEFAULT_CREATED);
        json.put("expiresAt", "2024-03-10T08:00:00.000Z");
        json.put("issuer", base + "/oauth2/default");
        json.put("clientId", clientId);
        json.put("userId", userId);
        json.put("scopes", List.of("offline_access"));
        json.put("_links", Map.of("revoke", Map.of("href", base + "/api/v1/apps/" + clientId + "/tokens/" + id,
                "hints", Map.of("allow", List.of("DELETE")))));
        return json;
    }

    private static Map<String, Object> user(String base, String id, User user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("status", user.status);
        json.put("created", user.created);
        json.put("activated", user.created);
        json.put("statusChanged", user.created);
        json.put("lastLogin", null);
        json.put("lastUpdated", user.created);
        json.put("passwordChanged", user.created);
        json.put("type", Map.of("id", "otyfnjfba4ye7pgjB0g4"));
        json.put("profile", user.profile);
        json.put("credentials", Map.of("provider", Map.of("type", "OKTA", "name", "OKTA")));
        json.put("_links", Map.of("self", Map.of("href", base + "/api/v1/users/" + id)));
        return json;
    }

    private static Map<String, Object> apiToken(String base, String id, ApiToken token) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("clientName", token.clientName);
        json.put("created", token.created);
        json.put("expiresAt", token.expiresAt);
        json.put("id", id);
        json.put("lastUpdated", token.lastUpdated);
        json.put("name", token.name);
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("connection", token.connection);
        if (!token.include.isEmpty()) {
            network.put("include", token.include);
        }
        if (!token.exclude.isEmpty()) {
            network.put("exclude", token.exclude);
        }
        json.put("network", network);
        json.put("tokenWindow", token.tokenWindow);
        json.put("userId", token.userId);
        json.put("_link", Map.of("self", Map.of("href", base + "/api/v1/api-tokens/" + id, "hints", Map.of("allow", List.of("GET", "DELETE"))),
                "user", Map.of("href", base + "/api/v1/users/" + token.userId, "hints", Map.of("allow", List.of("GET")))));
        return json;
    }

    // ---- answers ----

    private static ResponseDefinition ok(Object body) {
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/json").withBody(write(body)).build();
    }

    private static ResponseDefinition noContent() {
        return new ResponseDefinitionBuilder().withStatus(204).build();
    }

    private static ResponseDefinition notFound(String id, String type) {
        return error(404, "E0000007", "Not found: Resource not found: " + id + " (" + type + ")");
    }

    /** An answer with Okta's error object. */
    public static ResponseDefinition error(int status, String code, String summary) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(errorBody(code, summary)).build();
    }

    /** Okta's error object (https://developer.okta.com/docs/reference/error-codes/). */
    public static String errorBody(String code, String summary) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("errorCode", code);
        body.put("errorSummary", summary);
        body.put("errorLink", code);
        body.put("errorId", "oae" + UUID.randomUUID().toString().replace("-", "").substring(0, 19));
        body.put("errorCauses", List.of());
        return write(body);
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

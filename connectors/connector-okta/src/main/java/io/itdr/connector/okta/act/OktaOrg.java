package io.itdr.connector.okta.act;

import com.okta.sdk.resource.api.ApiTokenApi;
import com.okta.sdk.resource.api.ApplicationApi;
import com.okta.sdk.resource.api.ApplicationSsoCredentialOAuth2ClientAuthApi;
import com.okta.sdk.resource.api.ApplicationTokensApi;
import com.okta.sdk.resource.api.UserApi;
import com.okta.sdk.resource.api.UserLifecycleApi;
import com.okta.sdk.resource.api.UserOAuthApi;
import com.okta.sdk.resource.api.UserResourcesApi;
import com.okta.sdk.resource.api.UserSessionsApi;
import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.model.ApiToken;
import com.okta.sdk.resource.model.Application;
import com.okta.sdk.resource.model.OAuth2Client;
import com.okta.sdk.resource.model.OAuth2ClientJsonWebKey;
import com.okta.sdk.resource.model.OAuth2ClientSecret;
import com.okta.sdk.resource.model.UserGetSingleton;
import io.itdr.connector.okta.OktaErrors;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.util.List;
import java.util.Optional;

/**
 * The Okta Management API calls that containment makes, each with the SDK's typed API and each
 * through {@link OktaErrors}, so every failure is a {@link ConnectorException} naming the call
 * ("POST /api/v1/apps/0oa1/lifecycle/deactivate: HTTP 404; E0000007: …"). No call here needs
 * {@code ApiClient.invokeAPI}: the 24.0.0 SDK has a typed method for each.
 *
 * <p>Reads must be fresh: the {@link ApiClient} must be built with the SDK's cache disabled
 * ({@code Caches.newDisabledCacheManager()}), or a read after a change returns the object as it was.
 * Thread-safe: the API objects hold only the shared client, whose HTTP client is thread-safe.
 */
final class OktaOrg {
    private final OktaErrors errors;
    private final ApplicationApi apps;
    private final ApplicationSsoCredentialOAuth2ClientAuthApi clientAuth;
    private final ApplicationTokensApi appTokens;
    private final UserApi users;
    private final UserLifecycleApi userLifecycle;
    private final UserResourcesApi userResources;
    private final UserOAuthApi userOAuth;
    private final UserSessionsApi userSessions;
    private final ApiTokenApi apiTokens;

    OktaOrg(ApiClient client, OktaErrors errors) {
        this.errors = errors;
        this.apps = new ApplicationApi(client);
        this.clientAuth = new ApplicationSsoCredentialOAuth2ClientAuthApi(client);
        this.appTokens = new ApplicationTokensApi(client);
        this.users = new UserApi(client);
        this.userLifecycle = new UserLifecycleApi(client);
        this.userResources = new UserResourcesApi(client);
        this.userOAuth = new UserOAuthApi(client);
        this.userSessions = new UserSessionsApi(client);
        this.apiTokens = new ApiTokenApi(client);
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/Application/

    Application app(String appId) {
        return present(errors.call("GET /api/v1/apps/" + appId, () -> apps.getApplication(appId, null)), "app " + appId);
    }

    void deactivateApp(String appId) {
        errors.run("POST /api/v1/apps/" + appId + "/lifecycle/deactivate", () -> apps.deactivateApplication(appId));
    }

    void activateApp(String appId) {
        errors.run("POST /api/v1/apps/" + appId + "/lifecycle/activate", () -> apps.activateApplication(appId));
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationSSOCredentialOAuth2ClientAuth/

    OAuth2ClientSecret secret(String appId, String secretId) {
        String what = "GET /api/v1/apps/" + appId + "/credentials/secrets/" + secretId;
        return present(errors.call(what, () -> clientAuth.getOAuth2ClientSecret(appId, secretId)), "client secret " + secretId);
    }

    void deactivateSecret(String appId, String secretId) {
        errors.call("POST /api/v1/apps/" + appId + "/credentials/secrets/" + secretId + "/lifecycle/deactivate",
                () -> clientAuth.deactivateOAuth2ClientSecret(appId, secretId));
    }

    void activateSecret(String appId, String secretId) {
        errors.call("POST /api/v1/apps/" + appId + "/credentials/secrets/" + secretId + "/lifecycle/activate",
                () -> clientAuth.activateOAuth2ClientSecret(appId, secretId));
    }

    OAuth2ClientJsonWebKey jwk(String appId, String keyId) {
        String what = "GET /api/v1/apps/" + appId + "/credentials/jwks/" + keyId;
        return present(errors.call(what, () -> clientAuth.getJwk(appId, keyId)), "JSON Web Key " + keyId);
    }

    void deactivateJwk(String appId, String keyId) {
        errors.call("POST /api/v1/apps/" + appId + "/credentials/jwks/" + keyId + "/lifecycle/deactivate",
                () -> clientAuth.deactivateOAuth2ClientJsonWebKey(appId, keyId));
    }

    void activateJwk(String appId, String keyId) {
        errors.call("POST /api/v1/apps/" + appId + "/credentials/jwks/" + keyId + "/lifecycle/activate",
                () -> clientAuth.activateOAuth2ClientJsonWebKey(appId, keyId));
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationTokens/

    /** Whether the app holds any refresh token (one is enough to know: limit=1). */
    boolean appHasRefreshTokens(String appId) {
        return !errors.call("GET /api/v1/apps/" + appId + "/tokens", () -> appTokens.listOAuth2TokensForApplication(appId, null, null, 1))
                .isEmpty();
    }

    void revokeAppTokens(String appId) {
        errors.run("DELETE /api/v1/apps/" + appId + "/tokens", () -> appTokens.revokeOAuth2TokensForApplication(appId));
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/

    UserGetSingleton user(String userId) {
        return present(errors.call("GET /api/v1/users/" + userId, () -> users.getUser(userId, null, null)), "user " + userId);
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserLifecycle/

    void suspendUser(String userId) {
        errors.run("POST /api/v1/users/" + userId + "/lifecycle/suspend", () -> userLifecycle.suspendUser(userId));
    }

    void unsuspendUser(String userId) {
        errors.run("POST /api/v1/users/" + userId + "/lifecycle/unsuspend", () -> userLifecycle.unsuspendUser(userId));
    }

    /**
     * Whether any OAuth client holds a refresh token of the user: the clients with grants or tokens
     * (UserResources listUserClients), then one token of each (UserOAuth, limit=1).
     */
    boolean userHasOAuthTokens(String userId) {
        List<OAuth2Client> clients = errors.call("GET /api/v1/users/" + userId + "/clients", () -> userResources.listUserClients(userId));
        for (OAuth2Client client : clients) {
            String clientId = client.getClientId();
            if (!errors.call("GET /api/v1/users/" + userId + "/clients/" + clientId + "/tokens",
                    () -> userOAuth.listRefreshTokensForUserAndClient(userId, clientId, null, null, 1)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/UserSessions/

    void revokeUserSessions(String userId) {
        errors.run("DELETE /api/v1/users/" + userId + "/sessions?oauthTokens=true", () -> userSessions.revokeUserSessions(userId, true));
    }

    // https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApiToken/

    /** The API token's metadata; empty when Okta does not know it (never issued, or revoked). */
    Optional<ApiToken> apiToken(String tokenId) {
        try {
            return Optional.ofNullable(errors.call("GET /api/v1/api-tokens/" + tokenId, () -> apiTokens.getApiToken(tokenId)));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    void revokeApiToken(String tokenId) {
        errors.run("DELETE /api/v1/api-tokens/" + tokenId, () -> apiTokens.revokeApiToken(tokenId));
    }

    /** An object read back must have a body: an empty 200 is no answer. */
    private static <T> T present(T value, String what) {
        if (value == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "Okta answered with no body for " + what);
        }
        return value;
    }
}

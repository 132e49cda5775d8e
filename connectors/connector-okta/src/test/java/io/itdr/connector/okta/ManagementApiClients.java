package io.itdr.connector.okta;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.cache.Caches;
import com.okta.sdk.client.Clients;
import com.okta.sdk.resource.client.ApiClient;

/**
 * Okta SDK clients for the Management API simulation (fixture-okta's ManagementApiSandbox). Here, not in
 * the fixture: a fixture answers any client and depends on no platform SDK.
 */
public final class ManagementApiClients {
    private ManagementApiClients() {
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
}

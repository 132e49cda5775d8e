package io.itdr.connector.okta;

import com.okta.commons.http.config.Proxy;
import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.cache.Caches;
import com.okta.sdk.client.AuthorizationMode;
import com.okta.sdk.client.ClientBuilder;
import com.okta.sdk.impl.client.DefaultClientBuilder;
import com.okta.sdk.impl.config.ClientConfiguration;
import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.client.Pair;
import com.okta.sdk.resource.client.auth.Authentication;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;

/**
 * The Okta Management SDK client of one connector: one {@link ApiClient} with the SDK's cache
 * disabled (it would answer reads with stale objects) and the SDK's retries off (the host retries,
 * with the wait Okta asked for).
 *
 * <p>Where calls go: the org URL, unless the host overrides the endpoint {@code "okta"}
 * ({@link HttpSettings#endpoint}), for a sandbox or a private endpoint; the org URL still names the
 * tenant. The org URL must be https (checked by {@link OktaSettings}). An override is passed to the
 * SDK as the org URL, and the SDK refuses a plain-http one unless its test switch
 * {@code okta.testing.disableHttpsCheck=true} is set (tests only): that refusal surfaces as
 * {@code CONFIG_INVALID} on the first call.
 *
 * <p>Timeouts come from the host: connect timeout to open a connection, request timeout for each
 * read of an answer; the proxy too. The SDK also reads {@code ~/.okta/okta.yaml}, {@code OKTA_*}
 * variables and {@code okta.*} system properties; the org URL, credentials, cache, retries and
 * timeouts are set explicitly, so those cannot change them (a proxy they name still applies when the
 * host sets none).
 *
 * <p>In private-key mode the SDK addresses its client assertion to {@code <endpoint>/oauth2/v1/token}:
 * Okta accepts that audience only for its own address, so an override in that mode must be an address
 * Okta answers as the org (a sandbox, or a private endpoint that keeps the org's host).
 *
 * <p>The client is built on first use, never in the constructor: in private-key mode the SDK fetches
 * an access token while building, and a connector must not call the platform when it is created.
 * Thread-safe. {@link #toString()} never shows a secret.
 */
public final class OktaClients implements AutoCloseable {
    /** The auth schemes of Okta's API spec, in the order the SDK's own API classes apply them. */
    private static final List<String> AUTH_NAMES = List.of("apiToken", "oauth2");

    private final OktaSettings settings;
    private final HttpSettings http;
    private final URI baseUrl;
    private final OktaErrors errors;
    private final Object lock = new Object();
    private volatile ApiClient client;
    private volatile boolean closed;

    /**
     * @param settings the org and how to sign in; never null
     * @param http     the host's timeouts, proxy and endpoint overrides; never null
     * @param errors   translates SDK failures; never null
     */
    public OktaClients(OktaSettings settings, HttpSettings http, OktaErrors errors) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.baseUrl = stripSlash(http.endpoint("okta").orElse(settings.orgUrl()));
    }

    /** Where calls go: the org URL or the host's override, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** The org this client reaches, as events name their tenant ("example.okta.com"). */
    public String org() {
        return settings.org();
    }

    /**
     * The SDK client, built on the first call (in private-key mode that fetches the first access token).
     *
     * @throws ConnectorException {@code CONFIG_INVALID} when the SDK refuses the settings (an http endpoint
     *         override, a key it cannot read); a translated failure when the token request fails
     */
    public ApiClient apiClient() {
        ApiClient built = client;
        if (built != null) {
            return built;
        }
        synchronized (lock) {
            if (closed) {
                throw new ConnectorException(ErrorCode.INTERNAL, "the Okta connector was closed");
            }
            if (client == null) {
                client = errors.call("sign in to " + settings.org(), this::build);
            }
            return client;
        }
    }

    /**
     * Hands the authorization header(s) of the configured sign-in to {@code header}: {@code SSWS <token>}, or a
     * current OAuth access token (fetched again by the SDK when it is about to expire).
     */
    public void authorize(BiConsumer<String, String> header) {
        ApiClient api = apiClient();
        Map<String, String> headers = new LinkedHashMap<>();
        errors.run("sign in to " + settings.org(), () -> {
            for (String name : AUTH_NAMES) {
                Authentication auth = api.getAuthentication(name);
                if (auth != null) {
                    List<Pair> query = new ArrayList<>();
                    auth.applyToParams(query, headers, new LinkedHashMap<>());
                }
            }
        });
        headers.forEach(header);
    }

    private ApiClient build() {
        ClientBuilder builder = new TimedClientBuilder(http.connectTimeout(), http.requestTimeout());
        try {
            builder.setOrgUrl(baseUrl.toString());
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.CONFIG_INVALID, "the Okta SDK refuses the endpoint " + baseUrl + ": " + e.getMessage()
                    + (baseUrl.getScheme().equals("http") ? " (plain http is for tests only, with okta.testing.disableHttpsCheck=true)" : ""));
        }
        builder.setCacheManager(Caches.newDisabledCacheManager()).setRetryMaxAttempts(0);
        if (http.proxy() != null) {
            builder.setProxy(proxy(http.proxy()));
        }
        if (settings.authMode() == OktaSettings.AuthMode.API_TOKEN) {
            builder.setAuthorizationMode(AuthorizationMode.SSWS)
                    .setClientCredentials(new TokenClientCredentials(settings.apiToken().reveal()));
        } else {
            builder.setAuthorizationMode(AuthorizationMode.PRIVATE_KEY)
                    .setClientId(settings.clientId())
                    .setScopes(Set.copyOf(settings.scopes()))
                    .setPrivateKey(settings.privateKeyPem());
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // the SDK's own checks of what it was given (e.g. a key it cannot parse); its messages quote no secret
            throw new ConnectorException(ErrorCode.CONFIG_INVALID, "the Okta SDK refuses the settings: " + e.getMessage());
        }
    }

    private static Proxy proxy(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null) {
            return new Proxy(uri.getHost(), port);
        }
        int colon = userInfo.indexOf(':');
        String user = URLDecoder.decode(colon < 0 ? userInfo : userInfo.substring(0, colon), StandardCharsets.UTF_8);
        String password = colon < 0 ? "" : URLDecoder.decode(userInfo.substring(colon + 1), StandardCharsets.UTF_8);
        return new Proxy(uri.getHost(), port, user, password);
    }

    private static URI stripSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            ApiClient built = client;
            client = null;
            if (built != null) {
                try {
                    built.getHttpClient().close();
                } catch (IOException ignored) {
                    // closing is best effort: the pool's sockets go with the JVM at worst
                }
            }
        }
    }

    @Override
    public String toString() {
        return "OktaClients[org=" + settings.orgUrl() + (baseUrl.equals(stripSlash(settings.orgUrl())) ? "" : ", endpoint=" + baseUrl)
                + ", auth=" + (settings.authMode() == OktaSettings.AuthMode.API_TOKEN ? "SSWS api token (****)"
                : "OAuth 2.0 private key JWT, client " + settings.clientId()) + "]";
    }

    /**
     * The SDK's builder with the host's timeouts to the millisecond: the SDK's own setting is one value in
     * whole seconds for connecting and for reading.
     */
    private static final class TimedClientBuilder extends DefaultClientBuilder {
        private final Timeout connect;
        private final Timeout read;

        TimedClientBuilder(Duration connect, Duration read) {
            this.connect = Timeout.ofMilliseconds(connect.toMillis());
            this.read = Timeout.ofMilliseconds(read.toMillis());
        }

        @Override
        protected RequestConfig.Builder createHttpRequestConfigBuilder(ClientConfiguration configuration) {
            return RequestConfig.custom().setResponseTimeout(read).setConnectionRequestTimeout(connect);
        }

        @Override
        protected PoolingHttpClientConnectionManagerBuilder createHttpClientConnectionManagerBuilder(ClientConfiguration configuration) {
            return PoolingHttpClientConnectionManagerBuilder.create()
                    .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect).setSocketTimeout(read).build());
        }
    }
}

package io.itdr.connector.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Reads Microsoft Graph (or Azure Resource Manager, whose errors and throttling have the same shape) with a bearer token from the configured Azure Identity credential, on the
 * JDK's HTTP client, and maps every failure to the standard codes
 * (https://learn.microsoft.com/en-us/graph/errors, https://learn.microsoft.com/en-us/graph/throttling):
 * 429 → THROTTLED with the {@code Retry-After} Graph sends (seconds or an HTTP date); 5xx, a dropped
 * connection → UNAVAILABLE; no answer within the request timeout → TIMEOUT; 401 or a refused token
 * request → AUTHENTICATION_FAILED; 403 → PERMISSION_DENIED; 404 → NOT_FOUND; another 4xx → INTERNAL (a request the connector should not have made). Nothing is
 * retried here: the host retries retriable errors on its own schedule.
 *
 * <p>Log pages are read as bytes, not through the Graph SDK's typed model, because rules match the
 * platform's raw record (SPI 1.1) and the service-principal sign-ins live on the beta endpoint only.
 * Thread-safe. Never logs or shows the token.
 */
public final class GraphHttp {
    /** The largest page accepted: Graph pages hold at most 1,000 sign-ins of a few kB each. */
    static final int MAX_PAGE_BYTES = 32 << 20;
    private static final String SCOPE_SUFFIX = "/.default";

    private final TokenCredential credential;
    private final String scope;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final Clock clock;
    private final String service;

    GraphHttp(TokenCredential credential, URI graphRoot, HttpSettings http, Clock clock) {
        this(credential, graphRoot, http, clock, "Microsoft Graph");
    }

    /** For another Azure REST service on the same terms: {@code service} names it in messages. */
    GraphHttp(TokenCredential credential, URI graphRoot, HttpSettings http, Clock clock, String service) {
        this.service = Objects.requireNonNull(service, "service");
        this.credential = Objects.requireNonNull(credential, "credential");
        this.scope = graphScope(graphRoot);
        this.requestTimeout = http.requestTimeout();
        this.clock = Objects.requireNonNull(clock, "clock");
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(http.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (http.proxy() != null) {
            builder.proxy(java.net.ProxySelector.of(new java.net.InetSocketAddress(http.proxy().getHost(), http.proxy().getPort())));
        }
        this.client = builder.build();
    }

    /** The token scope for the Graph root: https://graph.microsoft.com/.default, also when calls go to an override. */
    private static String graphScope(URI root) {
        return "https://" + root.getHost() + SCOPE_SUFFIX;
    }

    /**
     * GETs {@code url} and returns the body of a 200 answer, at most {@link #MAX_PAGE_BYTES}.
     *
     * @param what names the call in messages ("GET /beta/auditLogs/signIns"); never shows the query's secrets (it has none)
     * @throws ConnectorException with the standard code of the failure
     */
    public byte[] get(URI url, String what) {
        return send("GET", url, null, what);
    }

    /**
     * Sends {@code method} to {@code url} with the JSON {@code json} (null for none) and returns the body of a
     * 200, 201 or 204 answer (empty for 204). Not retried: a mutating call that timed out may have happened,
     * so the caller reads the state again before trying anew.
     */
    public byte[] send(String method, URI url, String json, String what) {
        String token = token();
        HttpRequest.Builder builder = HttpRequest.newBuilder(url).timeout(requestTimeout)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, java.nio.charset.StandardCharsets.UTF_8));
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpRequest request = builder
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                // https://learn.microsoft.com/en-us/graph/best-practices-concept#reliability-and-support: a client-request-id per call
                .header("client-request-id", java.util.UUID.randomUUID().toString())
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw GraphFailures.io(what, service, requestTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": interrupted", null, e);
        }
        int status = response.statusCode();
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_PAGE_BYTES + 1);
        } catch (HttpTimeoutException e) {
            throw ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": the answer did not arrive within " + requestTimeout, null, e);
        } catch (IOException e) {
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": the answer broke off: "
                    + JsonFields.clip(String.valueOf(e.getMessage()), 200), null, e);
        }
        if (status == 200 || status == 201 || status == 204) {
            if (body.length > MAX_PAGE_BYTES) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is larger than " + MAX_PAGE_BYTES + " bytes");
            }
            return body;
        }
        throw GraphFailures.status(what, status, errorCode(body), response.headers().firstValue("Retry-After").orElse(null), clock);
    }

    private String token() {
        try {
            AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(scope));
            if (token == null || token.getToken() == null) {
                throw new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, "Microsoft Entra issued no token for " + scope);
            }
            return token.getToken();
        } catch (ConnectorException e) {
            throw e;
        } catch (RuntimeException e) {
            ConnectorException mapped = GraphFailures.token(e, scope);
            throw mapped != null ? mapped : ConnectorException.retriable(ErrorCode.UNAVAILABLE, "no token for " + scope + ": "
                    + JsonFields.clip(GraphFailures.firstLine(e.getMessage()), 300), null, e);
        }
    }

    /** Graph's {@code error.code}, for messages; empty when the body has none. Never the whole body. */
    private static String errorCode(byte[] body) {
        String text = new String(body, 0, Math.min(body.length, 4096), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"code\"\\s*:\\s*\"([A-Za-z0-9_.]{1,80})\"").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** {@code Retry-After}: delta seconds or an HTTP date (RFC 9110 §10.2.3); 10 s when absent or unreadable. */
    Duration retryAfter(String value) {
        return GraphFailures.retryAfter(value, clock);
    }

    @Override
    public String toString() {
        return "GraphHttp[scope=" + scope + ", timeout=" + requestTimeout + "]";
    }
}

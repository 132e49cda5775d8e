package io.itdr.connector.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.Secret;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.gitlab4j.api.AbstractApi;
import org.gitlab4j.api.GitLabApiException;
import org.gitlab4j.models.Constants;

/**
 * org.gitlab4j:gitlab4j-api (6.2.0, on Jersey 3.1) for the calls the connector makes besides reading audit events:
 * users (get, block, unblock), project access tokens (get, revoke, rotate), deploy keys (get, enable, disable), and
 * the inventory's lists. The lists are paged by {@link #page} through gitlab4j's client (its token header, its error
 * reading) but read as JSON, not as gitlab4j's models: those drop the scopes they do not know (its deploy token
 * scopes are two of GitLab's seven, so a {@code write_registry} token would look read-only).
 *
 * <p>A failure leaves as the standard error the JDK calls would raise ({@link GitLabApi#failure}): gitlab4j's
 * exception carries the status, GitLab's message and the headers ({@code Retry-After}, {@code RateLimit-Reset}); a
 * failure without a status (no connection, no answer in time) is {@code UNAVAILABLE} or {@code TIMEOUT}, retriable.
 * The host's proxy and timeouts apply. The token goes into gitlab4j's {@code PRIVATE-TOKEN} header and nowhere
 * else. Thread-safe: gitlab4j's client is (a Jersey client).
 */
public final class GitLabLibrary implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jersey's ClientProperties.PROXY_URI, by name: the apache connector honours it. */
    private static final String PROXY_URI = "jersey.config.client.proxy.uri";
    /** Jersey's ApacheClientProperties.RETRY_HANDLER, by name. */
    private static final String RETRY_HANDLER = "jersey.config.apache.client.retryHandler";
    static final int PAGE_SIZE = 100;

    private final org.gitlab4j.api.GitLabApi client;
    private final GitLabApi rest;
    private final ConnectorMetrics metrics;
    private final Pages pages;

    /**
     * @param baseUrl the instance's URL (https://gitlab.com or a self-managed host); never null
     * @param rest    how a failed status reads; never null
     */
    public GitLabLibrary(URI baseUrl, Secret token, HttpSettings http, ConnectorMetrics metrics, GitLabApi rest) {
        Map<String, Object> properties = new HashMap<>();
        // gitlab4j picks Jersey's Apache connector only when this key is given; without it Jersey's default connector
        // (HttpURLConnection) would log every request header, the token included, to the JDK's FINE log. A null value
        // selects the connector and sets no proxy.
        properties.put(PROXY_URI, http.proxy() == null ? null : http.proxy().toString());
        // Apache HttpClient would resend a request whose connection broke, up to three times: the engine decides
        // about retries (a change's effect is reconciled with verify, never blindly repeated)
        properties.put(RETRY_HANDLER, (org.apache.http.client.HttpRequestRetryHandler) (exception, count, context) -> false);
        String base = baseUrl.toString();
        this.client = new org.gitlab4j.api.GitLabApi(base.endsWith("/") ? base.substring(0, base.length() - 1) : base,
                Constants.TokenType.PRIVATE, token.reveal(), null, properties);
        client.setRequestTimeout(millis(http.connectTimeout()), millis(http.requestTimeout()));
        client.setUserAgentHeader("itdr-connector-gitlab");
        this.rest = Objects.requireNonNull(rest, "rest");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.pages = new Pages(client);
    }

    /** A call to gitlab4j that may throw its checked exception. */
    @FunctionalInterface
    public interface Call<T> {
        T run(org.gitlab4j.api.GitLabApi gitlab) throws GitLabApiException;
    }

    /** One page of a list: its items as GitLab wrote them, and whether {@code X-Next-Page} names another. */
    public record Page(List<JsonNode> items, boolean more) {
    }

    /**
     * Runs {@code call}; a failure leaves as the standard error, its message starting with {@code what}
     * ("METHOD /path" with placeholders).
     */
    public <T> T call(String what, Call<T> call) {
        try {
            T result = call.run(client);
            count("ok");
            return result;
        } catch (GitLabApiException e) {
            throw failure(what, e);
        } catch (ProcessingException e) {
            throw transport(what, e);
        }
    }

    /**
     * {@code GET /api/v4/<path>?per_page=100&page=<page>}: one page of a list, e.g.
     * {@code page("GET /groups/:id/access_tokens", 1, "groups", id, "access_tokens")}.
     */
    public Page page(String what, int page, Object... path) {
        return call(what, gitlab -> {
            Response response = pages.list(page, path);
            String body = response.readEntity(String.class);
            JsonNode list;
            try {
                list = JSON.readTree(body);
            } catch (IOException e) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not JSON");
            }
            if (list == null || !list.isArray()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": expected an array");
            }
            List<JsonNode> items = new ArrayList<>();
            list.forEach(items::add);
            String next = response.getHeaderString("X-Next-Page");
            return new Page(items, next != null && !next.isBlank());
        });
    }

    private ConnectorException failure(String what, GitLabApiException e) {
        if (e.getHttpStatus() <= 0) {
            return transport(what, e);
        }
        count(Integer.toString(e.getHttpStatus()));
        Map<String, List<String>> headers = new HashMap<>();
        if (e.getHeaders() != null) {
            e.getHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        }
        return rest.failed(what, e.getHttpStatus(), HttpHeaders.of(headers, (k, v) -> true), e.getMessage());
    }

    private ConnectorException transport(String what, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            // an answer came but could not be read: not JSON, or a content type with no reader (an HTML error page)
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException || t instanceof jakarta.ws.rs.client.ResponseProcessingException
                    || t.getClass().getName().equals("org.glassfish.jersey.message.internal.MessageBodyProviderNotFoundException")) {
                count("malformed");
                return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer could not be read ("
                        + t.getClass().getSimpleName() + ")", e);
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                count("timeout");
                // for a change the effect is unknown: the engine reconciles with verify, never blindly retries
                return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no answer in time", null, e);
            }
        }
        count("io-error");
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": " + root.getClass().getSimpleName(), null, e);
    }

    private void count(String outcome) {
        TelemetryMetrics.apiCall(metrics, outcome);
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "GitLabLibrary[gitlab4j " + client.getGitLabServerUrl() + "]";
    }

    /** gitlab4j's GET with paging parameters, for lists it has no (or only a model-reading) method for. */
    private static final class Pages extends AbstractApi {
        Pages(org.gitlab4j.api.GitLabApi client) {
            super(client);
        }

        Response list(int page, Object... path) throws GitLabApiException {
            MultivaluedHashMap<String, String> query = new MultivaluedHashMap<>();
            query.putSingle("per_page", Integer.toString(PAGE_SIZE));
            query.putSingle("page", Integer.toString(page));
            return get(Response.Status.OK, query, path);
        }
    }
}

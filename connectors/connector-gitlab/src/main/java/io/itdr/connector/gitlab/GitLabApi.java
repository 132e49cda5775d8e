package io.itdr.connector.gitlab;

import io.itdr.connector.support.RestEndpoint;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GitLab's REST API ({@code /api/v4}) over connector-support's {@link RestEndpoint}, for the calls the connector
 * makes without gitlab4j: audit events (read as raw JSON, which rules match and gitlab4j's model would trim) and
 * group service accounts (no gitlab4j method). How GitLab's failures read
 * (https://docs.gitlab.com/api/rest/troubleshooting/#status-codes, https://docs.gitlab.com/security/rate_limits/):
 * {@link #failure}. The token goes into the {@code PRIVATE-TOKEN} header and nowhere else. Thread-safe.
 */
public final class GitLabApi {
    private final RestEndpoint endpoint;
    private final Clock clock;

    /**
     * @param apiUrl  the instance's base URL; never null
     * @param http    the host's timeouts and proxy; never null
     * @param metrics where calls are counted; never null
     * @param clock   "now", to turn {@code RateLimit-Reset} into a wait; never null
     */
    public GitLabApi(URI apiUrl, HttpSettings http, ConnectorMetrics metrics, Clock clock) {
        this.clock = clock;
        this.endpoint = new RestEndpoint(apiUrl, http, metrics, Map.of("Accept", "application/json",
                "User-Agent", "itdr-connector-gitlab"), "PRIVATE-TOKEN", this::failure);
    }

    public String baseUrl() {
        return endpoint.baseUrl();
    }

    /** A path segment or query value, URL-encoded. */
    public static String encode(String value) {
        return RestEndpoint.encode(value);
    }

    /**
     * Sends one request and returns a success answer, its body unread.
     *
     * @param authorization the {@code PRIVATE-TOKEN} header value; never logged
     * @throws ConnectorException with the standard code of the failure
     */
    public RestEndpoint.Answer send(String method, String pathAndQuery, Supplier<String> authorization, String jsonBody) {
        return endpoint.send(method, pathAndQuery, authorization, jsonBody);
    }

    /** Sends a request whose answer is small, and returns its body as text (empty for 204). */
    public String sendForText(String method, String pathAndQuery, Supplier<String> authorization, String jsonBody) {
        return endpoint.sendForText(method, pathAndQuery, authorization, jsonBody);
    }

    /**
     * 429 → {@code THROTTLED}, waiting what {@code Retry-After} says, else until {@code RateLimit-Reset} (epoch seconds);
     * 401 → {@code AUTHENTICATION_FAILED}; 403 → {@code PERMISSION_DENIED}; 404 → {@code NOT_FOUND}; 409, 422 →
     * {@code CONFLICT}; 5xx → {@code UNAVAILABLE}. Also how gitlab4j's failures are read ({@link GitLabLibrary}).
     */
    public ConnectorException failure(String call, int status, HttpHeaders headers, String body) {
        return failed(call, status, headers, RestEndpoint.errorMessage(body, "message", "error"));
    }

    /** {@link #failure} when the message was already read from the body (gitlab4j reads it). */
    ConnectorException failed(String call, int status, HttpHeaders headers, String message) {
        String what = call + ": HTTP " + status + (message == null ? "" : ": " + message);
        if (status == 429) {
            return ConnectorException.retriable(ErrorCode.THROTTLED, what, RestEndpoint.wait(headers, "ratelimit-reset", clock), null);
        }
        return switch (status) {
            case 401 -> new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + " (GitLab refused the token)");
            case 403 -> new ConnectorException(ErrorCode.PERMISSION_DENIED, what + " (the token lacks a scope or role; see the "
                    + "connector's README)");
            case 404 -> new ConnectorException(ErrorCode.NOT_FOUND, what);
            case 409, 422 -> new ConnectorException(ErrorCode.CONFLICT, what);
            default -> status >= 500
                    ? ConnectorException.retriable(ErrorCode.UNAVAILABLE, what, RestEndpoint.wait(headers, "ratelimit-reset", clock), null)
                    : new ConnectorException(ErrorCode.INTERNAL, what + ": unexpected answer");
        };
    }

    /** Reads a body that streams, turning a transport failure into the unchecked form the normalizer passes through. */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }

    @Override
    public String toString() {
        return "GitLabApi[" + endpoint.baseUrl() + "]";
    }
}

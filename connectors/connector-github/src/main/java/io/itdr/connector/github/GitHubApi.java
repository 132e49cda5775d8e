package io.itdr.connector.github;

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
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * GitHub's REST API over connector-support's {@link RestEndpoint}: the calls org.kohsuke:github-api has no method
 * for (the audit logs, the app's installation token, the org's app installations, fine-grained token grants, Actions
 * settings, custom properties), and the transport github-api itself is given ({@link GitHubLibrary}), so both fail
 * alike. How GitHub's failures read
 * (https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api,
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit):
 * <ul>
 *   <li>429, or 403 with {@code x-ratelimit-remaining: 0}, a {@code retry-after}, or a message saying
 *       "rate limit" (primary and secondary rate limits) → {@code THROTTLED}, waiting what
 *       {@code retry-after} says, else until {@code x-ratelimit-reset} (epoch seconds);</li>
 *   <li>other 403 → {@code PERMISSION_DENIED}; 401 → {@code AUTHENTICATION_FAILED}; 404 → {@code NOT_FOUND}
 *       (GitHub also answers 404 to a caller who may not see the resource);</li>
 *   <li>5xx and dropped connections → {@code UNAVAILABLE}; no answer in time → {@code TIMEOUT}.</li>
 * </ul>
 * Credentials go into the {@code Authorization} header and nowhere else. Thread-safe.
 */
public final class GitHubApi {
    /** The REST API version these calls are written against (https://docs.github.com/en/rest/about-the-rest-api/api-versions). */
    static final String API_VERSION = "2022-11-28";

    private final RestEndpoint endpoint;
    private final Clock clock;

    /**
     * @param apiUrl  the REST API's base URL (a path such as /api/v3 is kept); never null
     * @param http    the host's timeouts and proxy; never null
     * @param metrics where calls are counted; never null
     * @param clock   "now", to turn {@code x-ratelimit-reset} into a wait; never null
     */
    public GitHubApi(URI apiUrl, HttpSettings http, ConnectorMetrics metrics, Clock clock) {
        this.clock = clock;
        this.endpoint = new RestEndpoint(apiUrl, http, metrics, Map.of("Accept", "application/vnd.github+json",
                "X-GitHub-Api-Version", API_VERSION, "User-Agent", "itdr-connector-github"), "Authorization", this::failure);
    }

    public String baseUrl() {
        return endpoint.baseUrl();
    }

    /** The transport, for github-api ({@link GitHubLibrary}). */
    RestEndpoint endpoint() {
        return endpoint;
    }

    /** A path segment or query value, URL-encoded. */
    public static String encode(String value) {
        return RestEndpoint.encode(value);
    }

    /**
     * Sends one request and returns a success answer, its body unread.
     *
     * @param authorization the {@code Authorization} header value; never logged
     * @throws ConnectorException with the standard code of the failure
     * @see RestEndpoint#send
     */
    public RestEndpoint.Answer send(String method, String pathAndQuery, Supplier<String> authorization, String jsonBody) {
        return endpoint.send(method, pathAndQuery, authorization, jsonBody);
    }

    /** Sends a request whose answer is small, and returns its body as text (empty for 204). */
    public String sendForText(String method, String pathAndQuery, Supplier<String> authorization, String jsonBody) {
        return endpoint.sendForText(method, pathAndQuery, authorization, jsonBody);
    }

    ConnectorException failure(String call, int status, HttpHeaders headers, String body) {
        String message = RestEndpoint.errorMessage(body, "message");
        String what = call + ": HTTP " + status + (message == null ? "" : ": " + message);
        boolean rateLimited = status == 429 || status == 403 && (headers.firstValue("retry-after").isPresent()
                || headers.firstValue("x-ratelimit-remaining").map(String::trim).filter("0"::equals).isPresent()
                || message != null && message.toLowerCase(Locale.ROOT).contains("rate limit"));
        if (rateLimited) {
            return ConnectorException.retriable(ErrorCode.THROTTLED, what, RestEndpoint.wait(headers, "x-ratelimit-reset", clock), null);
        }
        return switch (status) {
            case 401 -> new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + " (GitHub refused the credentials)");
            case 403 -> new ConnectorException(ErrorCode.PERMISSION_DENIED, what + " (the token or app lacks a permission; see the "
                    + "connector's README)");
            case 404 -> new ConnectorException(ErrorCode.NOT_FOUND, what);
            case 409, 422 -> new ConnectorException(ErrorCode.CONFLICT, what);
            default -> status >= 500
                    ? ConnectorException.retriable(ErrorCode.UNAVAILABLE, what, RestEndpoint.wait(headers, "x-ratelimit-reset", clock), null)
                    : new ConnectorException(ErrorCode.INTERNAL, what + ": unexpected answer");
        };
    }

    /** Reads a body that streams, turning a transport failure into the unchecked form the normalizer passes through. */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }

    @Override
    public String toString() {
        return "GitHubApi[" + endpoint.baseUrl() + "]";
    }
}

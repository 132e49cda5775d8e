package io.itdr.connector.gitlab;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * GitLab's REST API ({@code /api/v4}) over the JDK's {@link HttpClient}. Every failure leaves as a
 * {@link ConnectorException} with its standard code, as GitLab documents them
 * (https://docs.gitlab.com/api/rest/troubleshooting/#status-codes, https://docs.gitlab.com/security/rate_limits/):
 * 429 → {@code THROTTLED}, waiting what {@code Retry-After} says, else until {@code RateLimit-Reset} (epoch
 * seconds); 401 → {@code AUTHENTICATION_FAILED}; 403 → {@code PERMISSION_DENIED}; 404 → {@code NOT_FOUND};
 * 5xx and dropped connections → {@code UNAVAILABLE}; no answer in time → {@code TIMEOUT}. The token goes
 * into the {@code PRIVATE-TOKEN} header and nowhere else. Thread-safe: the JDK client is.
 */
public final class GitLabApi {
    private static final int MAX_ERROR_BODY = 16 * 1024;
    private static final System.Logger LOG = System.getLogger(GitLabApi.class.getName());

    private final HttpClient client;
    private final String baseUrl;
    private final Duration timeout;
    private final ConnectorMetrics metrics;
    private final Clock clock;

    /**
     * @param apiUrl  the REST API's base URL (a path such as /api/v3 is kept); never null
     * @param http    the host's timeouts and proxy; never null
     * @param metrics where calls are counted; never null
     * @param clock   "now", to turn {@code x-ratelimit-reset} into a wait; never null
     */
    public GitLabApi(URI apiUrl, HttpSettings http, ConnectorMetrics metrics, Clock clock) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(http.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (http.proxy() != null) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(http.proxy().getHost(), http.proxy().getPort())));
        }
        this.client = builder.build();
        String base = apiUrl.toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = http.requestTimeout();
        this.metrics = metrics;
        this.clock = clock;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** A path segment or query value, URL-encoded. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An answer with a success status; the body is open until read or closed. */
    public record Answer(int status, java.net.http.HttpHeaders headers, InputStream body) {
    }

    /**
     * Sends one request and returns a success answer, its body unread.
     *
     * @param method        GET, POST, PUT, PATCH or DELETE
     * @param pathAndQuery  appended to the base URL, starting with "/"
     * @param authorization the {@code PRIVATE-TOKEN} header value; never logged
     * @param jsonBody      a JSON body, or null for none
     * @throws ConnectorException with the standard code of the failure
     */
    public Answer send(String method, String pathAndQuery, Supplier<String> authorization, String jsonBody) {
        String call = method + " " + pathOnly(pathAndQuery);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "itdr-connector-gitlab")
                .header("PRIVATE-TOKEN", authorization.get())
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            count("timeout");
            // for a change the effect is unknown: the engine reconciles with verify, never blindly retries
            throw ConnectorException.retriable(ErrorCode.TIMEOUT, call + ": no answer within " + timeout, null, e);
        } catch (IOException e) {
            count("io-error");
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, call + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, call + ": interrupted", null, e);
        }
        int status = response.statusCode();
        count(Integer.toString(status));
        LOG.log(System.Logger.Level.DEBUG, "{0} -> {1}", call, status);
        if (status >= 200 && status < 300) {
            return new Answer(status, response.headers(), response.body());
        }
        String body;
        try (InputStream in = response.body()) {
            body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        } catch (IOException e) {
            body = "";
        }
        throw failure(call, status, response.headers(), body);
    }

    /** Sends a request whose answer is small, and returns its body as text (empty for 204). */
    public String sendForText(String method, String pathAndQuery, Supplier<String> authorization, String jsonBody) {
        Answer answer = send(method, pathAndQuery, authorization, jsonBody);
        try (InputStream in = answer.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (HttpTimeoutException e) {
            throw ConnectorException.retriable(ErrorCode.TIMEOUT, method + " " + pathOnly(pathAndQuery) + ": the answer stopped", null, e);
        } catch (IOException e) {
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, method + " " + pathOnly(pathAndQuery) + ": " + e, null, e);
        }
    }

    ConnectorException failure(String call, int status, java.net.http.HttpHeaders headers, String body) {
        String message = message(body);
        String what = call + ": HTTP " + status + (message == null ? "" : ": " + message);
        if (status == 429) {
            return ConnectorException.retriable(ErrorCode.THROTTLED, what, wait(headers), null);
        }
        return switch (status) {
            case 401 -> new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + " (GitLab refused the token)");
            case 403 -> new ConnectorException(ErrorCode.PERMISSION_DENIED, what + " (the token lacks a scope or role; see the "
                    + "connector's README)");
            case 404 -> new ConnectorException(ErrorCode.NOT_FOUND, what);
            case 409, 422 -> new ConnectorException(ErrorCode.CONFLICT, what);
            default -> status >= 500 ? ConnectorException.retriable(ErrorCode.UNAVAILABLE, what, wait(headers), null)
                    : new ConnectorException(ErrorCode.INTERNAL, what + ": unexpected answer");
        };
    }

    /** {@code Retry-After} seconds, else the time until {@code RateLimit-Reset}; null when neither says. */
    private Duration wait(java.net.http.HttpHeaders headers) {
        Optional<Long> retryAfter = number(headers, "retry-after");
        if (retryAfter.isPresent() && retryAfter.get() >= 0) {
            return Duration.ofSeconds(retryAfter.get());
        }
        Optional<Long> reset = number(headers, "ratelimit-reset");
        if (reset.isPresent()) {
            Duration until = Duration.between(clock.instant(), Instant.ofEpochSecond(reset.get()));
            return until.isNegative() ? Duration.ZERO : until;
        }
        return null;
    }

    private static Optional<Long> number(java.net.http.HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(String::trim).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** GitLab's error body {"message": "..."} (or {"error": "..."}): the message, clipped; null when there is none. */
    private static String message(String body) {
        int key = body.indexOf("\"message\"");
        if (key < 0) {
            key = body.indexOf("\"error\"");
        }
        if (key < 0) {
            return null;
        }
        int colon = body.indexOf(':', key);
        int open = colon < 0 ? -1 : body.indexOf('"', colon);
        if (open < 0) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = open + 1; i < body.length() && b.length() < 200; i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                b.append(body.charAt(++i));
            } else if (c == '"') {
                break;
            } else {
                b.append(Character.isISOControl(c) ? '?' : c);
            }
        }
        return b.toString();
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private void count(String outcome) {
        metrics.increment("gitlab.api.calls", Map.of("outcome", outcome), 1);
    }

    /** Reads a body that streams, turning a transport failure into the unchecked form the normalizer passes through. */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }

    @Override
    public String toString() {
        return "GitLabApi[" + baseUrl + "]";
    }
}

package io.itdr.connector.support;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One platform's REST API over the JDK's {@link HttpClient}, for the calls no vendor client makes (and as the
 * transport a vendor client is given, where it takes one). What every connector would otherwise copy: the host's
 * timeouts and proxy, no redirects, a count per outcome, transport failures as standard codes (no answer in time →
 * {@code TIMEOUT}, a dropped or refused connection → {@code UNAVAILABLE}, both retriable), and a failed status
 * handed to the platform's own {@link Failures} with at most 16 KiB of its body. The credential goes into the
 * header the caller names and nowhere else: never into a message or a log line. Thread-safe: the JDK client is.
 */
public final class RestEndpoint {
    private static final int MAX_ERROR_BODY = 16 * 1024;
    private static final System.Logger LOG = System.getLogger(RestEndpoint.class.getName());

    /** How a platform reads a failed answer: its status, headers and the start of its body, as a standard error. */
    @FunctionalInterface
    public interface Failures {
        /**
         * @param call   "METHOD /path" (no query), for the message
         * @param status the HTTP status, 300 or more
         * @return the error to throw; never null
         */
        ConnectorException of(String call, int status, HttpHeaders headers, String body);
    }

    /** An answer with a success status; the body is open until read or closed. */
    public record Answer(int status, HttpHeaders headers, InputStream body) {
    }

    private final HttpClient client;
    private final String baseUrl;
    private final Duration timeout;
    private final ConnectorMetrics metrics;
    private final Map<String, String> fixedHeaders;
    private final String credentialHeader;
    private final Failures failures;

    /**
     * @param baseUrl          the API's base URL (a path such as /api/v3 is kept); never null
     * @param http             the host's timeouts and proxy; never null
     * @param fixedHeaders     sent with every call (Accept, User-Agent, an API version); never null
     * @param credentialHeader the header the credential goes into, e.g. {@code Authorization} or {@code PRIVATE-TOKEN}
     * @param failures         the platform's reading of a failed status; never null
     */
    public RestEndpoint(URI baseUrl, HttpSettings http, ConnectorMetrics metrics, Map<String, String> fixedHeaders,
                        String credentialHeader, Failures failures) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(http.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (http.proxy() != null) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(http.proxy().getHost(), http.proxy().getPort())));
        }
        this.client = builder.build();
        String base = baseUrl.toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = http.requestTimeout();
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.fixedHeaders = Map.copyOf(fixedHeaders);
        this.credentialHeader = Objects.requireNonNull(credentialHeader, "credentialHeader");
        this.failures = Objects.requireNonNull(failures, "failures");
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The per-request timeout from the host's settings. */
    public Duration timeout() {
        return timeout;
    }

    /** A path segment or query value, URL-encoded. */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends one request to {@code baseUrl + pathAndQuery} and returns a success answer, its body unread.
     *
     * @param method       GET, POST, PUT, PATCH or DELETE
     * @param pathAndQuery appended to the base URL, starting with "/"
     * @param credential   the credential header's value; never logged
     * @param jsonBody     a JSON body, or null for none
     * @throws ConnectorException with the standard code of the failure
     */
    public Answer send(String method, String pathAndQuery, Supplier<String> credential, String jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .header(credentialHeader, credential.get())
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        fixedHeaders.forEach(request::setHeader);
        return exchange(request, method + " " + pathOnly(pathAndQuery));
    }

    /**
     * Sends a request a caller built (a vendor client's, with its own headers and credential); the host's timeout
     * is added here, the fixed headers are not. A failed status leaves as the platform's {@link Failures}, its body read and closed.
     *
     * @param call "METHOD /path", for messages and logs
     */
    public Answer exchange(HttpRequest.Builder request, String call) {
        request.timeout(timeout);
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
        throw failures.of(call, status, response.headers(), body);
    }

    /** Sends a request whose answer is small, and returns its body as text (empty for 204). */
    public String sendForText(String method, String pathAndQuery, Supplier<String> credential, String jsonBody) {
        Answer answer = send(method, pathAndQuery, credential, jsonBody);
        String call = method + " " + pathOnly(pathAndQuery);
        try (InputStream in = answer.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (HttpTimeoutException e) {
            throw ConnectorException.retriable(ErrorCode.TIMEOUT, call + ": the answer stopped", null, e);
        } catch (IOException e) {
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, call + ": " + e, null, e);
        }
    }

    /**
     * How long a throttled caller should wait: {@code Retry-After} seconds, else the time until the epoch second in
     * {@code resetHeader} ({@code x-ratelimit-reset} on GitHub, {@code RateLimit-Reset} on GitLab); null when neither says.
     */
    public static Duration wait(HttpHeaders headers, String resetHeader, Clock clock) {
        Optional<Long> retryAfter = number(headers, "retry-after");
        if (retryAfter.isPresent() && retryAfter.get() >= 0) {
            return Duration.ofSeconds(retryAfter.get());
        }
        Optional<Long> reset = number(headers, resetHeader);
        if (reset.isPresent()) {
            Duration until = Duration.between(clock.instant(), Instant.ofEpochSecond(reset.get()));
            return until.isNegative() ? Duration.ZERO : until;
        }
        return null;
    }

    /**
     * The first of {@code keys} in an error body such as {"message": "..."}: its string value, clipped to 200
     * characters with control characters replaced; null when none is there. Tolerant: the body may not be JSON.
     */
    public static String errorMessage(String body, String... keys) {
        int key = -1;
        for (String k : keys) {
            key = body.indexOf("\"" + k + "\"");
            if (key >= 0) {
                break;
            }
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

    /** A header's value as a number, empty when it is absent or not a number. */
    public static Optional<Long> number(HttpHeaders headers, String name) {
        try {
            return headers.firstValue(name).map(String::trim).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private void count(String outcome) {
        TelemetryMetrics.apiCall(metrics, outcome);
    }

    @Override
    public String toString() {
        return "RestEndpoint[" + baseUrl + "]";
    }
}

package io.itdr.connector.example;

import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The example platform's HTTP API (API.md), over the JDK's {@link HttpClient}. Every failure
 * leaves here as a {@link ConnectorException} with its standard code (API.md §2); the token goes
 * into the Authorization header and nowhere else. Thread-safe: the JDK client is.
 */
final class ExampleApi {
    /** API.md §3 and §5: the largest {@code limit} a list call accepts. */
    static final int MAX_PAGE = 1000;

    private static final System.Logger LOG = System.getLogger(ExampleApi.class.getName());

    private final HttpClient client;
    private final String baseUrl;
    private final Secret token;
    private final Duration timeout;
    private final ConnectorMetrics metrics;

    ExampleApi(URI baseUrl, Secret token, Duration connectTimeout, Duration timeout, URI proxy, ConnectorMetrics metrics) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(connectTimeout);
        if (proxy != null) {
            builder.proxy(ProxySelector.of(new InetSocketAddress(proxy.getHost(), proxy.getPort())));
        }
        this.client = builder.build();
        // Paths are appended, so a base URL with a path prefix (https://host/example) keeps it.
        String base = baseUrl.toString();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** {@code GET path}; the answer must be a JSON object. */
    Json.Obj get(String path) {
        return send("GET", path).orElseThrow(() -> new ConnectorException(ErrorCode.NOT_FOUND, "GET " + path + ": not found (404)"));
    }

    /** {@code GET path}, empty when the platform answers 404. */
    Optional<Json.Obj> find(String path) {
        return send("GET", path);
    }

    /** {@code POST path} without a body; the answer (the changed object) must be a JSON object. */
    Json.Obj post(String path) {
        return send("POST", path).orElseThrow(() -> new ConnectorException(ErrorCode.NOT_FOUND, "POST " + path + ": not found (404)"));
    }

    /** A path segment or query value, URL-encoded. */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Optional<Json.Obj> send(String method, String path) {
        String call = method + " " + path;
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Authorization", "Bearer " + token.reveal())
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            count("timeout");
            // For a POST the effect is unknown: the engine reconciles with verify, never blindly retries.
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
        if (status == 404) {
            return Optional.empty();
        }
        if (status >= 200 && status < 300) {
            try {
                return Optional.of(Json.parseObject(response.body()));
            } catch (IllegalArgumentException e) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, call + ": the body is not a JSON object: " + e.getMessage(), e);
            }
        }
        throw failure(call, status, response);
    }

    /** API.md §2: the status codes and what each means. */
    private static ConnectorException failure(String call, int status, HttpResponse<String> response) {
        String what = call + ": HTTP " + status;
        return switch (status) {
            case 401 -> new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + ": the platform refused the API token");
            case 403 -> new ConnectorException(ErrorCode.PERMISSION_DENIED, what + ": the API token lacks a permission");
            case 409 -> new ConnectorException(ErrorCode.CONFLICT, what + ": the platform refused the change in its current state");
            case 429 -> ConnectorException.retriable(ErrorCode.THROTTLED, what + ": throttled", retryAfter(response), null);
            default -> status >= 500
                    ? ConnectorException.retriable(ErrorCode.UNAVAILABLE, what, retryAfter(response), null)
                    : new ConnectorException(ErrorCode.INTERNAL, what + ": unexpected answer");
        };
    }

    /** {@code Retry-After} in seconds (API.md §2); empty when absent or not a number. */
    private static Duration retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.get().trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void count(String outcome) {
        TelemetryMetrics.apiCall(metrics, outcome);
    }

    @Override
    public String toString() {
        return "ExampleApi[" + baseUrl + ", token=" + token + "]";
    }
}

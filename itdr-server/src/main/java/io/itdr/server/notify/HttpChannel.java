package io.itdr.server.notify;

import io.itdr.core.normalize.Printable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * A channel that POSTs JSON to a configured address: Slack and Teams incoming webhooks and the signed webhook. Redirects
 * are never followed (the address is the one an operator configured, nothing else), and nothing of the response body
 * is kept beyond a short, escaped excerpt in the error.
 */
abstract class HttpChannel implements Channel {
    private final HttpClient client;
    private final URI url;
    private final Duration timeout;

    HttpChannel(URI url, Duration timeout) {
        this.url = Objects.requireNonNull(url, "url");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The JSON body for this notice, as maps and lists. */
    abstract Map<String, Object> payload(Notice notice);

    String body(Notice notice) {
        return JSON.writeValueAsString(payload(notice));
    }

    /** Extra headers (the webhook's signature); none by default. */
    Map<String, String> headers(String body, Notice notice) {
        return Map.of();
    }

    @Override
    public void send(Notice notice) throws DeliveryException {
        String body = body(notice);
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers(body, notice).forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new DeliveryException(name() + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    null, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException(name() + ": interrupted", null, false);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return;
        }
        String excerpt = Printable.escape(response.body().length() > 200 ? response.body().substring(0, 200) : response.body());
        throw new DeliveryException(name() + ": HTTP " + status + " " + excerpt,
                status == 429 ? retryAfter(response) : null, status >= 400 && status < 500 && status != 408 && status != 429);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.strip())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }).orElse(null);
    }
}

package io.itdr.it.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.server.ItdrServerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The central server started in this JVM on a free port, and an HTTP client for its API that
 * authenticates with API tokens, as automation and people's tools do.
 */
final class RunningServer implements AutoCloseable {
    static final String ADMIN_TOKEN = "itdr_e2eBootstrapAdminToken0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A reply: status and JSON body (null when empty). */
    record Reply(int status, JsonNode body) {
        JsonNode ok() {
            if (status / 100 != 2) {
                throw new AssertionError("expected 2xx, got " + status + ": " + body);
            }
            return body;
        }
    }

    final ConfigurableApplicationContext context;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RunningServer(Map<String, Object> properties) {
        Map<String, Object> all = new LinkedHashMap<>(properties);
        all.put("server.port", "0");
        all.put("itdr.security.bootstrap-admin-token", ADMIN_TOKEN);
        // as arguments: they must win over application.yaml, as an operator's would
        context = ItdrServerApplication.start(Map.of(), all.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
        baseUrl = "http://localhost:" + context.getEnvironment().getProperty("local.server.port");
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** An API token with {@code roles} for the person {@code name}, issued by the bootstrap admin. */
    String token(String name, String... roles) {
        return tokenFor(name, name, roles);
    }

    /** An API token named {@code name} with {@code roles} for the person {@code person}, issued by the bootstrap admin. */
    String tokenFor(String person, String name, String... roles) {
        ObjectNode body = JSON.createObjectNode().put("name", name).put("principal", person).put("reason", "the test needs " + name);
        body.putArray("roles").addAll(List.of(roles).stream().map(JSON.getNodeFactory()::textNode).toList());
        return send("POST", "/api/v1/tokens", ADMIN_TOKEN, "application/json", body.toString()).ok().path("token").asText();
    }

    Reply get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    /** A plain-text reply's body, which must be 200. */
    String text(String path, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", "Bearer " + token).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Reply post(String path, String token, Object body) {
        return send("POST", path, token, "application/json", body instanceof String text ? text : JSON.valueToTree(body).toString());
    }

    Reply ingest(String connector, String token, String payload) {
        return send("POST", "/api/v1/ingest/" + connector, token, "application/json", payload);
    }

    /** Pushes, expects 202 (stored), and waits until the server's worker processed the connector's backlog; returns the 202 body. */
    JsonNode ingestProcessed(String connector, String token, String payload) {
        Reply reply = ingest(connector, token, payload);
        if (reply.status() != 202) {
            throw new AssertionError("expected 202, got " + reply.status() + ": " + reply.body());
        }
        awaitProcessed(connector, token);
        return reply.body();
    }

    /** Waits (at most 180 s) until no pushed event of {@code connector} waits to be processed. */
    void awaitProcessed(String connector, String token) {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (get("/api/v1/ingest/" + connector, token).ok().path("waiting").asLong() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pushed events of " + connector + " still waiting after 180 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** An action id in a URL path: ids contain slashes, so they travel URL-encoded in one segment. */
    static String action(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** The items of a list reply (a JSON array, or an object holding one under "items"). */
    static List<JsonNode> items(JsonNode body) {
        JsonNode list = body.isArray() ? body : body.path("items");
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        return items;
    }

    private Reply send(String method, String path, String token, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            return new Reply(response.statusCode(), text == null || text.isBlank() ? null : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}

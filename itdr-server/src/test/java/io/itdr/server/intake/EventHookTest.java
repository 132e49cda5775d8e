package io.itdr.server.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.server.ItdrServerApplication;
import io.itdr.server.api.ApiClient;
import io.itdr.spi.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Okta event hooks (https://developer.okta.com/docs/concepts/event-hooks/) against a server of
 * their own with the Okta connector running: the one-time verification request is answered, a
 * delivery needs the shared secret in the configured header (Okta's authScheme), and a delivery
 * that carries it is normalized by the Okta connector and accepted.
 */
class EventHookTest {
    private static final String SECRET = "hook-secret-0123456789abcdefghij";
    private static final String HEADER = "X-Itdr-Hook-Secret";
    /** An event hook delivery as Okta sends it (the page above, "Event hook request"), holding one System Log LogEvent. */
    private static final String DELIVERY = """
            {"eventType": "com.okta.event_hook", "eventTypeVersion": "1.0", "cloudEventsVersion": "0.1",
             "source": "https://example.okta.com/api/v1/eventHooks/whok0000000000000000", "eventId": "b5a188b9-5ece-4636-b041-482ffda96311",
             "eventTime": "2026-11-30T09:00:01.000Z", "contentType": "application/json",
             "data": {"events": [{
               "uuid": "1dd2a5d1-8ea5-11f1-aaaa-000000000001", "published": "2026-11-30T09:00:00.000Z",
               "eventType": "app.oauth2.as.token.grant.access_token", "version": "0", "severity": "INFO",
               "displayMessage": "OAuth2 access token is granted",
               "actor": {"id": "0oa0000000000000hook", "type": "PublicClientApp", "alternateId": "0oa0000000000000hook", "displayName": "hook-test-app"},
               "client": {"ipAddress": "198.51.100.20", "userAgent": {"rawUserAgent": "okhttp/4.12.0"},
                          "geographicalContext": {"country": "United States", "city": "Ashburn", "geolocation": {"lat": 39.0, "lon": -77.5}}},
               "outcome": {"result": "SUCCESS"},
               "target": [{"id": "aus0000000000000hook", "type": "AuthorizationServer", "alternateId": "default", "displayName": "default"}],
               "transaction": {"type": "WEB", "id": "hook-test-tx-1"},
               "authenticationContext": {"authenticationStep": 0}
             }]}}
            """;

    @TempDir
    static Path dir;
    private static ConfigurableApplicationContext server;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        Path secret = Files.writeString(dir.resolve("okta-hook-secret"), SECRET + "\n");
        server = ItdrServerApplication.start(Map.of(),
                "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:itdr-hook-test;DB_CLOSE_DELAY=-1",
                "--itdr.security.bootstrap-admin-token=itdr_hook-test-admin-0123456789abcdef",
                "--itdr.connectors.okta.enabled=true",
                "--itdr.connectors.okta.config.org-url=https://example.okta.com",
                "--itdr.connectors.okta.config.api-token=hook-test-token-not-real",
                // nothing answers there: this server takes pushes only
                "--itdr.connectors.okta.endpoints.okta=https://127.0.0.1:9/",
                "--itdr.connectors.okta.poll-interval=24h",
                "--itdr.hooks.okta.secret=file:" + secret,
                "--itdr.hooks.okta.header=" + HEADER);
        base = "http://localhost:" + server.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static ApiClient.Response send(String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(request::header);
        return ApiClient.send(request.build());
    }

    @Test
    void theOneTimeVerificationRequestIsAnswered() {
        ApiClient.Response response = send("GET", "/api/v1/hooks/okta", null, Map.of("X-Okta-Verification-Challenge", "a8m4Xq0cYw-verify"));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("verification").asString()).isEqualTo("a8m4Xq0cYw-verify");
        assertThat(send("GET", "/api/v1/hooks/okta", null, Map.of()).status()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/hooks/aws", null, Map.of("X-Okta-Verification-Challenge", "x")).status())
                .as("no hook is configured for aws").isEqualTo(404);
    }

    @Test
    void aDeliveryWithoutTheSharedSecretIsRefusedWith401() {
        ApiClient.Response none = send("POST", "/api/v1/hooks/okta", DELIVERY, Map.of("Content-Type", "application/json"));
        ApiClient.Response wrong = send("POST", "/api/v1/hooks/okta", DELIVERY,
                Map.of("Content-Type", "application/json", HEADER, SECRET.substring(0, SECRET.length() - 1) + "x"));
        ApiClient.Response otherHeader = send("POST", "/api/v1/hooks/okta", DELIVERY,
                Map.of("Content-Type", "application/json", "Authorization", SECRET));

        for (ApiClient.Response response : new ApiClient.Response[]{none, wrong, otherHeader}) {
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.body()).doesNotContain(SECRET);
        }
    }

    @Test
    void aDeliveryWithTheSharedSecretIsNormalizedByTheOktaConnectorAndAccepted() {
        ApiClient.Response response = send("POST", "/api/v1/hooks/okta", DELIVERY,
                Map.of("Content-Type", "application/json", HEADER, SECRET));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("connectorId").asString()).isEqualTo("okta");
        assertThat(response.json().get("accepted").asInt() + response.json().get("duplicates").asInt()).isEqualTo(1);
        assertThat(response.json().get("rejected").asInt()).isZero();
    }

    @Test
    void aHookSecretMustBeAReferenceThatResolvesToALongValue() {
        Map<String, Optional<Secret>> store = Map.of("env:SHORT", Optional.of(Secret.of("short")), "env:LONG", Optional.of(Secret.of(SECRET)));
        assertThatThrownBy(() -> new EventHookSecrets(Map.of("okta", new EventHookSecrets.HookProperties(null, SECRET)), r -> store.get(r)))
                .hasMessageContaining("itdr.hooks.okta.secret: must be a reference").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> new EventHookSecrets(Map.of("okta", new EventHookSecrets.HookProperties(null, "env:SHORT")), r -> store.get(r)))
                .hasMessageContaining("fewer than 16");
        assertThatThrownBy(() -> new EventHookSecrets(Map.of("okta", new EventHookSecrets.HookProperties(null, "env:NONE")),
                r -> Optional.empty())).hasMessageContaining("does not resolve");
        EventHookSecrets secrets = new EventHookSecrets(Map.of("okta", new EventHookSecrets.HookProperties(null, "env:LONG")), r -> store.get(r));
        EventHookSecrets.Hook hook = secrets.hook("okta").orElseThrow();
        assertThat(hook.header()).isEqualTo("Authorization");
        assertThat(EventHookSecrets.matches(hook, SECRET)).isTrue();
        assertThat(EventHookSecrets.matches(hook, SECRET + " ")).isFalse();
        assertThat(EventHookSecrets.matches(hook, null)).isFalse();
        assertThat(hook.toString()).doesNotContain(SECRET);
    }
}

package io.itdr.connector.okta;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.itdr.fixture.okta.SystemLogSandbox;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth 2.0 service-app sign-in (client credentials with a private key JWT,
 * https://developer.okta.com/docs/guides/implement-oauth-for-okta-serviceapp/main/): the SDK signs a
 * client assertion with the configured key, asks {@code /oauth2/v1/token} for the configured scopes, and
 * calls the System Log with the access token. Only on first use: creating the connector calls nothing.
 */
class PrivateKeySignInTest {
    static final String CLIENT_ID = "0oa1itdrserviceapp1";
    static final String ACCESS_TOKEN = "eyJraWQiOiJ0ZXN0In0.eyJzdWIiOiIwb2ExaXRkciJ9.c2lnbmF0dXJl";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SystemLogSandbox systemLog =
            new SystemLogSandbox(() -> TestingConnectorContext.NOW, Set.of("Bearer " + ACCESS_TOKEN));
    private static WireMockServer server;
    private static String previousHttpsCheck;
    private static KeyPair keys;
    private static String pem;

    @BeforeAll
    static void start() throws Exception {
        previousHttpsCheck = System.setProperty("okta.testing.disableHttpsCheck", "true");
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(systemLog));
        server.start();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    @AfterAll
    static void stop() {
        server.stop();
        if (previousHttpsCheck == null) {
            System.clearProperty("okta.testing.disableHttpsCheck");
        } else {
            System.setProperty("okta.testing.disableHttpsCheck", previousHttpsCheck);
        }
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        systemLog.clear();
        systemLog.stub(server);
    }

    private Connector connect() {
        OktaConnectorFactory factory = new OktaConnectorFactory();
        Map<String, String> raw = new HashMap<>(Map.of("org-url", "https://example.okta.com", "client-id", CLIENT_ID, "private-key", pem,
                "scopes", "okta.logs.read,okta.apps.read"));
        return factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(raw),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW), new HttpSettings(Duration.ofSeconds(2),
                        Duration.ofSeconds(10), null, Map.of("okta", URI.create(server.baseUrl()))), Map.of(), new RecordingMetrics()));
    }

    private static String trace(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    @Test
    void theServiceAppSignsAnAssertionWithItsKeyAndCallsWithTheAccessToken() throws Exception {
        // https://developer.okta.com/docs/reference/api/oidc/#token (client_credentials; response token_type, expires_in, access_token, scope)
        server.stubFor(post(urlPathEqualTo("/oauth2/v1/token")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"" + ACCESS_TOKEN
                        + "\",\"scope\":\"okta.logs.read okta.apps.read\"}")));
        try (Connector connector = connect()) {
            assertThat(server.getAllServeEvents()).as("creating the connector calls nothing").isEmpty();
            connector.checkHealth();
            assertThat(connector.toString()).doesNotContain(ACCESS_TOKEN).doesNotContain(pem.substring(40, 80));
        }
        LoggedRequest token = server.findAll(postRequestedFor(urlPathEqualTo("/oauth2/v1/token"))).get(0);
        Map<String, String> form = form(token.getBodyAsString());
        assertThat(form).containsEntry("grant_type", "client_credentials")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        assertThat(form.get("scope").split(" ")).containsExactlyInAnyOrder("okta.logs.read", "okta.apps.read");

        String[] jwt = form.get("client_assertion").split("\\.");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(claims.get("iss").asText()).isEqualTo(CLIENT_ID);
        assertThat(claims.get("sub").asText()).isEqualTo(CLIENT_ID);
        JsonNode audience = claims.get("aud");
        assertThat(audience.isArray() ? audience.get(0).asText() : audience.asText()).isEqualTo(server.baseUrl() + "/oauth2/v1/token");
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(keys.getPublic());
        rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("signed with the configured private key").isTrue();
        assertThat(Instant.ofEpochSecond(claims.get("exp").asLong())).isAfter(Instant.ofEpochSecond(claims.get("iat").asLong()));
    }

    @Test
    void aRefusedTokenRequestIsRefusedCredentialsAndShowsNoKey() {
        // https://developer.okta.com/docs/reference/api/oidc/#possible-errors-4: invalid_client is HTTP 401
        server.stubFor(post(urlPathEqualTo("/oauth2/v1/token")).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"The client_assertion signature is invalid.\"}")));
        try (Connector connector = connect()) {
            assertThatThrownBy(connector::checkHealth).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).as("%s", trace(e)).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).contains("OAuth 2.0 token request").contains("HTTP 401");
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                assertThat(trace.toString()).doesNotContain(pem.substring(40, 80));
            });
        }
    }
}

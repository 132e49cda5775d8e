package io.itdr.server.console;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.oidc.OidcProviderSandbox;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The console's stand-in provider holds the relying party to the protocol: PKCE S256 is required at the authorization
 * endpoint, a code is redeemed once and only with the matching verifier and the client's secret.
 */
class OidcProviderSandboxTest {
    private static final String REDIRECT = "http://localhost:1/console/login/oauth2/code/itdr";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private OidcProviderSandbox provider;
    private WireMockServer server;

    @BeforeEach
    void start() {
        provider = new OidcProviderSandbox("console", "s3cret", OidcProviderSandbox.DEMO_PEOPLE).allowRedirect(REDIRECT);
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(provider));
        server.start();
        provider.stub(server);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aCodeIsRedeemedOnceWithTheVerifierWhoseHashWasTheChallenge() throws Exception {
        String verifier = "a-verifier-of-enough-length-0123456789-abcdefghijklmnop";
        String code = code(challenge(verifier), "bob", "bob-demo");

        HttpResponse<String> wrongVerifier = token(code, "another-verifier-0123456789-abcdefghijklmnopqrstuvwxyz", "s3cret");
        assertThat(wrongVerifier.statusCode()).isEqualTo(400);
        assertThat(wrongVerifier.body()).contains("invalid_grant", "PKCE");

        String code2 = code(challenge(verifier), "bob", "bob-demo");
        assertThat(token(code2, verifier, "wrong-secret").statusCode()).isEqualTo(401);
        HttpResponse<String> issued = token(code2, verifier, "s3cret");
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        assertThat(issued.body()).contains("\"id_token\"");
        assertThat(token(code2, verifier, "s3cret").statusCode()).as("a code is used once").isEqualTo(400);
    }

    @Test
    void theAuthorizationEndpointRefusesARequestWithoutPkceOrWithAnUnregisteredRedirect() throws Exception {
        assertThat(get(authorize(Map.of("code_challenge_method", "S256"))).body()).contains("code_challenge is missing");
        assertThat(get(authorize(Map.of("code_challenge", "abc", "code_challenge_method", "plain"))).body()).contains("must be S256");
        assertThat(get(authorize(Map.of("code_challenge", "abc", "code_challenge_method", "S256", "redirect_uri", "http://evil.test/cb")))
                .body()).contains("not registered");
        HttpResponse<String> form = get(authorize(Map.of("code_challenge", "abc", "code_challenge_method", "S256")));
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("<label for=\"username\">", "<label for=\"password\">");
    }

    private String code(String challenge, String user, String password) throws IOException, InterruptedException {
        Map<String, String> params = new java.util.LinkedHashMap<>(base());
        params.put("code_challenge", challenge);
        params.put("code_challenge_method", "S256");
        params.put("username", user);
        params.put("password", password);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/authorize"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(params)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        String location = signedIn.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?code=").endsWith("&state=st-1");
        return java.net.URLDecoder.decode(location.substring(location.indexOf("code=") + 5, location.indexOf("&state")), StandardCharsets.UTF_8);
    }

    private HttpResponse<String> token(String code, String verifier, String secret) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString(("console:" + secret).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/token")).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code", code,
                        "redirect_uri", REDIRECT, "code_verifier", verifier))))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String authorize(Map<String, String> extra) {
        Map<String, String> params = new java.util.LinkedHashMap<>(base());
        params.putAll(extra);
        return server.baseUrl() + "/authorize?" + form(params);
    }

    private static Map<String, String> base() {
        return Map.of("client_id", "console", "redirect_uri", REDIRECT, "response_type", "code", "scope", "openid profile",
                "state", "st-1", "nonce", "n-1");
    }

    private static String challenge(String verifier) throws Exception {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}

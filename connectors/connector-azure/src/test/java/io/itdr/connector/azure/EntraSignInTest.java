package io.itdr.connector.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.util.Configuration;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.fixture.azure.TokenEndpointSandbox;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Sign-in end to end against the simulated Entra token endpoints ({@link TokenEndpointSandbox} on WireMock's https port,
 * {@code authority-host} pointed at it): the real Azure Identity credentials (client secret, client certificate,
 * DefaultAzureCredential through a managed identity endpoint) obtain the token that the simulated Graph then accepts.
 * The only test-specific parts are the HTTP client that trusts WireMock's self-signed certificate and, for the managed
 * identity, a configuration standing in for App Service's environment variables.
 */
class EntraSignInTest {
    private static final String TENANT = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final String CLIENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final String TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.entra";
    private final TokenEndpointSandbox entra = new TokenEndpointSandbox(TENANT, TOKEN);
    private final GraphLogSandbox graph = new GraphLogSandbox(java.util.Set.of("Bearer " + TOKEN));
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().dynamicHttpsPort().extensions(entra, graph));
        server.start();
        entra.stub(server);
        graph.stub(server);
        entra.clients.put(CLIENT, ConnectorTck.CANARY_SECRET);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    /** An Azure HTTP client trusting WireMock's self-signed certificate (and not checking its host name). */
    private static HttpClient trustingWireMock() {
        try {
            SslContext ssl = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build();
            return new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create().secure(spec -> spec.sslContext(ssl)
                    .handlerConfigurator(handler -> {
                        SSLEngine engine = handler.engine();
                        SSLParameters parameters = engine.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm(null);
                        engine.setSSLParameters(parameters);
                    }))).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Connector connect(Map<String, String> signIn, Configuration configuration) {
        Map<String, String> config = new HashMap<>(Map.of("tenant-id", TENANT, "authority-host", "https://localhost:" + server.httpsPort() + "/"));
        config.putAll(signIn);
        AzureConnectorFactory factory = new AzureConnectorFactory(new AzureCredentials(trustingWireMock(), configuration));
        return factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(config),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW), new HttpSettings(Duration.ofSeconds(5),
                        Duration.ofSeconds(10), null, Map.of("azure", java.net.URI.create(("http://localhost:" + server.port())))), Map.of(), new RecordingMetrics()));
    }

    @Test
    void aClientSecretIsExchangedAtTheTenantsTokenEndpointForAGraphToken() {
        connect(Map.of("client-id", CLIENT, "client-secret", ConnectorTck.CANARY_SECRET), null).checkHealth();

        assertThat(entra.requests).isNotEmpty().allMatch(r -> r.equals("client_secret " + CLIENT + " https://graph.microsoft.com/.default"));
    }

    @Test
    void aWrongSecretIsRefusedAsAuthenticationFailedWithEntrasCodeAndWithoutTheSecret() {
        Connector connector = connect(Map.of("client-id", CLIENT, "client-secret", "not-the-secret-" + ConnectorTck.CANARY_SECRET), null);

        assertThatThrownBy(connector::checkHealth).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).contains("AADSTS7000215").doesNotContain(ConnectorTck.CANARY_SECRET);
        });
    }

    @Test
    void anUnknownApplicationIsRefusedAsAuthenticationFailed() {
        Connector connector = connect(Map.of("client-id", "11111111-2222-4333-8444-555555555555", "client-secret", ConnectorTck.CANARY_SECRET),
                null);

        assertThatThrownBy(connector::checkHealth).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.getMessage()).contains("AADSTS700016"));
    }

    @Test
    void aTokenEndpointThatIsDownIsARetriableFailure() {
        server.stubFor(post(urlPathMatching("/[^/]+/oauth2/v2\\.0/token")).atPriority(1).willReturn(
                TokenEndpointSandbox.error(503, "temporarily_unavailable", 90033, "A transient error has occurred. Please try again.")));
        Connector connector = connect(Map.of("client-id", CLIENT, "client-secret", ConnectorTck.CANARY_SECRET), null);

        assertThatThrownBy(connector::checkHealth).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        assertThat(entra.requests).isEmpty();
    }

    @Test
    void aClientCertificateSignsAnAssertionThatIsExchangedForAGraphToken() throws IOException {
        String pem;
        try (InputStream in = getClass().getResourceAsStream("test-client-certificate.pem")) {
            pem = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        entra.clients.put(CLIENT, null);
        connect(Map.of("client-id", CLIENT, "client-certificate", pem), null).checkHealth();

        assertThat(entra.requests).isNotEmpty().allMatch(r -> r.equals("client_assertion " + CLIENT + " https://graph.microsoft.com/.default"));
    }

    /**
     * Azure Identity 1.18.4 hands managed identity to MSAL4J, which reads App Service's {@code IDENTITY_ENDPOINT} and
     * {@code IDENTITY_HEADER} from the process environment (not from the azure-core Configuration): the connector signs in
     * in a JVM of its own whose environment names the simulated endpoint ({@link ManagedIdentitySignIn}).
     */
    @Test
    void theDefaultCredentialSignsInThroughTheManagedIdentityEndpoint() throws Exception {
        ProcessBuilder child = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ManagedIdentitySignIn.class.getName(), TENANT,
                "https://localhost:" + server.httpsPort() + "/", ("http://localhost:" + server.port())).redirectErrorStream(true);
        child.environment().keySet().removeIf(k -> k.startsWith("AZURE_") || k.startsWith("IDENTITY_") || k.startsWith("MSI_")
                || k.startsWith("IMDS_"));
        child.environment().put("IDENTITY_ENDPOINT", ("http://localhost:" + server.port()) + "/msi/token");
        child.environment().put("IDENTITY_HEADER", TokenEndpointSandbox.IDENTITY_HEADER);
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(output).as(output).contains(ManagedIdentitySignIn.SIGNED_IN);
        assertThat(entra.requests).isNotEmpty().allMatch(r -> r.startsWith("appService system-assigned https://graph.microsoft.com"));
    }
}

package io.itdr.connector.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.microsoft.graph.models.ServicePrincipal;
import io.itdr.fixture.azure.GraphLogSandbox;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The Graph SDK as the connector configures it, against WireMock: the bearer token goes to the override host and only
 * there, nothing leaves without it, one call is one request (Kiota's retry handler is out: the host retries), and every
 * failure maps as the raw client maps it (https://learn.microsoft.com/en-us/graph/errors,
 * https://learn.microsoft.com/en-us/graph/throttling).
 */
class GraphSdkTest {
    private static final String SP = "4b6986ec-c49c-40c0-89ce-b2ac51213e39";
    private static final String PATH = "/v1.0/servicePrincipals/" + SP;
    private static final TokenCredential CREDENTIAL = new TokenCredential() {
        @Override
        public Mono<AccessToken> getToken(com.azure.core.credential.TokenRequestContext request) {
            return Mono.fromSupplier(() -> getTokenSync(request));
        }

        @Override
        public AccessToken getTokenSync(com.azure.core.credential.TokenRequestContext request) {
            assertThat(request.getScopes()).containsExactly("https://graph.microsoft.com/.default");
            return new AccessToken("sdk-test-token", OffsetDateTime.now().plusHours(1));
        }
    };
    private WireMockServer server;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private GraphSdk sdk(Duration requestTimeout) {
        return new GraphSdk(CREDENTIAL, URI.create("https://graph.microsoft.com"), URI.create(server.baseUrl()),
                new HttpSettings(Duration.ofSeconds(5), requestTimeout, null, Map.of()), Clock.systemUTC());
    }

    private ServicePrincipal read(GraphSdk sdk) {
        return sdk.call("GET /v1.0/servicePrincipals/{id}", () -> sdk.client().servicePrincipals().byServicePrincipalId(SP)
                .get(c -> c.queryParameters.select = new String[] {"id", "accountEnabled"}));
    }

    private void answer(ResponseDefinitionBuilder response) {
        server.stubFor(get(urlPathEqualTo(PATH)).willReturn(response));
    }

    // https://learn.microsoft.com/en-us/graph/api/serviceprincipal-get: 200 with the service principal
    private static ResponseDefinitionBuilder servicePrincipal() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity\",\"id\":\"" + SP
                        + "\",\"accountEnabled\":true}");
    }

    @Test
    void theOverrideHostGetsTheBearerTokenForGraphsScopeAndTheSelectedProperties() {
        answer(servicePrincipal());
        ServicePrincipal sp = read(sdk(Duration.ofSeconds(10)));
        assertThat(sp.getId()).isEqualTo(SP);
        assertThat(sp.getAccountEnabled()).isTrue();
        server.verify(1, getRequestedFor(urlPathEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer sdk-test-token"))
                .withQueryParam("$select", equalTo("id,accountEnabled")));
    }

    @Test
    void aHostOutsideTheAllowedHostsIsRefusedBeforeAnythingIsSent() {
        answer(servicePrincipal());
        GraphSdk misconfigured = new GraphSdk(CREDENTIAL, URI.create("https://graph.microsoft.com"), URI.create(server.baseUrl()),
                Set.of("graph.microsoft.com"), new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null, Map.of()),
                Clock.systemUTC());
        assertThatThrownBy(() -> read(misconfigured)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).contains("no token attached for host localhost").doesNotContain("sdk-test-token");
        });
        server.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void throttlingIsOneRequestAndCarriesGraphsRetryAfter() {
        answer(GraphLogSandbox.error(429, "TooManyRequests", "Too many requests.").withHeader("Retry-After", "7"));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(10)))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
            assertThat(e.getMessage()).contains("HTTP 429 TooManyRequests");
        });
        server.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void serverErrorsAreUnavailableAndNotRetriedInside() {
        answer(GraphLogSandbox.error(503, "serviceNotAvailable", "The service is temporarily unavailable."));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(10)))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        server.verify(1, anyRequestedFor(anyUrl()));
    }

    @Test
    void graphErrorsKeepTheirMeaning() {
        answer(GraphLogSandbox.error(404, "Request_ResourceNotFound", "Resource does not exist."));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(10)))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        answer(GraphLogSandbox.error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(10)))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    }

    @Test
    void anAnswerTheSdkCannotReadIsMalformed() {
        answer(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html><body>maintenance</body></html>"));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(10)))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
        answer(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("{\"id\": \"" + SP + "\", \"accountEn"));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(10)))).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsATimeout() {
        answer(servicePrincipal().withFixedDelay(4000));
        assertThatThrownBy(() -> read(sdk(Duration.ofSeconds(1)))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retriable()).isTrue();
        });
    }

    @Test
    void plainHttpToAHostOtherThanLocalhostIsAConfigurationErrorNotAnUnreadableAnswer() {
        GraphSdk http = new GraphSdk(CREDENTIAL, URI.create("https://graph.microsoft.com"), URI.create("http://graph.example.invalid:1"),
                new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null, Map.of()), Clock.systemUTC());
        assertThatThrownBy(() -> read(http)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
            assertThat(e.getMessage()).contains("http://graph.example.invalid:1", "https only");
        });
    }

    @Test
    void aRefusedCredentialIsAnAuthenticationFailureAndNothingIsSent() {
        TokenCredential refused = new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(com.azure.core.credential.TokenRequestContext request) {
                return Mono.fromSupplier(() -> getTokenSync(request));
            }

            @Override
            public AccessToken getTokenSync(com.azure.core.credential.TokenRequestContext request) {
                throw new ClientAuthenticationException("AADSTS7000215: Invalid client secret provided.", null);
            }
        };
        answer(servicePrincipal());
        GraphSdk sdk = new GraphSdk(refused, URI.create("https://graph.microsoft.com"), URI.create(server.baseUrl()),
                new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null, Map.of()), Clock.systemUTC());
        assertThatThrownBy(() -> read(sdk)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).contains("AADSTS7000215");
        });
        server.verify(0, anyRequestedFor(anyUrl()));
    }
}

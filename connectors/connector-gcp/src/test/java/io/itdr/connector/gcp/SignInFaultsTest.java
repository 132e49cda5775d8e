package io.itdr.connector.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gcp.GoogleApis;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the call that hands out an impersonated account's token (generateAccessToken,
 * https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken), which
 * the auth library wraps in an exception of its own: each surfaces with the code of Google's answer
 * (https://cloud.google.com/apis/design/errors), named as the token it was getting.
 */
class SignInFaultsTest {
    private static final String PATH = "/v1/projects/-/serviceAccounts/" + GcpSandbox.READER + ":generateAccessToken";
    private static GcpSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @AfterEach
    void reset() {
        sandbox.reset();
    }

    private static ConnectorException impersonatingWhenTheTokenCallAnswers(ResponseDefinitionBuilder answer) {
        sandbox.server().stubFor(post(urlPathEqualTo(PATH)).atPriority(1).willReturn(answer));
        GcpConnectorFactory factory = new GcpConnectorFactory();
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(Map.of(
                        "projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile("key-1"),
                        "impersonate-service-account", GcpSandbox.READER)),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                        new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                                Map.of("iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint(), "iamcredentials", sandbox.endpoint())),
                        Map.of(), new RecordingMetrics()));
        try {
            return catchThrowableOfType(ConnectorException.class, () -> connector.inventory().get(null, IdentityRef.of(GcpSandbox.SERVICE_ACCOUNT)));
        } finally {
            connector.close();
        }
    }

    @Test
    void aThrottledTokenCallIsRetriableAfterTheRetryInfoDelay() {
        ConnectorException e = impersonatingWhenTheTokenCallAnswers(GoogleApis.throttled(Duration.ofSeconds(9)));
        assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(9));
        assertThat(e.getMessage()).contains("getting an access token");
    }

    @Test
    void anUnavailableTokenServiceIsRetriable() {
        ConnectorException e = impersonatingWhenTheTokenCallAnswers(GoogleApis.error(503, "UNAVAILABLE", "The service is currently unavailable."));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void aCallerWithoutTokenCreatorIsPermissionDenied() {
        ConnectorException e = impersonatingWhenTheTokenCallAnswers(GoogleApis.error(403, "PERMISSION_DENIED",
                "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)."));
        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("iam.serviceAccounts.getAccessToken");
    }

    @Test
    void aTokenAnswerThatIsNotTheDocumentedOneIsMalformed() {
        ConnectorException e = impersonatingWhenTheTokenCallAnswers(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><body>Be right back</body></html>"));
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    }
}

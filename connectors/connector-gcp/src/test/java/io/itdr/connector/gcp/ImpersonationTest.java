package io.itdr.connector.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gcp.GoogleApis;
import io.itdr.spi.Connector;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Signing in with a key and impersonating a responder account: the connector asks the IAM Service
 * Account Credentials API for the responder's token
 * (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken)
 * and calls IAM with it.
 */
class ImpersonationTest {
    private static final String RESPONDER = "itdr-responder@" + GcpSandbox.PROJECT + ".iam.gserviceaccount.com";
    private static final String IMPERSONATED_TOKEN = "ya29.impersonated-responder";
    private static GcpSandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void theConnectorCallsGoogleWithTheImpersonatedAccountsToken() {
        WireMockServer server = sandbox.server();
        server.stubFor(post(urlPathEqualTo("/v1/projects/-/serviceAccounts/" + RESPONDER + ":generateAccessToken")).atPriority(1)
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + GoogleApis.ACCESS_TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"accessToken\":\"" + IMPERSONATED_TOKEN + "\",\"expireTime\":\"2099-01-01T00:00:00Z\"}")));
        sandbox.acceptToken(IMPERSONATED_TOKEN);
        GcpConnectorFactory factory = new GcpConnectorFactory();
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(Map.of(
                        "projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile("key-1"),
                        "impersonate-service-account", RESPONDER)),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                        new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                                Map.of("iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint(), "iamcredentials", sandbox.endpoint())),
                        Map.of(), new RecordingMetrics()));
        try {
            assertThat(connector.inventory().get(null, IdentityRef.of(GcpSandbox.SERVICE_ACCOUNT))).isPresent();
            assertThat(server.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/v1/projects/.*/serviceAccounts/.*"))))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + IMPERSONATED_TOKEN));
        } finally {
            connector.close();
        }
    }
}

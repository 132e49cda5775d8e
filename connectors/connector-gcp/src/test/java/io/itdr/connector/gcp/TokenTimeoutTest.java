package io.itdr.connector.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A token endpoint that does not answer fails the call within the host's timeouts, not the sign-in library's own
 * (20 s to read, and three retries of a timeout with back-off): the key file's OAuth token endpoint
 * (https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests) and the impersonation's
 * generateAccessToken (https://cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken).
 * The endpoint answers after {@link #HANG}, which the library's defaults would wait out and succeed; the host's read
 * timeout is 1 s, and the bound asserted is generous.
 */
class TokenTimeoutTest {
    private static final Duration HANG = Duration.ofSeconds(15);
    private static final Duration BOUND = Duration.ofSeconds(8);
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

    @Test
    void aHangingOAuthTokenEndpointTimesOutWithinTheHostsReadTimeout() {
        sandbox.server().stubFor(post(urlPathEqualTo(GoogleApis.TOKEN_PATH)).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"access_token\":\"" + GoogleApis.ACCESS_TOKEN + "\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")
                        .withFixedDelay((int) HANG.toMillis())));
        assertTimesOutWithin(Map.of());
    }

    @Test
    void aHangingImpersonationTokenCallTimesOutWithinTheHostsReadTimeout() {
        sandbox.server().stubFor(post(urlPathEqualTo("/v1/projects/-/serviceAccounts/" + GcpSandbox.READER + ":generateAccessToken"))
                .atPriority(1).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"accessToken\":\"" + GoogleApis.ACCESS_TOKEN + "\",\"expireTime\":\"2099-01-01T00:00:00Z\"}")
                        .withFixedDelay((int) HANG.toMillis())));
        assertTimesOutWithin(Map.of("impersonate-service-account", GcpSandbox.READER));
    }

    private static void assertTimesOutWithin(Map<String, String> extra) {
        GcpConnectorFactory factory = new GcpConnectorFactory();
        Map<String, String> config = new HashMap<>(Map.of("projects", GcpSandbox.PROJECT, "sign-in", "credentials-json",
                "credentials-json", sandbox.keyFile("key-1")));
        config.putAll(extra);
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(config),
                new TestingConnectorContext(new SettableClock(TestingConnectorContext.NOW),
                        new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(1), null,
                                Map.of("iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint(), "iamcredentials", sandbox.endpoint())),
                        Map.of(), new RecordingMetrics()));
        try {
            long started = System.nanoTime();
            ConnectorException e = catchThrowableOfType(ConnectorException.class,
                    () -> connector.inventory().get(null, IdentityRef.of(GcpSandbox.SERVICE_ACCOUNT)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(e).as("a token that comes after %s is not waited for", HANG).isNotNull();
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.retriable()).isTrue();
            assertThat(took).as("failed within the host's timeouts").isLessThan(BOUND);
        } finally {
            connector.close();
        }
    }
}

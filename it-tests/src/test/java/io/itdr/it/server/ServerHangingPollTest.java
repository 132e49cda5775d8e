package io.itdr.it.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault row 14, a hanging poll: Okta's System Log takes a poll and does not answer (held until the
 * test lets it go). The server gives the poll up at Okta's {@code poll-timeout} and reports Okta
 * down (health and {@code itdr_connector_poll_hanging}), starts no second Okta poll while the first
 * still sits on the platform, and meanwhile polls CloudTrail every second, detects, decides and
 * disables the key. When Okta answers again, its next poll succeeds and its health is up.
 */
class ServerHangingPollTest {
    /** Holds every request it routes until released (at most ten minutes: longer than the test on a loaded machine), counting them. */
    static final class Hold implements ResponseDefinitionTransformerV2 {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger arrived = new AtomicInteger();

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            arrived.incrementAndGet();
            try {
                release.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return serveEvent.getResponseDefinition();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "hold";
        }
    }

    @TempDir
    Path dir;

    private final AwsEstate aws = new AwsEstate();
    private final Hold hold = new Hold();
    private final WireMockServer okta = new WireMockServer(wireMockConfig().dynamicPort().extensions(hold));
    private RunningServer server;
    /** The Okta SDK takes plain http only with this set (PLATFORM-FACTS); put back afterwards. */
    private final String httpsCheck = System.setProperty("okta.testing.disableHttpsCheck", "true");

    @AfterEach
    void stop() {
        hold.release.countDown();
        if (server != null) {
            server.close();
        }
        okta.stop();
        aws.close();
        if (httpsCheck == null) {
            System.clearProperty("okta.testing.disableHttpsCheck");
        } else {
            System.setProperty("okta.testing.disableHttpsCheck", httpsCheck);
        }
    }

    @Test
    void aHangingOktaPollIsBoundedAndReportedWhileAwsPollsAreDecidedAndOktaRecovers() throws Exception {
        okta.start();
        // https://developer.okta.com/docs/reference/api/system-log/#list-events: an empty page (held until released)
        okta.stubFor(get(urlPathEqualTo("/api/v1/logs")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("[]").withTransformers("hold")));
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(300);
        aws.cloudTrail.add(t0, "s3.amazonaws.com", "GetObject",
                id -> AwsEstate.record(id, AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "10.20.3.4", t0));
        aws.cloudTrail.add(t0.plusSeconds(60), "s3.amazonaws.com", "GetObject",
                id -> AwsEstate.record(id, AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "203.0.113.50", t0.plusSeconds(60)));

        Map<String, Object> properties = new LinkedHashMap<>(aws.connectorProperties());
        properties.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("data/itdr").toAbsolutePath() + ";WRITE_DELAY=0");
        properties.put("itdr.policy", Files.writeString(dir.resolve("policy.yaml"), AwsEstate.POLICY).toString());
        properties.put("itdr.catalog", Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG).toString());
        properties.put("itdr.connectors.aws.poll-interval", "1s");
        properties.put("itdr.connectors.aws.config.cloudtrail-settle-delay", "0s");
        properties.put("itdr.connectors.aws.config.cloudtrail-lookback", "1h");
        properties.put("itdr.connectors.okta.enabled", "true");
        properties.put("itdr.connectors.okta.config.org-url", "https://example.okta.com");
        properties.put("itdr.connectors.okta.config.api-token", "00e2eTestTokenNotUsedForCalls");
        properties.put("itdr.connectors.okta.endpoints.okta", okta.baseUrl());
        properties.put("itdr.connectors.okta.poll-interval", "1s");
        properties.put("itdr.connectors.okta.poll-timeout", "2s");
        properties.put("itdr.connectors.okta.request-timeout", "10m"); // the SDK does not give up by itself: the poll-timeout must
        server = new RunningServer(properties);
        String viewer = server.token("hang-watcher", "viewer");

        await("Okta's poll is given up and reported", () -> metric(viewer, "itdr_connector_poll_hanging", "okta") == 1
                && metric(viewer, "itdr_connector_up", "okta") == 0);
        RunningServer.Reply health = server.get("/actuator/health/connectors/okta", viewer);
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body().path("status").asText()).isEqualTo("DOWN");
        assertThat(health.body().path("details").path("lastError").asText()).contains("poll-timeout");

        // meanwhile CloudTrail is polled, the key used from outside its workload is decided on and disabled
        await("the AWS key is disabled", () -> "Inactive".equals(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)));
        long awsPolls = awsPolls(viewer);
        await("CloudTrail polls go on", () -> awsPolls(viewer) >= awsPolls + 2);
        assertThat(metric(viewer, "itdr_connector_poll_hanging", "okta")).as("Okta still hangs").isEqualTo(1);
        // no pile-up: Okta's schedule ticks on, most ticks reach nothing, and of the calls that reached Okta (each
        // held) at most one is not given up yet
        await("Okta's schedule ticks on without reaching Okta", () -> server.get("/actuator/health/connectors/okta", viewer)
                .body().path("details").path("polls").asLong() > hold.arrived.get() + 3L);
        int arrived = hold.arrived.get();
        assertThat(metric(viewer, "itdr_connector_poll_timeouts_total", "okta")).as("every held call but the last was given up")
                .isGreaterThanOrEqualTo(arrived - 1);
        assertThat(metric(viewer, "itdr_connector_poll_hanging", "okta")).as("Okta still hangs").isEqualTo(1);
        JsonNode decisions = server.get("/api/v1/decisions", viewer).ok();
        assertThat(RunningServer.items(decisions)).isNotEmpty();

        // Okta answers again: the hung poll returns (its answer discarded), the next one succeeds
        hold.release.countDown();
        await("Okta is polled and healthy again", () -> server.get("/actuator/health/connectors/okta", viewer).status() == 200
                && metric(viewer, "itdr_connector_poll_hanging", "okta") == 0 && metric(viewer, "itdr_connector_up", "okta") == 1);
        assertThat(hold.arrived.get()).isGreaterThanOrEqualTo(2);
    }

    /** CloudTrail polls that succeeded, from the AWS connector's health. */
    private long awsPolls(String token) {
        JsonNode details = server.get("/actuator/health/connectors/aws", token).body().path("details");
        return details.path("polls").asLong() - details.path("pollFailures").asLong();
    }

    /** A sample of {@code name{connector="..."}} on {@code /actuator/prometheus}; -1 when absent. */
    private double metric(String token, String name, String connector) {
        String text = server.text("/actuator/prometheus", token);
        Matcher sample = Pattern.compile("(?m)^" + name + "\\{[^}]*connector=\"" + connector + "\"[^}]*\\} (\\S+)$").matcher(text);
        return sample.find() ? Double.parseDouble(sample.group(1)) : -1;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 120 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }
}

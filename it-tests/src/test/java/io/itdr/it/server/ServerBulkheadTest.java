package io.itdr.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.fixture.okta.SystemLogSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform that hangs stalls its own connector only: while IAM sits on an answer (the AWS
 * connector's containment waits inside its bulkhead), Okta's events are taken and processed.
 */
class ServerBulkheadTest {
    @TempDir
    Path dir;

    private AwsEstate aws;
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        aws.close();
    }

    @Test
    void aHangingAwsCallDoesNotHoldOktaEvents() throws Exception {
        aws = new AwsEstate();
        Map<String, Object> properties = new LinkedHashMap<>(aws.connectorProperties());
        properties.put("spring.datasource.url", "jdbc:h2:file:" + dir.resolve("data/itdr").toAbsolutePath() + ";WRITE_DELAY=0");
        properties.put("itdr.policy", Files.writeString(dir.resolve("policy.yaml"), AwsEstate.POLICY).toString());
        properties.put("itdr.catalog", Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG).toString());
        properties.put("itdr.connectors.okta.enabled", "true");
        properties.put("itdr.connectors.okta.config.org-url", "https://example.okta.com");
        properties.put("itdr.connectors.okta.config.api-token", "00e2eTestTokenNotUsedForCalls");
        properties.put("itdr.connectors.okta.endpoints.okta", aws.server.baseUrl());
        properties.put("itdr.connectors.okta.poll-interval", "1h");
        server = new RunningServer(properties);
        String responder = server.token("ingest-bot", "responder");
        // IAM carries the containment out but answers only after 10 s
        aws.iam.hooks.delayNext("UpdateAccessKey", 10_000);

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
        server.ingestProcessed("aws", responder, AwsEstate.trail(AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "10.20.3.4", t0));
        // the push is answered once stored: its sender does not wait for the containment IAM sits on
        RunningServer.Reply stored = server.ingest("aws", responder, AwsEstate.trail(AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "203.0.113.50",
                t0.plusSeconds(60)));
        assertThat(stored.status()).as("%s", stored.body()).isEqualTo(202);
        assertThat(stored.body().path("accepted").asInt()).isEqualTo(1);
        assertThat(settled(responder)).as("answered before the containment finished (IAM answers after 10 s)").isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (aws.calls("UpdateAccessKey") == 0 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        assertThat(aws.calls("UpdateAccessKey")).as("the AWS containment is under way").isEqualTo(1);

        // Okta System Log records pushed as an event hook would (https://developer.okta.com/docs/reference/api/system-log/)
        String oktaEvents = "[" + SystemLogSandbox.tokenGrant("e2e-okta-0001", t0, "0oae2eclient0001") + "]";
        JsonNode okta = server.ingestProcessed("okta", responder, oktaEvents);

        assertThat(okta.path("accepted").asInt()).as("%s", okta).isEqualTo(1);
        assertThat(server.get("/api/v1/ingest/aws", responder).ok().path("waiting").asLong()).as("the AWS event is still waiting on IAM")
                .isEqualTo(1);
        assertThat(settled(responder)).isEmpty();
        server.awaitProcessed("aws", responder);
        assertThat(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)).isEqualTo("Inactive");
        assertThat(settled(responder)).isNotEmpty();
    }

    /** Actions whose platform call was answered (executed or verified). */
    private java.util.List<JsonNode> settled(String token) {
        return RunningServer.items(server.get("/api/v1/actions", token).ok()).stream()
                .filter(a -> java.util.Set.of("executed", "verified").contains(a.path("state").asText())).toList();
    }
}

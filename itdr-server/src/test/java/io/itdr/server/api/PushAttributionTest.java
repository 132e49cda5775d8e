package io.itdr.server.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.security.Role;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A pushed GuardDuty finding (the EventBridge record of
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_cloudwatch.html) from an
 * ingest-only token (hardening issue, finding 2): the token is named in the finding, decision and
 * action entries, and since GuardDuty does not hold the finding (GetFindings answers no findings) it
 * is held for a person instead of disabling the key.
 */
class PushAttributionTest extends ApiServerTest {
    private static final String DETECTOR = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

    private static String finding(String id, String role, String key) {
        return """
                {"version":"0","id":"%s","detail-type":"GuardDuty Finding","source":"aws.guardduty","account":"123456789012",
                 "time":"2026-11-02T10:00:00Z","region":"us-east-1","resources":[],
                 "detail":{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"%s",
                  "arn":"arn:aws:guardduty:us-east-1:123456789012:detector/%s/finding/%s",
                  "type":"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
                  "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"%s","principalId":"AROAEXAMPLE:i-0abc",
                   "userName":"%s","userType":"AssumedRole"}},
                  "service":{"serviceName":"guardduty","detectorId":"%s","count":1},
                  "severity":9.5,"createdAt":"2026-11-02T09:58:00.000Z","updatedAt":"2026-11-02T10:00:00.000Z",
                  "title":"Credentials used from outside AWS"}}
                """.formatted(id, id, DETECTOR, id, key, role, DETECTOR);
    }

    @Test
    void aForgedPushFromAnIngestTokenIsHeldAndNamesTheToken() {
        // https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetFindings.html: GuardDuty holds no such finding
        estate().aws.stubFor(post(urlPathMatching("/detector/" + DETECTOR + "/findings/get")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"findings\":[]}")));
        ApiClient pusher = new ApiClient(port, issue("eventbridge", Role.INGEST));
        String findingId = "f0rged00000000000000000000000001";

        ApiClient.Response pushed = pusher.postText("/api/v1/ingest/aws", finding(findingId, "team6-app", "ASIAFORGED0000000001"),
                "application/json");

        assertThat(pushed.status()).as(pushed.toString()).isEqualTo(202);
        assertThat(pushed.json().get("accepted").asInt()).isEqualTo(1);
        awaitPushesProcessed();
        assertThat(pusher.get("/api/v1/events").status()).isEqualTo(403);
        List<JsonNode> mine = ledger().stream().filter(e -> e.toString().contains(findingId) || e.path("evidence").toString().contains(findingId))
                .toList();
        JsonNode finding = mine.stream().filter(e -> e.get("kind").asString().equals("finding")).findFirst().orElseThrow();
        String actor = finding.get("evidence").get("finding.attr.pushed_by").asString();
        assertThat(actor).startsWith("user:eventbridge/token:eventbridge-");
        assertThat(finding.get("evidence").get("finding.attr.platform_confirmed").asString()).isEqualTo("false");
        assertThat(ledger()).filteredOn(e -> e.get("kind").asString().equals("decision")
                        && actor.equals(e.get("evidence").path("event.pushed_by").asString()))
                .singleElement().satisfies(d -> {
                    assertThat(d.get("evidence").get("hold").asString()).isEqualTo("true");
                    assertThat(d.get("evidence").get("guardrails").asString()).contains("unconfirmed_finding");
                });
        assertThat(ledger()).filteredOn(e -> e.get("kind").asString().startsWith("action.")
                        && actor.equals(e.get("evidence").path("event.pushed_by").asString()))
                .isNotEmpty().noneSatisfy(e -> assertThat(e.get("kind").asString()).isIn("action.executed", "action.verified"));
    }

    @Test
    void aFormUploadIs415NotAnEmptySuccess() {
        ApiClient pusher = new ApiClient(port, issue("uploader", Role.INGEST));

        ApiClient.Response response = pusher.postText("/api/v1/ingest/aws", "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n{}\r\n--b--\r\n",
                "multipart/form-data; boundary=b");

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.json().get("type").asString()).endsWith("unsupported-media-type");
    }
}

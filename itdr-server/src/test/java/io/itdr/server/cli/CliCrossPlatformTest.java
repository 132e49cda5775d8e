package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One policy file drives decisions on AWS and Okta identities in the same run: a CloudTrail export
 * and an Okta System Log export, each read by its connector's normalizer, merged by time, through
 * the shipped default policy.
 */
class CliCrossPlatformTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/orders-api";
    private static final String APP = "0oa1reportsvc000001";

    // CloudTrail record shape: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
    // (AssumedRole with a temporary ASIA key and sessionContext). The same session key from two networks four minutes apart.
    private static String cloudTrail(String id, String time, String ip) {
        return """
                {"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEID:orders",
                  "arn":"arn:aws:sts::123456789012:assumed-role/orders-api/orders","accountId":"123456789012",
                  "accessKeyId":"ASIAEXAMPLESESSION01","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEID",
                  "arn":"%s","accountId":"123456789012","userName":"orders-api"},
                  "attributes":{"creationDate":"2026-11-01T09:50:00Z","mfaAuthenticated":"false"}}},
                 "eventTime":"%s","eventSource":"dynamodb.amazonaws.com","eventName":"Query","awsRegion":"us-east-1",
                 "sourceIPAddress":"%s","userAgent":"aws-sdk-java/2.57.8","eventID":"%s","readOnly":true,
                 "eventType":"AwsApiCall","recipientAccountId":"123456789012"}
                """.formatted(ROLE, time, ip, id);
    }

    // LogEvent shape: https://developer.okta.com/docs/reference/api/system-log/#logevent-object — a service app's
    // client-credentials grant, first from Ashburn, then ten minutes later from Singapore.
    private static String oktaGrant(String uuid, String time, String ip, String city, String country, double lat, double lon, long asn) {
        return """
                {"uuid":"%s","published":"%s","eventType":"app.oauth2.as.token.grant.access_token","version":"0","severity":"INFO",
                 "displayMessage":"OAuth2 access token is granted",
                 "actor":{"id":"%s","type":"PublicClientApp","alternateId":"reports-exporter","displayName":"Reports Exporter"},
                 "client":{"id":"%s","userAgent":{"rawUserAgent":"okta-sdk-java/24.0.0"},"ipAddress":"%s",
                   "geographicalContext":{"city":"%s","country":"%s","geolocation":{"lat":%s,"lon":%s}}},
                 "securityContext":{"asNumber":%d,"asOrg":"example","isp":"example","isProxy":false},
                 "outcome":{"result":"SUCCESS"},"transaction":{"type":"WEB","id":"tx-%s"},
                 "debugContext":{"debugData":{"grantType":"client_credentials"}}}
                """.formatted(uuid, time, APP, APP, ip, city, country, lat, lon, asn, uuid);
    }

    @TempDir
    Path dir;

    @Test
    // the session's first use is from a public address: a private address is the tenant's own network (VPC
    // endpoint), which without network data cannot be told apart from a NAT gateway's public address
    void oneDefaultPolicyDecidesOnAwsAndOktaIdentitiesInOneRun() throws IOException {
        Path trail = Files.writeString(dir.resolve("trail.json"), "{\"Records\":[" + cloudTrail("ct-1", "2026-11-01T10:00:00Z", "198.51.100.20")
                + "," + cloudTrail("ct-2", "2026-11-01T10:04:00Z", "203.0.113.9") + "]}");
        Path systemLog = Files.writeString(dir.resolve("system-log.json"), "["
                + oktaGrant("ok-1", "2026-11-01T09:58:00.000Z", "198.51.100.24", "Ashburn", "United States", 39.0469, -77.4903, 14618)
                + "," + oktaGrant("ok-2", "2026-11-01T10:08:00.000Z", "45.76.180.7", "Singapore", "Singapore", 1.35, 103.82, 20473) + "]");
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                identities:
                  - match: "%s"
                    platform: aws
                    owner: team-orders
                    criticality: tier2
                    consumers: [orders-api]
                  - match: "%s"
                    platform: okta
                    owner: team-reports
                    criticality: tier2
                    consumers: [reports-exporter]
                """.formatted(ROLE, APP));

        CliRun run = CliRun.of("replay", "--source", "aws", "--events", trail.toString(), "--source", "okta", "--events",
                systemLog.toString(), "--catalog", catalog.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        JsonNode report = run.json();
        assertThat(report.at("/source").asText()).isEqualTo("aws+okta");
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(4);
        assertThat(report.at("/events/rejected").asLong()).isZero();
        String policySha = report.at("/policy/sha256").asText();
        List<JsonNode> aws = new ArrayList<>();
        List<JsonNode> okta = new ArrayList<>();
        report.get("actions").forEach(a -> (a.get("identity").asText().startsWith("aws/") ? aws : okta).add(a));

        // AWS: the replayed role session would be quarantined (revoking older sessions is compensable on AWS).
        assertThat(aws).anySatisfy(a -> {
            assertThat(a.get("identity").asText()).isEqualTo("aws/123456789012/" + ROLE);
            assertThat(a.get("detector").asText()).isEqualTo("token_replay");
            assertThat(a.get("rung").asText()).isEqualTo("quarantine_session");
        });
        // Okta: the same policy asks for the same rung on impossible travel, but revoking an app's tokens is
        // irreversible on Okta, so the guardrails hold it for a human.
        assertThat(okta).anySatisfy(a -> {
            assertThat(a.get("identity").asText()).endsWith("/" + APP).startsWith("okta/");
            assertThat(a.get("detector").asText()).isEqualTo("impossible_travel");
            assertThat(a.get("rung").asText()).isEqualTo("hold");
            assertThat(a.get("intended_rung").asText()).isEqualTo("quarantine_session");
            assertThat(a.get("reasons").toString()).contains("guardrail irreversible_action");
        });
        assertThat(policySha).hasSize(64);
    }
}

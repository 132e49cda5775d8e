package io.itdr.connector.aws.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * GuardDuty findings: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html and the
 * shapes it links to; the EventBridge envelope from
 * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_cloudwatch.html.
 */
class GuardDutyFindingTest {
    private final CloudTrailNormalizer normalizer = new CloudTrailNormalizer();

    private CollectingSink normalize(String name, byte[] bytes) {
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, "application/json", new ByteArrayInputStream(bytes)), sink);
        return sink;
    }

    @Test
    void eventBridgeFindingBecomesAPlatformFindingOnTheRole() {
        CollectingSink sink = normalize("gd.json", CloudTrailNormalizerTest.fixture("guardduty-eventbridge.json"));
        assertThat(sink.rejections()).isEmpty();
        IdentityEvent e = sink.events().get(0);
        assertThat(e.id()).isEqualTo("16afba5c5c43e07c9e3e5e2e544e95df@2024-06-01T12:20:41.456Z");
        assertThat(e.time()).isEqualTo(Instant.parse("2024-06-01T12:20:41.456Z"));
        assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
        assertThat(e.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(e.tenant()).isEqualTo("123456789012");
        assertThat(e.action()).isEqualTo("guardduty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS");
        assertThat(e.finding()).isEqualTo(new PlatformFinding("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
                0.8, "8", "Credentials for instance role app-server used from external IP address."));
        assertThat(e.identity()).isEqualTo(new IdentityRef("arn:aws:iam::123456789012:role/app-server", "iam_role", "app-server"));
        assertThat(e.credential()).isEqualTo(new CredentialRef("ASIASZ4SI7REXAMPLE01", "session_key"));
        assertThat(e.session()).isEqualTo(new SessionInfo("i-0abcd1234ef567890", "ASIASZ4SI7REXAMPLE01", null, null));
        assertThat(e.workload()).isEqualTo(new Workload("i-0abcd1234ef567890", "ec2", null));
        assertThat(e.source()).isEqualTo(new Source("198.51.100.23", 64496L, "ExampleNet",
                new Geo("NL", null, "Amsterdam", 52.37, 4.89), null, null));
        assertThat(e.attributes()).contains(entry("finding_id", "16afba5c5c43e07c9e3e5e2e544e95df"), entry("api", "ListBuckets"),
                entry("api_service", "s3.amazonaws.com"), entry("count", "3"), entry("user_type", "AssumedRole"));
        assertThat(e.rawRef()).isEqualTo("gd.json:record 1");
        // the raw record is the finding itself, without the EventBridge envelope
        assertThat(sink.records().get(0)).startsWith("{").contains("\"type\":\"UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS\"")
                .doesNotContain("\"detail-type\"");
    }

    @Test
    void getFindingsOutputInPascalCaseAndAFindingWithoutIdentity() {
        CollectingSink sink = normalize("findings.json", CloudTrailNormalizerTest.fixture("guardduty-getfindings.json"));
        IdentityEvent e = sink.events().get(0);
        assertThat(e.identity()).isEqualTo(new IdentityRef("arn:aws:iam::123456789012:user/ci-deployer", "iam_user", "ci-deployer"));
        assertThat(e.credential()).isEqualTo(new CredentialRef("AKIAIOSFODNN7EXAMPLE", "access_key"));
        assertThat(e.finding().confidence()).isEqualTo(0.5);
        assertThat(e.finding().severity()).isEqualTo("5.0");
        // an unparsable ASN is dropped; 0.0/0.0 is GuardDuty's "unknown location", not the Gulf of Guinea
        assertThat(e.source()).isEqualTo(new Source("2001:db8::17", null, "ExampleNet6", null, null, null));
        assertThat(sink.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).startsWith("findings.json:record 2, line ");
            assertThat(r.reason()).contains("resource.accessKeyDetails");
        });
    }

    @Test
    void severityLabelsConfidenceBoundsAndTorCallers() {
        String template = "{\"schemaVersion\":\"2.0\",\"accountId\":\"123456789012\",\"id\":\"f-%s\",\"type\":\"%s\",\"severity\":%s,"
                + "\"updatedAt\":\"2024-06-01T00:00:00Z\",\"resource\":{\"accessKeyDetails\":{\"userType\":\"Root\",\"accessKeyId\":\"ASIAROOT\"}}}";
        String lines = String.format(template, "1", "UnauthorizedAccess:IAMUser/TorIPCaller", "\"HIGH\"") + "\n"
                + String.format(template, "2", "Policy:IAMUser/RootCredentialUsage", "14") + "\n"
                + String.format(template, "3", "Policy:IAMUser/RootCredentialUsage", "-3") + "\n"
                + String.format(template, "4", "Policy:IAMUser/RootCredentialUsage", "\"severe\"") + "\n"
                + "{\"schemaVersion\":\"2.0\",\"type\":\"X\",\"resource\":{}}\n";
        CollectingSink sink = normalize("labels.jsonl", lines.getBytes(StandardCharsets.UTF_8));
        assertThat(sink.events()).extracting(ev -> ev.finding().confidence()).containsExactly(0.8, 1.0, 0.0);
        assertThat(sink.events().get(0).source().proxy()).isTrue();
        assertThat(sink.events().get(0).identity()).isEqualTo(new IdentityRef("arn:aws:iam::123456789012:root", "root", "root"));
        assertThat(sink.rejections()).extracting(r -> r.reason()).containsExactly(
                "severity: expected a number from 1 to 10 or LOW/MEDIUM/HIGH/CRITICAL, found 'severe'",
                "GuardDuty finding: missing required field(s): id, updatedAt, severity");
    }
}

package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code itdr rules check} and {@code itdr replay --rules}. */
class CliRulesTest {
    /** Written for this test: stopping or deleting a CloudTrail trail. */
    private static final String TRAIL_RULE = """
            title: Trail stopped or deleted
            id: 0d4bd7a8-0000-4000-8000-00000000a001
            level: high
            tags: [attack.defense-evasion, attack.t1562.008]
            logsource:
              product: aws
              service: cloudtrail
            detection:
              selection:
                eventSource: cloudtrail.amazonaws.com
                eventName: [StopLogging, DeleteTrail]
              condition: selection
            """;
    private static final String OKTA_RULE = """
            title: Okta policy rule changed
            id: 0d4bd7a8-0000-4000-8000-00000000a002
            level: medium
            logsource: {product: okta, service: okta}
            detection:
              selection:
                eventtype: [policy.rule.update, policy.rule.delete]
              condition: selection
            """;
    private static final String M365_RULE = """
            title: M365 mailbox rule created
            level: low
            logsource: {product: m365, service: exchange}
            detection:
              selection:
                Operation: New-InboxRule
              condition: selection
            """;
    private static final String AGGREGATION = """
            title: Many denied calls
            id: 0d4bd7a8-0000-4000-8000-00000000a003
            logsource: {product: aws, service: cloudtrail}
            detection:
              selection:
                errorCode: AccessDenied
              condition: selection | count() by userIdentity.arn > 10
            """;

    /**
     * A CloudTrail file as delivered to S3; the DeleteTrail record is corpus record 12c9a5eed4ed8b04
     * (panther-labs/panther-analysis, "Security Configuration Changed"), the other one a read.
     */
    private static final String TRAIL = """
            {"Records":[
             {"awsRegion":"us-west-2","eventID":"corpus-12c9a5eed4ed8b04","eventName":"DeleteTrail","eventSource":"cloudtrail.amazonaws.com",
              "eventTime":"2019-01-01T00:00:00Z","eventType":"AwsApiCall","eventVersion":"1.05","readOnly":false,
              "recipientAccountId":"123456789012","requestID":"1111","requestParameters":{"name":"example-trail"},"responseElements":null,
              "sourceIPAddress":"111.111.111.111","userAgent":"Mozilla/2.0 (compatible; NEWT ActiveX; Win32)",
              "userIdentity":{"accessKeyId":"1111","accountId":"123456789012","arn":"arn:aws:sts::123456789012:assumed-role/example-role/example-user",
               "principalId":"1111","sessionContext":{"sessionIssuer":{"accountId":"123456789012",
               "arn":"arn:aws:iam::123456789012:role/example-role","principalId":"1111","type":"Role","userName":"example-role"}},"type":"AssumedRole"}},
             {"awsRegion":"us-west-2","eventID":"read-1","eventName":"DescribeTrails","eventSource":"cloudtrail.amazonaws.com",
              "eventTime":"2019-01-01T00:01:00Z","eventType":"AwsApiCall","eventVersion":"1.05","readOnly":true,
              "recipientAccountId":"123456789012","sourceIPAddress":"111.111.111.111","userAgent":"aws-cli/2",
              "userIdentity":{"accessKeyId":"1111","accountId":"123456789012","arn":"arn:aws:sts::123456789012:assumed-role/example-role/example-user",
               "principalId":"1111","sessionContext":{"sessionIssuer":{"accountId":"123456789012",
               "arn":"arn:aws:iam::123456789012:role/example-role","principalId":"1111","type":"Role","userName":"example-role"}},"type":"AssumedRole"}}
            ]}
            """;

    @TempDir
    Path dir;

    private Path rules() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules/aws"));
        Files.writeString(rules.resolve("trail.yml"), TRAIL_RULE);
        Files.writeString(rules.resolve("denied.yml"), AGGREGATION);
        Files.writeString(Files.createDirectories(dir.resolve("rules/okta")).resolve("policy.yaml"), OKTA_RULE);
        Files.writeString(dir.resolve("rules/m365.yml"), M365_RULE);
        Files.writeString(dir.resolve("rules/README.md"), "not a rule");
        return dir.resolve("rules");
    }

    @Test
    void checkReportsEveryRuleLoadedOrRefusedWithFileLineAndReason() throws IOException {
        Path rules = rules();

        CliRun run = CliRun.of("rules", "check", rules.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.INVALID);
        assertThat(run.out()).contains("loaded   " + rules.resolve("aws/trail.yml") + "  0d4bd7a8-0000-4000-8000-00000000a001"
                + "  Trail stopped or deleted  [aws/cloudtrail, high]");
        assertThat(run.out()).contains("Okta policy rule changed  [okta/okta, medium]");
        assertThat(run.out()).contains("m365-mailbox-rule-created  M365 mailbox rule created  [m365/exchange, low, inactive: no connector reads it]");
        assertThat(run.out()).contains("refused  " + rules.resolve("aws/denied.yml") + ":7: 0d4bd7a8-0000-4000-8000-00000000a003: "
                + "condition 'selection | count() by userIdentity.arn > 10': aggregation");
        assertThat(run.out()).contains("4 files: 3 rules loaded (2 active, 1 inactive), 1 refused");
        assertThat(run.out()).containsPattern("\\s+1 refused: condition '…': aggregation");
    }

    @Test
    void checkOfRulesThatAllLoadExitsZeroAndAMissingFolderFour() throws IOException {
        Path one = dir.resolve("trail.yml");
        Files.writeString(one, TRAIL_RULE);
        CliRun ok = CliRun.of("rules", "check", one.toString());
        assertThat(ok.exitCode()).as(ok.toString()).isEqualTo(ExitCode.OK);
        assertThat(ok.out()).contains("1 files: 1 rules loaded (1 active, 0 inactive), 0 refused");

        CliRun missing = CliRun.of("rules", "check", dir.resolve("nowhere").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.UNREADABLE);
        assertThat(missing.err()).contains("nowhere: no such rule file or folder");
    }

    @Test
    void replayWithRulesFindsTheRuleOnTheRawRecordAndSaysWhatWasRefused() throws IOException {
        Path rules = rules();
        Path trail = dir.resolve("trail.json");
        Files.writeString(trail, TRAIL);

        CliRun run = CliRun.of("replay", "--source", "aws", "--events", trail.toString(), "--rules", rules.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        assertThat(run.err()).contains("itdr replay: rule refused: " + rules.resolve("aws/denied.yml") + ":7:")
                .contains("itdr replay: rules: 3 loaded (2 active), 0 correlation rules, 1 refused");
        JsonNode report = run.json();
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(2);
        assertThat(report.toString()).contains("sigma:0d4bd7a8-0000-4000-8000-00000000a001");

        CliRun without = CliRun.of("replay", "--source", "aws", "--events", trail.toString(), "--format", "json");
        assertThat(without.exitCode()).as(without.toString()).isEqualTo(ExitCode.OK);
        assertThat(without.out()).doesNotContain("sigma:");
    }
}

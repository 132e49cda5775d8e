package io.itdr.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution ships the AWS connector, so {@code --source aws} reads a CloudTrail export (as
 * delivered to S3: {"Records":[...]}, gzip) with no change to the command line.
 */
class CliAwsSourceTest {
    // Shape from https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
    private static final String TRAIL = """
            {"Records":[
              {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAJ45Q7YFFAREXAMPLE",
                "arn":"arn:aws:iam::123456789012:user/ci-deployer","accountId":"123456789012","accessKeyId":"AKIAIOSFODNN7EXAMPLE",
                "userName":"ci-deployer"},
               "eventTime":"2026-11-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"us-east-1",
               "sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","eventID":"3038ebd2-c98a-4c65-9b6e-e22506292313",
               "readOnly":false,"eventType":"AwsApiCall","recipientAccountId":"123456789012"},
              {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/ci-deployer"},
               "eventSource":"s3.amazonaws.com","eventName":"GetObject"}
            ]}
            """;

    @TempDir
    Path dir;

    @Test
    void replaysAGzippedCloudTrailExportThroughTheAwsConnectorsNormalizer() throws IOException {
        Path trail = dir.resolve("trail.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(trail))) {
            out.write(TRAIL.getBytes(StandardCharsets.UTF_8));
        }

        CliRun run = CliRun.of("replay", "--source", "aws", "--events", trail.toString(), "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        JsonNode report = run.json();
        assertThat(report.at("/source").asText()).isEqualTo("aws");
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(1);
        assertThat(report.at("/events/rejected").asLong()).isEqualTo(1);
        assertThat(report.at("/rejections/0/file").asText()).isEqualTo(trail.toString());
        assertThat(report.at("/rejections/0/reason").asText()).contains("eventID");
    }

    @Test
    void anUnknownSourceListsTheConnectorsThatCanReadExports() {
        CliRun run = CliRun.of("replay", "--source", "gcp", "--events", "x.json");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("unknown --source 'gcp'; available: [aws, normalized, okta]");
    }

    @Test
    void twoSourcesReplayInOneRunMergedByEventTime() throws IOException {
        Path trail = dir.resolve("trail.json");
        Files.writeString(trail, TRAIL);
        // The normalized event is 5 hours later than the CloudTrail one, yet listed first: the
        // sources' events are replayed in one time order, not one source after the other.
        Path normalized = NormalizedEvents.write(dir.resolve("events.jsonl"), List.of(
                NormalizedEvents.apiCall("n-1", "2026-11-01T15:00:00Z", "arn:aws:iam::123456789012:user/other")));

        CliRun run = CliRun.of("replay", "--events", normalized.toString(), "--source", "aws", "--events", trail.toString(),
                "--format", "json");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.OK);
        JsonNode report = run.json();
        assertThat(report.at("/source").asText()).isEqualTo("normalized+aws");
        assertThat(report.at("/events/accepted").asLong()).isEqualTo(2);
        assertThat(report.at("/events/rejected").asLong()).isEqualTo(1);
        assertThat(report.at("/rejections/0/reason").asText()).contains("eventID");
    }
}

package io.itdr.connector.aws.telemetry;

import io.itdr.connector.aws.normalize.CloudTrailNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Clock;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Makes the sources that read a trail's S3 delivery. Stateless. */
public final class TrailDelivery {
    private TrailDelivery() {
    }

    /** {@code telemetry=trail-sqs}: log files as SQS announces them, and EventBridge events on the same queue. */
    public static TelemetrySource queue(SqsClient sqs, S3Client s3, CloudTrailNormalizer normalizer, TrailDeliverySettings settings) {
        return new TrailQueueSource(sqs, new TrailObjectReader(s3, normalizer), settings);
    }

    /** {@code telemetry=trail-s3-scan}: log files found by listing the trail's folders. */
    public static TelemetrySource scan(S3Client s3, CloudTrailNormalizer normalizer, TrailDeliverySettings settings, Clock clock) {
        return new TrailScanSource(s3, new TrailObjectReader(s3, normalizer), settings, clock);
    }
}

package io.itdr.connector.aws.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What one SQS message of the trail queue asks to read, from its body:
 * <ul>
 *   <li>an S3 event notification (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html):
 *       {@code {"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":…},"object":{"key":…}}}]}},
 *       its keys URL-encoded as S3 sends them; the trail's log files among its objects are read;</li>
 *   <li>the same wrapped by SNS (https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html):
 *       {@code {"Type":"Notification","Message":"<the notification as a string>"}} (raw message delivery off);</li>
 *   <li>CloudTrail's own SNS notification of a delivered file
 *       (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html):
 *       {@code {"s3Bucket":…,"s3ObjectKey":[…]}};</li>
 *   <li>an EventBridge event (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html),
 *       e.g. {@code "detail-type":"GuardDuty Finding"} from a rule whose target is the queue: read as one record;</li>
 *   <li>S3's {@code s3:TestEvent}, sent when notifications are configured: nothing to read.</li>
 * </ul>
 * Anything else is {@link Unreadable}: the caller rejects it once and deletes it, so a stray message
 * never blocks the queue. Immutable.
 *
 * @param objects log files to read, in the order announced
 * @param event   an EventBridge event's JSON, or null
 */
record QueueMessage(List<TrailObject> objects, String event) {
    /** One S3 object of a trail. */
    record TrailObject(String bucket, String key) {
    }

    /** A message body that is none of the known kinds. */
    static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * A trail's log file, not its digest (CloudTrail-Digest/) or Insights (CloudTrail-Insight/) files
     * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html).
     */
    static final Pattern LOG_FILE = Pattern.compile("(.*/)?AWSLogs/(o-[a-z0-9]{10,32}/)?\\d{12}/CloudTrail/[a-z0-9-]+/\\d{4}/\\d{2}/\\d{2}/"
            + "\\d{12}_CloudTrail_[a-z0-9-]+_\\d{8}T\\d{4}Z_[A-Za-z0-9]+\\.json\\.gz");

    QueueMessage {
        objects = List.copyOf(objects);
    }

    static QueueMessage parse(String body) throws Unreadable {
        JsonNode root = tree(body);
        if ("Notification".equals(root.path("Type").asText(null)) && root.path("Message").isTextual()) {
            root = tree(root.get("Message").textValue()); // SNS envelope
        }
        if (root.path("detail-type").isTextual() && root.path("detail").isObject()) {
            return new QueueMessage(List.of(), root.toString());
        }
        if ("s3:TestEvent".equals(root.path("Event").asText(null))) {
            return new QueueMessage(List.of(), null);
        }
        List<TrailObject> objects = new ArrayList<>();
        if (root.path("s3Bucket").isTextual() && root.path("s3ObjectKey").isArray()) {
            for (JsonNode key : root.get("s3ObjectKey")) {
                add(objects, root.get("s3Bucket").asText(), key.asText(""));
            }
            return new QueueMessage(objects, null);
        }
        JsonNode records = root.path("Records");
        if (!records.isArray()) {
            throw new Unreadable("not an S3 event notification (no Records), an SNS notification, or an EventBridge event");
        }
        for (JsonNode record : records) {
            if (!"aws:s3".equals(record.path("eventSource").asText(null))) {
                throw new Unreadable("Records[]: eventSource is '" + record.path("eventSource").asText("") + "', expected aws:s3");
            }
            if (!record.path("eventName").asText("").startsWith("ObjectCreated:")) {
                continue; // removals and restores say nothing new about the trail
            }
            String bucket = record.path("s3").path("bucket").path("name").asText(null);
            String key = record.path("s3").path("object").path("key").asText(null);
            if (bucket == null || key == null) {
                throw new Unreadable("Records[]: s3.bucket.name or s3.object.key is missing");
            }
            // S3 URL-encodes object keys in notifications, spaces as '+'
            add(objects, bucket, URLDecoder.decode(key, StandardCharsets.UTF_8));
        }
        return new QueueMessage(objects, null);
    }

    private static void add(List<TrailObject> objects, String bucket, String key) {
        if (LOG_FILE.matcher(key).matches()) {
            objects.add(new TrailObject(bucket, key));
        }
    }

    private static JsonNode tree(String text) throws Unreadable {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new Unreadable("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new Unreadable("not JSON: " + why);
        }
    }
}

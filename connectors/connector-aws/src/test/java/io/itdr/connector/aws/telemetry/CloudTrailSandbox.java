package io.itdr.connector.aws.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A stateful stand-in for CloudTrail event history on WireMock: {@code POST /} with
 * {@code X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents} and a
 * JSON 1.1 body, answered from the seeded events as the API reference describes
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html): StartTime
 * and EndTime (epoch seconds) both inclusive, at most one lookup attribute, MaxResults 1 to 50,
 * events newest first (same-second events in no particular order), paged with a NextToken that is
 * only valid with the same parameters. Errors have the JSON 1.1 shape
 * ({@code {"__type":"InvalidTimeRangeException","message":…}}, HTTP 400).
 *
 * <p>Thread-safe: the history is synchronized on this object.
 */
public final class CloudTrailSandbox implements ResponseDefinitionTransformerV2 {
    static final String NAME = "cloudtrail-sandbox";
    public static final String LOOKUP_EVENTS = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
    public static final String JSON_1_1 = "application/x-amz-json-1.1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One event of the history, as LookupEvents lists it. */
    public record Seeded(String eventId, Instant time, String eventSource, String eventName, String cloudTrailEvent) {
        public Seeded {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(time, "time");
        }
    }

    private final List<Seeded> history = new ArrayList<>();
    private int sequence;

    /** Routes LookupEvents calls to this sandbox. */
    public void stub(WireMockServer server) {
        // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
        server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo(LOOKUP_EVENTS))
                .willReturn(aResponse().withTransformers(NAME)));
    }

    public synchronized void clear() {
        history.clear();
        sequence = 0;
    }

    /** Adds a well-formed event of the IAM user ci-deployer at {@code time}; returns its EventId. */
    public String add(Instant time, String eventSource, String eventName) {
        return add(time, eventSource, eventName, id -> record(id, time.toString(), eventSource, eventName));
    }

    /** Adds an event whose CloudTrailEvent string is what {@code recordForId} makes of its EventId; returns the id. */
    public synchronized String add(Instant time, String eventSource, String eventName, Function<String, String> recordForId) {
        sequence++;
        // EventIds are UUIDs; these sort in the order they were added
        String id = String.format("%08d-0000-4000-8000-%012d", sequence, sequence);
        history.add(new Seeded(id, time, eventSource, eventName, recordForId.apply(id)));
        return id;
    }

    /** Every event added since the last clear, in the order added. */
    public synchronized List<Seeded> history() {
        return List.copyOf(history);
    }

    /**
     * The history as a trail delivers it to S3, {@code {"Records":[…]}}
     * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html).
     * Records are embedded as they are, so each must be JSON.
     */
    public synchronized String export() {
        StringBuilder b = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < history.size(); i++) {
            b.append(i == 0 ? "" : ",\n").append(history.get(i).cloudTrailEvent());
        }
        return b.append("]}").toString();
    }

    /**
     * A CloudTrail record of an API call by the IAM user ci-deployer with an access key
     * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
     * {@code eventTime} is taken as given, so a test can make it malformed.
     */
    public static String record(String eventId, String eventTime, String eventSource, String eventName) {
        ObjectNode r = JSON.createObjectNode();
        r.put("eventVersion", "1.09");
        ObjectNode user = r.putObject("userIdentity");
        user.put("type", "IAMUser");
        user.put("principalId", "AIDAJ45Q7YFFAREXAMPLE");
        user.put("arn", "arn:aws:iam::123456789012:user/ci-deployer");
        user.put("accountId", "123456789012");
        user.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        user.put("userName", "ci-deployer");
        r.put("eventTime", eventTime);
        r.put("eventSource", eventSource);
        r.put("eventName", eventName);
        r.put("awsRegion", "us-east-1");
        r.put("sourceIPAddress", "203.0.113.7");
        r.put("userAgent", "aws-cli/2.15.0 Python/3.11.6");
        r.putNull("requestParameters");
        r.putNull("responseElements");
        r.put("requestID", "req-" + eventId);
        r.put("eventID", eventId);
        r.put("readOnly", eventName.startsWith("Get") || eventName.startsWith("List"));
        r.put("eventType", "AwsApiCall");
        r.put("managementEvent", true);
        r.put("recipientAccountId", "123456789012");
        r.put("eventCategory", "Management");
        return r.toString();
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String contentType = serveEvent.getRequest().getHeader("Content-Type");
        if (contentType == null || !contentType.startsWith(JSON_1_1)) {
            return error(400, "SerializationException", "expected Content-Type " + JSON_1_1).build();
        }
        JsonNode body;
        try {
            body = JSON.readTree(serveEvent.getRequest().getBodyAsString());
        } catch (IOException e) {
            return error(400, "SerializationException", "body is not JSON").build();
        }
        synchronized (this) {
            return lookupEvents(body).build();
        }
    }

    private ResponseDefinitionBuilder lookupEvents(JsonNode body) {
        Instant start = body.hasNonNull("StartTime") ? epochSeconds(body.get("StartTime")) : Instant.MIN;
        Instant end = body.hasNonNull("EndTime") ? epochSeconds(body.get("EndTime")) : Instant.MAX;
        if (start.isAfter(end)) {
            return error(400, "InvalidTimeRangeException", "Start time must be before end time.");
        }
        int max = body.path("MaxResults").asInt(50);
        if (max < 1 || max > 50) {
            return error(400, "InvalidMaxResultsException", "MaxResults must be from 1 to 50.");
        }
        JsonNode attributes = body.path("LookupAttributes");
        if (attributes.size() > 1) {
            return error(400, "InvalidLookupAttributesException", "Only one lookup attribute is allowed.");
        }
        String key = attributes.size() == 1 ? attributes.get(0).path("AttributeKey").asText() : null;
        String value = attributes.size() == 1 ? attributes.get(0).path("AttributeValue").asText() : null;
        if (key != null && !List.of("EventSource", "EventName", "EventId").contains(key)) {
            return error(400, "InvalidLookupAttributesException", "This sandbox filters by EventSource, EventName or EventId, not " + key);
        }
        List<Seeded> matching = new ArrayList<>();
        for (Seeded e : history) {
            if (!e.time().isBefore(start) && !e.time().isAfter(end) && (key == null || value.equals(switch (key) {
                case "EventSource" -> e.eventSource();
                case "EventName" -> e.eventName();
                default -> e.eventId();
            }))) {
                matching.add(e);
            }
        }
        // newest first; within one second AWS promises no order, so this one is deliberately not the ids' order
        matching.sort(Comparator.comparing(Seeded::time).reversed().thenComparing(e -> Integer.reverse(e.eventId().hashCode())));

        String parameters = start + "|" + end + "|" + key + "|" + value + "|" + max;
        int from = 0;
        if (body.hasNonNull("NextToken")) {
            String[] token = new String(Base64.getDecoder().decode(body.get("NextToken").asText()), StandardCharsets.UTF_8).split("#", 2);
            if (token.length != 2 || !token[1].equals(parameters)) {
                return error(400, "InvalidNextTokenException", "A token must be passed with the parameters of the call that returned it.");
            }
            from = Integer.parseInt(token[0]);
        }
        int to = Math.min(from + max, matching.size());
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode events = answer.putArray("Events");
        for (Seeded e : matching.subList(Math.min(from, to), to)) {
            ObjectNode item = events.addObject();
            item.put("EventId", e.eventId());
            item.put("EventName", e.eventName());
            item.put("ReadOnly", String.valueOf(e.eventName() != null && (e.eventName().startsWith("Get") || e.eventName().startsWith("List"))));
            item.put("AccessKeyId", "AKIAIOSFODNN7EXAMPLE");
            // epoch seconds as a JSON number; whole seconds come out in exponent form (1.7723568E+9), which clients must read
            item.put("EventTime", BigDecimal.valueOf(e.time().getEpochSecond()).add(BigDecimal.valueOf(e.time().getNano(), 9)).stripTrailingZeros());
            item.put("EventSource", e.eventSource());
            item.put("Username", "ci-deployer");
            item.putArray("Resources");
            item.put("CloudTrailEvent", e.cloudTrailEvent());
        }
        if (to < matching.size()) {
            answer.put("NextToken", Base64.getEncoder().encodeToString((to + "#" + parameters).getBytes(StandardCharsets.UTF_8)));
        }
        return aResponse().withStatus(200).withHeader("Content-Type", JSON_1_1).withBody(answer.toString());
    }

    private static Instant epochSeconds(JsonNode value) {
        BigDecimal seconds = value.decimalValue();
        long whole = seconds.longValue();
        return Instant.ofEpochSecond(whole, seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue());
    }

    /** A JSON 1.1 error: HTTP status, {@code __type} naming the exception, and a message. */
    public static ResponseDefinitionBuilder error(int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("__type", type).put("message", message);
        return aResponse().withStatus(status).withHeader("Content-Type", JSON_1_1).withBody(body.toString());
    }
}

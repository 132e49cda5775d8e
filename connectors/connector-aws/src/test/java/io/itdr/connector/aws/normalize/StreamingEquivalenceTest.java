package io.itdr.connector.aws.normalize;

import static io.itdr.connector.aws.normalize.StreamingEquivalence.assertEquivalent;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.fixture.aws.CloudTrailRecords;
import io.itdr.fixture.record.RawRecord;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The streaming CloudTrail normalizer against the tree-based one it replaced
 * ({@link StreamingEquivalence}): every fixture of this module, the records of the estate renderer
 * (fixture-aws), the real corpus (beside the repository, when present) and a generated estate's
 * trail (when named), each in every framing the normalizer reads, plus the records built to find
 * where reading fields off the parser could differ from reading a tree.
 */
class StreamingEquivalenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FIXTURES = List.of("cloudtrail-log-file-examples.json", "iam-user-guide-cloudtrail-examples.json",
            "iam-changes.jsonl", "user-identity-types.jsonl", "detection-facts.jsonl", "guardduty-eventbridge.json",
            "guardduty-getfindings.json");

    @Test
    void everyFixtureAsItIsAndCompressed() {
        for (String name : FIXTURES) {
            byte[] bytes = CloudTrailNormalizerTest.fixture(name);
            StreamingEquivalence.Outcome outcome = assertEquivalent(name, bytes);
            assertThat(outcome.events().size() + outcome.rejections().size()).as(name).isPositive();
            assertEquivalent(name + ".gz", HostileInputTest.gzip(bytes));
        }
    }

    @Test
    void theFixturesRecordsInEveryFraming() {
        List<JsonNode> records = new ArrayList<>();
        for (String name : FIXTURES) {
            records.addAll(records(CloudTrailNormalizerTest.fixture(name)));
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(40);
        assertEveryFraming("fixtures", records);
    }

    /** The estate generator writes its trail with fixture-aws's renderer: every fixture event, rendered by it and read back. */
    @Test
    void theEstateRenderersRecords() {
        List<JsonNode> rendered = new ArrayList<>();
        for (String name : FIXTURES) {
            for (IdentityEvent event : StreamingEquivalence.run(new TreeCloudTrailNormalizer(), name, CloudTrailNormalizerTest.fixture(name)).events()) {
                Optional<RawRecord> record = CloudTrailRecords.render(event);
                record.ifPresent(r -> rendered.add(tree(r.json())));
            }
        }
        assertThat(rendered).hasSizeGreaterThan(20);
        assertEveryFraming("rendered", rendered);
    }

    /** The real corpus (../shared/corpus, beside the repository), as {@code to-raw} writes it and in every other framing. */
    @Test
    void theCorpus() throws IOException {
        Path cloudTrail = locate("shared/corpus/aws_cloudtrail.jsonl");
        Assumptions.assumeTrue(cloudTrail != null, "../shared/corpus/aws_cloudtrail.jsonl not beside the repository");
        List<JsonNode> logs = new ArrayList<>();
        for (String file : List.of("aws_cloudtrail.jsonl", "aws_guardduty.jsonl")) {
            Path path = cloudTrail.resolveSibling(file);
            if (!Files.isRegularFile(path)) {
                continue;
            }
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                JsonNode record = JSON.readTree(line);
                ObjectNode log = (ObjectNode) record.get("log");
                // as to-raw: ids rewritten, since rule tests reuse them
                log.put(file.contains("guardduty") ? "id" : "eventID", "corpus-" + record.get("id").asText());
                logs.add(log);
            }
        }
        assertThat(logs).hasSizeGreaterThan(300);
        StreamingEquivalence.Outcome outcome = assertEquivalent("corpus.raw", envelope(logs, PYTHON_LIKE));
        assertThat(outcome.events().size() + outcome.rejections().size()).isEqualTo(logs.size());
        assertThat(outcome.events()).hasSizeGreaterThan(logs.size() / 2);
        System.out.printf("corpus: %d records, %d events, %d rejections, equal%n", logs.size(), outcome.events().size(),
                outcome.rejections().size());
        assertEveryFraming("corpus", logs);
    }

    /**
     * A generated estate's trail ({@code itdr generate --raw}: {@code raw/aws-cloudtrail.json.gz}), named by
     * {@code -Ditdr.estate.cloudtrail=FILE}; skipped without it (the estate generator is not a dependency a
     * connector may have).
     */
    @Test
    void aGeneratedEstatesTrail() throws IOException {
        String file = System.getProperty("itdr.estate.cloudtrail");
        Assumptions.assumeTrue(file != null && !file.isBlank(), "no -Ditdr.estate.cloudtrail=FILE");
        byte[] bytes = Files.readAllBytes(Path.of(file));
        StreamingEquivalence.Outcome outcome = assertEquivalent(file, bytes);
        assertThat(outcome.events()).isNotEmpty();
        System.out.printf("estate %s: %d events, %d rejections, equal%n", file, outcome.events().size(), outcome.rejections().size());
    }

    // ---- where fields read off the parser could differ from a tree ----

    private static final String IDENTITY = "{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::123456789012:user/alice\",\"accountId\":\"123456789012\","
            + "\"accessKeyId\":\"AKIAEXAMPLE\"}";

    private static String record(String id, String extra) {
        return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"2024-06-01T10:00:00Z\",\"userIdentity\":" + IDENTITY
                + ",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"AttachUserPolicy\",\"recipientAccountId\":\"123456789012\""
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static final List<String> ODD_RECORDS = List.of(
            record("dup-id", "\"eventID\":\"dup-id-2\""),
            record("dup-identity", "\"userIdentity\":{\"type\":\"Root\",\"accountId\":\"111122223333\"}"),
            record("identity-then-string", "\"userIdentity\":\"nobody\""),
            record("string-then-object", "\"requestParameters\":\"x\",\"requestParameters\":{\"userName\":\"bob\",\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}"),
            record("number-picked", "\"requestParameters\":{\"userName\":17,\"policyArn\":\"p\"}"),
            record("float-picked", "\"awsRegion\":1.50e3"),
            record("number-skipped", "\"readOnly\":false,\"eventVersionNumber\":1.0e10,\"requestParameters\":{\"maxItems\":100}"),
            record("booleans", "\"errorCode\":true,\"requestParameters\":{\"userName\":\"bob\",\"policyArn\":\"p\",\"setAsDefault\":true}"),
            record("containers-as-text", "\"eventName\":{\"a\":1},\"sourceIPAddress\":[1,2],\"userAgent\":null"),
            record("blank", "\"awsRegion\":\"  \",\"errorMessage\":\"\""),
            record("escapes", "\"userAgent\":\"a\\\"b\\\\c\\/d\\u00e9\\n\\t\\u0001 \u00e9 \u20ac \ud83d\ude00\",\"note\":\"\\ud83d\\ude00 \u00fc\""),
            record("lists", "\"eventSource\":\"ec2.amazonaws.com\",\"eventName\":\"StopInstances\","
                    + "\"requestParameters\":{\"instanceIds\":[\"i-b\",\"i-a\"],\"names\":[]}"),
            record("mixed-list", "\"eventSource\":\"ec2.amazonaws.com\",\"requestParameters\":{\"instanceIds\":[\"i-b\",3,null]}"),
            record("empty-lists", "\"eventSource\":\"ec2.amazonaws.com\",\"requestParameters\":{\"instanceIds\":[],\"names\":{},\"secretIdList\":\"s\"}"),
            record("items", "\"eventSource\":\"ec2.amazonaws.com\",\"requestParameters\":{\"instancesSet\":{\"items\":[{\"instanceId\":\"i-1\"},{\"instanceId\":\"i-2\"}]}}"),
            record("items-not-object", "\"requestParameters\":{\"instancesSet\":{\"items\":[\"i-1\",{\"instanceId\":\"i-2\"}]}}"),
            record("items-object", "\"requestParameters\":{\"instancesSet\":{\"items\":{\"instanceId\":\"i-1\"}}}"),
            record("items-array-set", "\"requestParameters\":{\"instancesSet\":[{\"items\":[{\"instanceId\":\"i-1\"}]}]}"),
            record("mfa-boolean", "\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::123456789012:assumed-role/R/s\","
                    + "\"sessionContext\":{\"attributes\":{\"mfaAuthenticated\":true,\"creationDate\":\"20131102T010628Z\"},"
                    + "\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"arn:aws:iam::123456789012:role/R\",\"userName\":\"R\"}}}"),
            record("mfa-text", "\"additionalEventData\":{\"MFAUsed\":\"Yes\"},\"responseElements\":{\"ConsoleLogin\":\"Failure\"}"),
            record("detail", "\"detail\":{\"eventID\":\"x\"},\"source\":\"aws.iam\""),
            record("embedded", "\"CloudTrailEvent\":\"{}\""),
            record("records-field", "\"Records\":[]"),
            record("deep", "\"requestParameters\":{\"a\":[[[[{\"b\":[[[\"c\"]]]}]]]]}"),
            record("", ""),
            record("   ", ""),
            "{\"eventID\":null,\"eventTime\":\"2024-06-01T10:00:00Z\",\"userIdentity\":" + IDENTITY + "}",
            "{\"eventID\":7,\"eventTime\":\"2024-06-01T10:00:00Z\",\"userIdentity\":" + IDENTITY + "}",
            "{\"eventID\":true,\"eventTime\":false,\"userIdentity\":[]}",
            "{\"eventTime\":\"2024-06-01T10:00:00Z\",\"id\":\"finding-like\",\"userIdentity\":" + IDENTITY + "}",
            "{\"eventID\":\"bad-time\",\"eventTime\":\"redacted\",\"userIdentity\":" + IDENTITY + "}",
            "{\"eventID\":\"nobody\",\"eventTime\":\"2024-06-01T10:00:00Z\",\"userIdentity\":{\"type\":\"IAMUser\"}}",
            "{\"eventID\":\"blank-arn\",\"eventTime\":\"2024-06-01T10:00:00Z\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\" \",\"accountId\":\"1\"}}",
            // a CloudTrail Insights event: no userIdentity (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-insights-events.html)
            "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-06-01T10:00:00Z\",\"awsRegion\":\"us-east-1\",\"eventID\":\"insight-1\","
                    + "\"eventType\":\"AwsCloudTrailInsight\",\"recipientAccountId\":\"123456789012\",\"sharedEventID\":\"s\","
                    + "\"insightDetails\":{\"state\":\"Start\",\"eventSource\":\"ssm.amazonaws.com\",\"eventName\":\"UpdateInstanceAssociationStatus\","
                    + "\"insightType\":\"ApiCallRateInsight\",\"insightContext\":{\"statistics\":{\"baseline\":{\"average\":85.49}}}},"
                    + "\"eventCategory\":\"Insight\"}",
            "{\"schemaVersion\":\"2.0\",\"type\":\"Recon:IAMUser/MaliciousIPCaller\",\"id\":\"f-1\",\"arn\":\"arn:aws:guardduty:us-east-1:1:detector/d/finding/f-1\"}");

    @Test
    void recordsBuiltToFindTheDifferences() {
        assertEveryFraming("odd", ODD_RECORDS.stream().map(StreamingEquivalenceTest::tree).toList());
        // as written (the trees above lost duplicate fields and number spellings)
        String joined = String.join(",", ODD_RECORDS);
        StreamingEquivalence.Outcome outcome = assertEquivalent("odd.json", ("{\"Records\":[" + joined + ",1,\"x\",null,[]]}").getBytes(StandardCharsets.UTF_8));
        assertThat(outcome.events()).hasSizeGreaterThan(20);
        assertEquivalent("odd.jsonl", String.join("\n", ODD_RECORDS).getBytes(StandardCharsets.UTF_8));
        assertEquivalent("odd-crlf.jsonl", ("\ufeff" + String.join("\r\n", ODD_RECORDS) + "\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquivalent("odd-array.json", ("\ufeff [\n" + String.join(",\n", ODD_RECORDS) + "\n]").getBytes(StandardCharsets.UTF_8));
        assertEquivalent("odd.json.gz", HostileInputTest.gzip(("{\"Records\":[" + joined + "]}").getBytes(StandardCharsets.UTF_8)));
        // a digest file, delivered beside the log files (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-digest-file-structure.html)
        assertEquivalent("digest.json.gz", HostileInputTest.gzip(("{\"awsAccountId\":\"111122223333\",\"digestStartTime\":\"2015-08-17T14:01:31Z\","
                + "\"digestEndTime\":\"2015-08-17T15:01:31Z\",\"digestS3Bucket\":\"b\",\"digestS3Object\":\"o\",\"newestEventTime\":\"2015-08-17T14:52:27Z\","
                + "\"oldestEventTime\":\"2015-08-17T14:42:27Z\",\"previousDigestSignature\":\"98ce\",\"logFiles\":[{\"s3Bucket\":\"b\","
                + "\"s3Object\":\"AWSLogs/111122223333/CloudTrail/us-east-2/2015/08/17/x.json.gz\",\"hashValue\":\"9bb6\","
                + "\"oldestEventTime\":\"2015-08-17T14:31:27Z\",\"newestEventTime\":\"2015-08-17T14:41:27Z\"}]}").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void linesThatAreNotOneRecord() {
        String one = record("l-1", "");
        String lines = String.join("\n", one, one + " " + one, one + " x", "{\"Records\":[" + one + "]}", "[" + one + "," + one + "]",
                "{\"Events\":[{\"CloudTrailEvent\":" + JSON.valueToTree(one) + "}]}", "  ", one.substring(0, 40), "7", one + "  ");
        assertEquivalent("mixed.jsonl", (one + "\n" + lines).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void payloadsThatStopPartWay() {
        byte[] trail = ("{\"Records\":[" + String.join(",", ODD_RECORDS) + "]}").getBytes(StandardCharsets.UTF_8);
        for (int cut : List.of(20, trail.length / 3, trail.length / 2, trail.length - 3)) {
            byte[] head = java.util.Arrays.copyOf(trail, cut);
            assertThat(assertEquivalent("cut-" + cut, head).refused()).isNotNull();
            byte[] gz = HostileInputTest.gzip(trail);
            assertEquivalent("cut-gz-" + cut, java.util.Arrays.copyOf(gz, Math.min(cut, gz.length - 1)));
        }
        // a syntax error inside a value the streaming reader skips
        for (String field : List.of("note", "policyDocument")) { // skipped, and picked
            String broken = record("broken", "\"requestParameters\":{\"" + field + "\":\"a\u0001b\"}");
            assertThat(assertEquivalent("broken.json", ("{\"Records\":[" + record("ok", "") + "," + broken + "]}").getBytes(StandardCharsets.UTF_8))
                    .refused()).contains("after record 2");
        }
        byte[] badUtf8 = ("{\"Records\":[" + record("ok", "") + "," + record("utf", "\"note\":\"ab\"") + "]}").getBytes(StandardCharsets.UTF_8);
        int at = new String(badUtf8, StandardCharsets.ISO_8859_1).indexOf("ab\"");
        badUtf8[at] = (byte) 0xc3; // a two-byte sequence whose second byte is not a continuation
        assertThat(assertEquivalent("bad-utf8.json", badUtf8).refused()).contains("after record 2");
    }

    /** A record over 1 MiB: one whose strings are all short streams like any other; one with a string over the limit stops the payload as before. */
    @Test
    void largeRecords() {
        String many = record("many", "\"requestParameters\":{" + "\"k\":\"vvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\",".repeat(40_000) + "\"userName\":\"bob\",\"policyArn\":\"p\"}");
        assertThat(many.length()).isGreaterThan(1 << 20);
        assertThat(assertEquivalent("many.json", ("{\"Records\":[" + many + "," + record("after", "") + "]}")
                .getBytes(StandardCharsets.UTF_8)).events()).hasSize(2);
        assertEquivalent("many.jsonl", (many + "\n" + record("after", "")).getBytes(StandardCharsets.UTF_8));

        String longString = record("long", "\"note\":\"" + "x".repeat((1 << 20) + 10) + "\"");
        byte[] trail = ("{\"Records\":[" + record("before", "") + "," + longString + "]}").getBytes(StandardCharsets.UTF_8);
        StreamingEquivalence.Outcome tree = StreamingEquivalence.run(new TreeCloudTrailNormalizer(), "long.json", trail);
        StreamingEquivalence.Outcome streamed = StreamingEquivalence.run(new CloudTrailNormalizer(), "long.json", trail);
        assertThat(streamed.events()).isEqualTo(tree.events()).hasSize(1);
        // both stop at the second record for its string; the length the parser had reached when it noticed may differ
        assertThat(tree.refused()).contains("after record 2: String value length");
        assertThat(streamed.refused()).contains("after record 2: String value length");
        assertEquivalent("long.jsonl", (record("before", "") + "\n" + longString + "\n" + record("after", "")).getBytes(StandardCharsets.UTF_8));
    }

    // ---- framings ----

    private static final ObjectMapper PRETTY = new ObjectMapper();
    /** Spaced after separators, non-ASCII escaped: close to what Python's json.dump (the corpus's to-raw) writes. */
    private static final ObjectMapper PYTHON_LIKE = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    /** The records as an S3 log file (compact, pretty, spaced and escaped, gzip), JSON Lines (LF, CRLF with a BOM), a top-level array, EventBridge events. */
    private static void assertEveryFraming(String name, List<JsonNode> records) {
        assertEquivalent(name + ".json", envelope(records, JSON));
        assertEquivalent(name + "-pretty.json", envelope(records, PRETTY));
        assertEquivalent(name + "-escaped.json", envelope(records, PYTHON_LIKE));
        assertEquivalent(name + ".json.gz", HostileInputTest.gzip(envelope(records, JSON)));
        StringBuilder lines = new StringBuilder();
        StringBuilder crlf = new StringBuilder("\ufeff");
        StringBuilder eventBridge = new StringBuilder();
        for (JsonNode record : records) {
            lines.append(write(JSON, record)).append('\n');
            crlf.append(write(JSON, record)).append("\r\n");
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("version", "0");
            event.put("detail-type", "AWS API Call via CloudTrail");
            event.put("source", "aws.iam");
            event.put("detail", record);
            eventBridge.append(write(JSON, JSON.valueToTree(event))).append('\n');
        }
        assertEquivalent(name + ".jsonl", lines.toString().getBytes(StandardCharsets.UTF_8));
        assertEquivalent(name + "-crlf.jsonl", crlf.toString().getBytes(StandardCharsets.UTF_8));
        assertEquivalent(name + "-eventbridge.jsonl", eventBridge.toString().getBytes(StandardCharsets.UTF_8));
        assertEquivalent(name + "-array.json", write(PRETTY, JSON.valueToTree(records)).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] envelope(List<JsonNode> records, ObjectMapper writer) {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("Records", records);
        String text = writer == PRETTY ? write(PRETTY, JSON.valueToTree(file))
                : writer == PYTHON_LIKE ? spaced(write(PYTHON_LIKE, JSON.valueToTree(file))) : write(JSON, JSON.valueToTree(file));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper == PRETTY ? mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node) : mapper.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ", " and ": " between tokens outside strings, as json.dump separates them. */
    private static String spaced(String compact) {
        StringBuilder b = new StringBuilder(compact.length() + compact.length() / 8);
        boolean inString = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            b.append(c);
            if (inString) {
                if (c == '\\') {
                    b.append(compact.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == ',' || c == ':') {
                b.append(' ');
            }
        }
        return b.toString();
    }

    /** The records of a fixture: an envelope's, or each line's. */
    private static List<JsonNode> records(byte[] bytes) {
        List<JsonNode> records = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<JsonNode> documents = new ArrayList<>();
        if (text.stripLeading().startsWith("{\"") && text.contains("\n{")) {
            text.lines().filter(l -> !l.isBlank()).forEach(l -> documents.add(tree(l)));
        } else {
            documents.add(tree(text));
        }
        for (JsonNode document : documents) {
            boolean envelope = false;
            for (String field : List.of("Records", "Findings", "findings", "Events")) {
                if (document.path(field).isArray()) {
                    document.get(field).forEach(records::add);
                    envelope = true;
                }
            }
            if (!envelope) {
                records.add(document);
            }
        }
        return records;
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}

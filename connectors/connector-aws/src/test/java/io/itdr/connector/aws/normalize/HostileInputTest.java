package io.itdr.connector.aws.normalize;

import static io.itdr.connector.aws.normalize.CloudTrailNormalizerTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compression, framing, size and shape of payloads: what a hostile or damaged file does. */
class HostileInputTest {
    private final CloudTrailNormalizer normalizer = new CloudTrailNormalizer();

    static String record(int i) {
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::123456789012:user/u" + (i % 50)
                + "\",\"accountId\":\"123456789012\",\"accessKeyId\":\"AKIAEXAMPLE" + (i % 50) + "\"},\"eventTime\":\"2024-06-01T00:"
                + String.format("%02d:%02d", (i / 60) % 60, i % 60) + "Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                + "\"sourceIPAddress\":\"198.51.100." + (i % 200) + "\",\"userAgent\":\"aws-sdk-java/2.25.0\",\"eventID\":\"evt-" + i
                + "\",\"recipientAccountId\":\"123456789012\"}";
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] trail(int records) {
        StringBuilder b = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < records; i++) {
            b.append(i == 0 ? "" : ",").append(record(i));
        }
        return b.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private CollectingSink normalize(String name, byte[] bytes) {
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(bytes)), sink);
        return sink;
    }

    @Test
    void gzipIsDetectedFromTheBytesNotTheName() {
        byte[] plain = CloudTrailNormalizerTest.fixture("iam-user-guide-cloudtrail-examples.json");
        CollectingSink fromPlain = normalize("trail.json.gz", plain);
        CollectingSink fromGzip = normalize("trail.json", gzip(plain));
        assertThat(fromGzip.rejections()).isEmpty();
        assertThat(fromGzip.events()).usingRecursiveFieldByFieldElementComparatorIgnoringFields("rawRef").isEqualTo(fromPlain.events());
        // JSON Lines compress too
        CollectingSink lines = normalize("identities.jsonl.gz", gzip(CloudTrailNormalizerTest.fixture("user-identity-types.jsonl")));
        assertThat(lines.events()).hasSize(10);
    }

    /** 50,000 records from a gzip file, counted as they stream: the first event arrives long before the file is read. */
    @Test
    void fiftyThousandRecordsStreamThroughWithoutLoadingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("123456789012_CloudTrail_us-east-1_20240601T0000Z_x.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 64 * 1024)) {
            out.write("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 50_000; i++) {
                out.write(((i == 0 ? "" : ",") + record(i)).getBytes(StandardCharsets.UTF_8));
            }
            out.write("]}".getBytes(StandardCharsets.UTF_8));
        }
        long size = Files.size(file);
        long[] readAtFirstEvent = {-1};
        long[] count = {0};
        try (CountingInputStream in = new CountingInputStream(Files.newInputStream(file))) {
            normalizer.normalize(new RawPayload(file.getFileName().toString(), null, in), NormalizationSink.of((event, location) -> {
                if (count[0]++ == 0) {
                    readAtFirstEvent[0] = in.count;
                }
            }, rejection -> {
                throw new AssertionError(rejection.toString());
            }));
        }
        assertThat(count[0]).isEqualTo(50_000);
        assertThat(readAtFirstEvent[0]).isPositive().isLessThan(size / 4);
    }

    @Test
    void truncatedGzipKeepsWhatWasReadThenFails() {
        byte[] whole = gzip(trail(3000));
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        CollectingSink sink = new CollectingSink();
        assertThatThrownBy(() -> normalizer.normalize(new RawPayload("cut.json.gz", null, new ByteArrayInputStream(half)), sink))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
                    assertThat(e.getMessage()).startsWith("cut.json.gz: cannot be read after record ");
                });
        assertThat(sink.events()).isNotEmpty().hasSizeLessThan(3000);
        assertThat(sink.events().get(sink.events().size() - 1).id()).isEqualTo("evt-" + (sink.events().size() - 1));
    }

    @Test
    void binaryGarbageAndPlainTextAreNotJson() {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        garbage[0] = 0x00;
        for (byte[] bytes : new byte[][]{garbage, "hello, this is not json\n".getBytes(StandardCharsets.UTF_8),
                new byte[]{0x1f, (byte) 0x8b, 0x08, 0x00, 0x01}}) {
            CollectingSink sink = new CollectingSink();
            assertThatThrownBy(() -> normalizer.normalize(new RawPayload("junk.bin", null, new ByteArrayInputStream(bytes)), sink))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
                        assertThat(e.getMessage()).startsWith("junk.bin: cannot be read before the first record");
                    });
            assertThat(sink.events()).isEmpty();
        }
    }

    @Test
    void emptyPayloadYieldsNothing() {
        CollectingSink sink = normalize("empty.json", "  \n".getBytes(StandardCharsets.UTF_8));
        assertThat(sink.events()).isEmpty();
        assertThat(sink.rejections()).isEmpty();
    }

    @Test
    void deepNestingEndsAStreamButOnlyRejectsALine() {
        String deep = "{\"eventID\":\"deep\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        byte[] stream = ("{\"Records\":[" + record(1) + "," + deep + "," + record(2) + "]}").getBytes(StandardCharsets.UTF_8);
        CollectingSink sink = new CollectingSink();
        assertThatThrownBy(() -> normalizer.normalize(new RawPayload("deep.json", null, new ByteArrayInputStream(stream)), sink))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
                    assertThat(e.getMessage()).contains("after record 2").containsIgnoringCase("nesting depth");
                });
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("evt-1");

        byte[] lines = (record(1) + "\n" + deep + "\n" + record(2) + "\n").getBytes(StandardCharsets.UTF_8);
        CollectingSink lineSink = normalize("deep.jsonl", lines);
        assertThat(lineSink.events()).extracting(IdentityEvent::id).containsExactly("evt-1", "evt-2");
        assertThat(lineSink.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).isEqualTo("deep.jsonl:record 2, line 2");
            assertThat(r.reason()).startsWith("not valid JSON: ").containsIgnoringCase("nesting depth");
        });
    }

    @Test
    void oversizedRecordEndsAStreamButOnlyRejectsALine() {
        CloudTrailNormalizer small = new CloudTrailNormalizer(16 * 1024);
        String big = "{\"eventID\":\"big\",\"filler\":\"" + "x".repeat(200_000) + "\"}";
        CollectingSink sink = new CollectingSink();
        byte[] stream = ("{\"Records\":[" + record(1) + "," + big + "]}").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> small.normalize(new RawPayload("big.json", null, new ByteArrayInputStream(stream)), sink))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.getMessage()).contains("larger than 16384 bytes"));
        assertThat(sink.events()).hasSize(1);

        CollectingSink lineSink = new CollectingSink();
        byte[] lines = (record(1) + "\n" + big + "\n" + record(2)).getBytes(StandardCharsets.UTF_8);
        small.normalize(new RawPayload("big.jsonl", null, new ByteArrayInputStream(lines)), lineSink);
        assertThat(lineSink.events()).extracting(IdentityEvent::id).containsExactly("evt-1", "evt-2");
        assertThat(lineSink.rejections()).extracting(Rejection::reason).containsExactly("line longer than 16384 bytes");
    }

    @Test
    void brokenLinesAndOddRecordsAreRejectedOneByOne() {
        String text = record(1) + "\r\n"
                + "{\"eventID\":\"truncated\",\"eventTi\n"
                + "\n"
                + "[1,2]\n"
                + "{\"eventID\":\"e\",\"eventTime\":\"yesterday\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"}}\n"
                + "{\"eventID\":7,\"userIdentity\":\"alice\"}\n"
                + "{\"eventID\":\"e2\",\"eventTime\":\"2024-06-01T00:00:00Z\",\"userIdentity\":{\"type\":\"AWSService\"}}\n"
                + "{\"eventID\":\"  \",\"eventTime\":\"2024-06-01T00:00:00Z\",\"userIdentity\":{}}\n"
                + record(2) + " {\"second\":true}\n"
                + record(3);
        CollectingSink sink = normalize("mixed.jsonl", text.getBytes(StandardCharsets.UTF_8));
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("evt-1", "evt-3");
        assertThat(sink.rejections()).extracting(r -> r.location() + " | " + r.reason()).containsExactly(
                "mixed.jsonl:record 2, line 2 | not valid JSON: Unexpected end-of-input in field name",
                "mixed.jsonl:record 3, line 4 | expected a JSON object, found number",
                "mixed.jsonl:record 4, line 4 | expected a JSON object, found number",
                "mixed.jsonl:record 5, line 5, id e | eventTime: not an ISO-8601 instant: 'yesterday'",
                "mixed.jsonl:record 6, line 6 | missing or invalid required fields: eventID (expected a string, found number), "
                        + "eventTime (missing), userIdentity (expected an object, found string)",
                "mixed.jsonl:record 7, line 7, id e2 | userIdentity: nothing identifies the caller (no usable arn, principalId, accountId or invokedBy)",
                "mixed.jsonl:record 8, line 8 | missing or invalid required field: eventID (blank)",
                "mixed.jsonl:record 9, line 9 | more than one JSON value on the line");
    }

    @Test
    void nullWrongKindAndUnknownFieldsAreTolerated() {
        String text = "{\"Records\":[{\"eventID\":\"tolerant\",\"eventTime\":\"2024-06-01T00:00:00+02:00\",\"eventSource\":null,"
                + "\"eventName\":null,\"userAgent\":null,\"sourceIPAddress\":[1],\"requestParameters\":5,\"responseElements\":\"x\","
                + "\"recipientAccountId\":null,\"futureField\":{\"nested\":[1,2,{\"a\":null}]},"
                + "\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":42,\"principalId\":\"AROAEXAMPLE:sess\",\"accountId\":\"123456789012\","
                + "\"sessionContext\":{\"sessionIssuer\":null,\"attributes\":{\"creationDate\":\"not a date\",\"mfaAuthenticated\":true}},"
                + "\"newThing\":\"ignored\"}}, 17, {\"eventID\":\"e\",\"eventTime\":\"2024-06-01T00:00:00Z\","
                + "\"userIdentity\":{\"type\":\"Directory\",\"accountId\":\"123456789012\",\"userName\":\"someone\"}}],\"digest\":{\"skip\":true}}";
        CollectingSink sink = normalize("odd.json", text.getBytes(StandardCharsets.UTF_8));
        IdentityEvent e = event(sink, "tolerant");
        assertThat(e.time()).isEqualTo(java.time.Instant.parse("2024-05-31T22:00:00Z"));
        assertThat(e.action()).isEqualTo("unknown:unknown");
        assertThat(e.tenant()).isEqualTo("123456789012");
        assertThat(e.identity().id()).isEqualTo("AROAEXAMPLE:sess"); // no role ARN anywhere: the principal id
        assertThat(e.identity().kind()).isEqualTo("iam_role");
        assertThat(e.session()).isEqualTo(new io.itdr.spi.event.SessionInfo("sess", null, null, true));
        assertThat(e.source()).isEqualTo(io.itdr.spi.event.Source.UNKNOWN);
        assertThat(sink.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).isEqualTo("odd.json:record 2, line 1");
            assertThat(r.reason()).isEqualTo("expected a JSON object, found a number");
        });
        assertThat(event(sink, "e").identity()).isEqualTo(new io.itdr.spi.event.IdentityRef(
                "aws-account/123456789012/unidentified-directory", "directory", "someone"));
    }

    @Test
    void topLevelArrayAndPrettyPrintedSingleRecordsAreRecordsToo() {
        CollectingSink array = normalize("array.json", ("[\n" + record(1) + ",\n" + record(2) + "\n]").getBytes(StandardCharsets.UTF_8));
        assertThat(array.events()).extracting(IdentityEvent::id).containsExactly("evt-1", "evt-2");
        CollectingSink pretty = normalize("one.json", record(5).replace(",", ",\n  ").getBytes(StandardCharsets.UTF_8));
        assertThat(pretty.events()).extracting(IdentityEvent::id).containsExactly("evt-5");
        CollectingSink bom = normalize("bom.jsonl", ("\uFEFF" + record(6) + "\n" + record(7) + "\n").getBytes(StandardCharsets.UTF_8));
        assertThat(bom.events()).extracting(IdentityEvent::id).containsExactly("evt-6", "evt-7");
    }

    @Test
    void lookupEventsItemWithABrokenEmbeddedRecordIsRejected() {
        String text = "{\"Events\":[{\"EventId\":\"a\",\"CloudTrailEvent\":\"{not json\"},{\"EventId\":\"b\",\"CloudTrailEvent\":{\"x\":1}}]}";
        CollectingSink sink = normalize("lookup.json", text.getBytes(StandardCharsets.UTF_8));
        assertThat(sink.rejections()).extracting(Rejection::reason).satisfiesExactly(
                r -> assertThat(r).startsWith("CloudTrailEvent: not valid JSON: "),
                r -> assertThat(r).isEqualTo("CloudTrailEvent: expected the record as a JSON string, found object"));
    }

    /** Counts bytes read, to see how much of a file was consumed when. */
    static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(n, 0);
            return n;
        }
    }
}

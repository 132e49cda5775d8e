package io.itdr.core.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class NormalizedEventNormalizerTest {

    private static final IdentityEvent SAMPLE = IdentityEvent.builder("evt-1", Instant.parse("2026-11-01T10:00:00Z"), "aws",
                    new IdentityRef("arn:aws:iam::111122223333:user/ci-deployer", "iam_user", "ci-deployer"))
            .tenant("111122223333").category(EventCategory.API_CALL).action("s3:PutObject")
            .source(new Source("203.0.113.10", 64500L, "Example AS", new Geo("US", "us-east-1", "Ashburn", 39.04, -77.49), "aws-cli/2.15", false))
            .session(new SessionInfo("s-1", "ASIA123", Instant.parse("2026-11-01T09:00:00Z"), false))
            .attributes(Map.of("requestId", "r-1"))
            .build();

    private static CollectingSink run(byte[] bytes) {
        CollectingSink sink = new CollectingSink();
        new NormalizedEventNormalizer(1 << 20).normalize(new RawPayload("events.jsonl", null, new ByteArrayInputStream(bytes)), sink);
        return sink;
    }

    private static CollectingSink run(String text) {
        return run(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void roundTripsTheNormalizedFormat() {
        String line = EventJson.write(SAMPLE);
        assertThat(line).doesNotContain("\n");
        CollectingSink c = run(line + "\n");
        assertThat(c.rejections()).isEmpty();
        assertThat(c.events()).containsExactly(SAMPLE);
    }

    @Test
    void readsGzipAndCrlfAndSkipsBlankLines() throws IOException {
        String text = EventJson.write(SAMPLE) + "\r\n\r\n   \r\n" + EventJson.write(SAMPLE).replace("evt-1", "evt-2") + "\r\n";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        CollectingSink c = run(gz.toByteArray());
        assertThat(c.rejections()).isEmpty();
        assertThat(c.events()).extracting(IdentityEvent::id).containsExactly("evt-1", "evt-2");
    }

    @Test
    void emptyInputGivesNothing() {
        CollectingSink c = run(new byte[0]);
        assertThat(c.events()).isEmpty();
        assertThat(c.rejections()).isEmpty();
    }

    @Test
    void aMalformedRecordIsRejectedWithFileLineAndFieldAndTheRestIsRead() {
        String good = EventJson.write(SAMPLE);
        String noTime = good.replaceFirst("\"time\":\"[^\"]+\",", "");
        String badTime = good.replace("2026-11-01T10:00:00Z", "yesterday");
        String badCategory = good.replace("API_CALL", "TELEPORT");
        CollectingSink c = run(String.join("\n", "{not json", noTime, badTime, badCategory, "[]", "42", good) + "\n");

        assertThat(c.events()).hasSize(1);
        assertThat(c.rejections()).extracting(Rejection::location)
                .containsExactly("events.jsonl:1", "events.jsonl:2", "events.jsonl:3", "events.jsonl:4", "events.jsonl:5", "events.jsonl:6");
        assertThat(c.rejections().get(0).reason()).startsWith("not valid JSON");
        assertThat(c.rejections().get(1).reason()).contains("missing required field 'time'");
        assertThat(c.rejections().get(2).reason()).isEqualTo("time: cannot read 'yesterday' as Instant");
        assertThat(c.rejections().get(3).reason()).startsWith("category:");
    }

    @Test
    void binaryGarbageIsRejectedLineByLineNeverCrashes() {
        byte[] garbage = new byte[200_000];
        new Random(42).nextBytes(garbage);
        CollectingSink c = run(garbage);
        assertThat(c.events()).isEmpty();
        assertThat(c.rejections()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.location()).startsWith("events.jsonl:");
            assertThat(r.reason()).matches("(not valid UTF-8|not valid JSON.*)");
            assertThat(r.reason()).doesNotContain("\n", "\r", "\u001b");
        });
    }

    @Test
    void aHugeSingleLineIsSkippedWithoutHoldingIt() {
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'a');
        CollectingSink c = run(concat(huge, ("\n" + EventJson.write(SAMPLE) + "\n").getBytes(StandardCharsets.UTF_8)));
        assertThat(c.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).isEqualTo("events.jsonl:1");
            assertThat(r.reason()).contains("longer than 1048576 bytes");
        });
        assertThat(c.events()).hasSize(1);
    }

    @Test
    void deeplyNestedJsonIsRefused() {
        String deep = "{\"unknownField\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        CollectingSink c = run(deep + "\n");
        assertThat(c.events()).isEmpty();
        assertThat(c.rejections()).singleElement().satisfies(r -> assertThat(r.reason()).contains("nesting depth"));
    }

    @Test
    void invalidUtf8IsReportedNotReplaced() {
        byte[] line = EventJson.write(SAMPLE).replace("ci-deployer\"", "ci-deployer\u00e9\"").getBytes(StandardCharsets.UTF_8);
        byte[] broken = Arrays.copyOf(line, line.length);
        for (int i = 0; i < broken.length - 1; i++) {
            if ((broken[i] & 0xff) == 0xc3) {
                broken[i + 1] = (byte) 0x28; // a lead byte followed by a non-continuation byte
                break;
            }
        }
        CollectingSink c = run(concat(broken, "\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(c.rejections()).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo("not valid UTF-8"));
    }

    @Test
    void controlCharactersInFieldsCannotForgeLines() {
        IdentityEvent hostile = IdentityEvent.builder("evt-\r\nFAKE 0 rejected\u001b[2J", Instant.EPOCH, "aws",
                IdentityRef.of("user\nname")).build();
        String line = EventJson.write(hostile);
        assertThat(line).doesNotContain("\n", "\r", "\u001b");
        assertThat(run(line).events()).containsExactly(hostile);
        assertThat(Printable.escape(hostile.id())).isEqualTo("evt-\\u000d\\u000aFAKE 0 rejected\\u001b[2J");
        assertThat(Printable.escape("a\u2028b\u202ec")).isEqualTo("a\\u2028b\\u202ec");
    }

    @Test
    void aTruncatedGzipStreamFailsAsAWholeAfterWhatWasRead() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            for (int i = 0; i < 2000; i++) {
                out.write((EventJson.write(SAMPLE).replace("evt-1", "evt-" + i) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        byte[] cut = Arrays.copyOf(gz.toByteArray(), gz.size() / 2);
        CollectingSink c = new CollectingSink();
        assertThatThrownBy(() -> new NormalizedEventNormalizer().normalize(new RawPayload("x.jsonl.gz", null, new ByteArrayInputStream(cut)), c))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
        assertThat(c.events()).isNotEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

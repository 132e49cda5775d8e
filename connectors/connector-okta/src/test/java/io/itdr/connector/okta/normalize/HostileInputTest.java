package io.itdr.connector.okta.normalize;

import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.NHI;
import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.ids;
import static io.itdr.connector.okta.normalize.SystemLogNormalizerTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Payloads an attacker or a broken pipeline could send: each either yields what can be read and
 * rejects the rest, or stops with MALFORMED_RESPONSE saying where, without exhausting memory or
 * time.
 */
class HostileInputTest {
    private final SystemLogNormalizer normalizer = new SystemLogNormalizer();

    private ConnectorException refused(String name, byte[] body, CollectingSink sink) {
        try {
            normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(body)), sink);
        } catch (ConnectorException e) {
            return e;
        }
        throw new AssertionError(name + " was read without complaint");
    }

    @Test
    void aTruncatedGzipStopsAfterTheRecordsItHeld() {
        byte[] whole = PayloadFormatsTest.gzip(resource(NHI));
        byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
        CollectingSink sink = new CollectingSink();
        ConnectorException e = refused("export.jsonl.gz", cut, sink);
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).startsWith("export.jsonl.gz: cannot be read after record ");
        assertThat(sink.events()).as("records before the cut reached the sink").isNotEmpty().hasSizeLessThan(9);
    }

    @Test
    void garbageIsNotAPayload() {
        byte[] garbage = new byte[4096];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        ConnectorException e = refused("garbage.bin", garbage, new CollectingSink());
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).contains("before the first record");

        ConnectorException html = refused("proxy.html", "<html><body>Be right back</body></html>".getBytes(StandardCharsets.UTF_8),
                new CollectingSink());
        assertThat(html.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
    }

    @Test
    void deepNestingEndsAStreamAndRejectsOnlyItsLine() {
        ConnectorException e = refused("deep.json", "[".repeat(200_000).getBytes(StandardCharsets.UTF_8), new CollectingSink());
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).containsIgnoringCase("nesting depth");

        String good = "{\"uuid\":\"d-1\",\"published\":\"2026-02-28T10:00:00Z\",\"actor\":{\"id\":\"0oa1\"}}";
        String deep = "{\"uuid\":\"d-2\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload("deep.jsonl", null,
                new ByteArrayInputStream((good + "\n" + deep + "\n" + good.replace("d-1", "d-3") + "\n").getBytes(StandardCharsets.UTF_8))), sink);
        assertThat(ids(sink)).containsExactly("d-1", "d-3");
        assertThat(sink.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).isEqualTo("deep.jsonl:record 2, line 2");
            assertThat(r.reason()).startsWith("not valid JSON").containsIgnoringCase("nesting depth");
        });
    }

    @Test
    void anOversizedRecordEndsAStreamAndRejectsOnlyItsLine() {
        String big = "x".repeat(PayloadReader.DEFAULT_MAX_RECORD_BYTES + 200_000);
        String good = "{\"uuid\":\"b-1\",\"published\":\"2026-02-28T10:00:00Z\",\"actor\":{\"id\":\"0oa1\"}}";
        String huge = "{\"uuid\":\"b-2\",\"published\":\"2026-02-28T10:00:00Z\",\"actor\":{\"id\":\"0oa1\"},\"displayMessage\":\"" + big + "\"}";

        CollectingSink streamed = new CollectingSink();
        ConnectorException e = refused("big.json", ("[" + good + "," + huge + "," + good + "]").getBytes(StandardCharsets.UTF_8), streamed);
        assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).startsWith("big.json: cannot be read in record 2");
        assertThat(ids(streamed)).containsExactly("b-1");

        CollectingSink lines = new CollectingSink();
        normalizer.normalize(new RawPayload("big.jsonl", null,
                new ByteArrayInputStream((good + "\n" + huge + "\n" + good.replace("b-1", "b-3") + "\n").getBytes(StandardCharsets.UTF_8))), lines);
        assertThat(ids(lines)).containsExactly("b-1", "b-3");
        assertThat(lines.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).isEqualTo("big.jsonl:record 2, line 2");
            assertThat(r.reason()).isEqualTo("line longer than " + PayloadReader.DEFAULT_MAX_RECORD_BYTES + " bytes");
        });
    }

    @Test
    void aHostilePayloadNameIsShortenedAndPrintable() {
        String name = "evil\nname\u001b[31m" + "n".repeat(500);
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream("[{\"uuid\":\"h-1\"}]".getBytes(StandardCharsets.UTF_8))), sink);
        assertThat(sink.rejections()).singleElement().satisfies(r -> {
            assertThat(r.location()).startsWith("evil?name?[31mnnn").doesNotContain("\n").contains("…:record 1, line 1");
            assertThat(r.location().length()).isLessThan(240);
        });
    }
}

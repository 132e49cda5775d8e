package io.itdr.connector.aws.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Holds the streaming {@link CloudTrailNormalizer} to the tree-based one it replaced
 * ({@link TreeCloudTrailNormalizer}): over the same payload, the same events (field by field) at the
 * same locations, the same rejections, the same refusal of the payload as a whole, and raw records
 * that are the same JSON; each raw record the streaming normalizer hands over is, byte for byte, a
 * piece of the (decompressed) payload or, for the shapes it reads as a tree, the tree's own.
 */
public final class StreamingEquivalence {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamingEquivalence() {
    }

    /** Everything a normalizer made of one payload. */
    public record Outcome(List<IdentityEvent> events, List<String> locations, List<String> records, List<Rejection> rejections,
                          String refused) {
    }

    public static Outcome run(EventNormalizer normalizer, String name, byte[] payload) {
        List<IdentityEvent> events = new ArrayList<>();
        List<String> locations = new ArrayList<>();
        List<String> records = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        String refused = null;
        try {
            normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(payload)), NormalizationSink.withRecords(
                    (event, location, record) -> {
                        events.add(event);
                        locations.add(location);
                        records.add(record);
                    }, rejections::add));
        } catch (ConnectorException e) {
            refused = e.code() + ": " + e.getMessage();
        }
        return new Outcome(events, locations, records, rejections, refused);
    }

    /**
     * Asserts that both normalizers make the same of {@code payload}.
     *
     * @return the streaming normalizer's outcome
     */
    public static Outcome assertEquivalent(String name, byte[] payload) {
        Outcome tree = run(new TreeCloudTrailNormalizer(), name, payload);
        Outcome streamed = run(new CloudTrailNormalizer(), name, payload);
        String what = name + " (" + payload.length + " bytes)";
        assertThat(streamed.refused()).as("refusal of %s", what).isEqualTo(tree.refused());
        assertThat(streamed.rejections()).as("rejections of %s", what).containsExactlyElementsOf(tree.rejections());
        assertThat(streamed.locations()).as("locations of %s", what).containsExactlyElementsOf(tree.locations());
        assertThat(streamed.events()).as("events of %s", what).containsExactlyElementsOf(tree.events());
        String text = plain(payload);
        int cursor = 0;
        for (int i = 0; i < tree.records().size(); i++) {
            String mine = streamed.records().get(i);
            String theirs = tree.records().get(i);
            assertThat(parse(mine)).as("raw record %d of %s", i, what).isEqualTo(parse(theirs));
            if (!mine.equals(theirs)) {
                // records come in payload order: each is found after the one before
                int at = text.indexOf(mine, cursor);
                assertThat(at).as("raw record %d of %s is a piece of the payload: %s", i, what, mine).isNotNegative();
                cursor = at + mine.length();
            }
        }
        return streamed;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload as text, gunzipped when it is gzip (as far as it can be). */
    static String plain(byte[] payload) {
        if (payload.length < 2 || (payload[0] & 0xff) != 0x1f || (payload[1] & 0xff) != 0x8b) {
            return new String(payload, StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
            in.transferTo(out);
        } catch (IOException truncated) {
            // what came before the break
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

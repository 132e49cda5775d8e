package io.itdr.connector.okta.normalize;

import io.itdr.connector.support.JsonFields;
import io.itdr.connector.support.JsonPayloadReader;
import io.itdr.connector.support.PayloadFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * How System Log payloads are framed, for the shared {@link JsonPayloadReader}: the array
 * {@code GET /api/v1/logs} answers, LogEvents one per line or one after the other, and event hook
 * deliveries {@code {"eventType":"com.okta.event_hook",…,"data":{"events":[…]}}} whose events are the
 * records.
 *
 * <p>An event hook delivery names the org it came from in {@code source}
 * (https://developer.okta.com/docs/concepts/event-hooks/, "Sample event delivery payload"); the
 * reader hands that org's host with each of its records, when {@code source} comes before
 * {@code data} as Okta sends it. Stateless.
 */
final class PayloadReader {
    static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

    private PayloadReader() {
    }

    /** A reader of System Log payloads that accepts records (and lines) of up to {@code maxRecordBytes}. */
    static JsonPayloadReader forSystemLog(int maxRecordBytes) {
        return new JsonPayloadReader(new PayloadFormat("LogEvent object", "array of LogEvents", List.of(List.of("data", "events")),
                delivery -> originOf(JsonFields.text(delivery, "source")), maxRecordBytes, PayloadFormat.Diagnostics.PRECISE));
    }

    /** The host of an event hook delivery's {@code source} URL, lower-case; null when it has none. */
    static String originOf(String source) {
        if (source == null) {
            return null;
        }
        try {
            String host = new URI(source.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}

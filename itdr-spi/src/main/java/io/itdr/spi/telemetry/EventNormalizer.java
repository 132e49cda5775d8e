package io.itdr.spi.telemetry;

/**
 * Turns pushed raw payloads (webhooks, exported logs) into normalized events. The same code
 * that serves polling normalizes these, so one platform record always yields the same event.
 *
 * <p>Thread-safe: several payloads may be normalized at once, each on its own thread.
 */
public interface EventNormalizer {

    /**
     * Normalizes every record in the payload, streaming: each record goes to the sink as an
     * event or a rejection. A malformed record is rejected with its location and reason and the
     * rest of the payload is still read.
     *
     * @param payload the raw bytes; never null
     * @param sink    where results go; never null
     * @throws io.itdr.spi.ConnectorException with {@code MALFORMED_RESPONSE} only when the payload
     *         as a whole cannot be read at all (not JSON, truncated gzip); what was read before
     *         that point has already reached the sink
     */
    void normalize(RawPayload payload, NormalizationSink sink);
}

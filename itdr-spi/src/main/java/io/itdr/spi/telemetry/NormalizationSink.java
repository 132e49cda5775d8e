package io.itdr.spi.telemetry;

import io.itdr.spi.event.IdentityEvent;

/**
 * Receives what an {@link EventNormalizer} makes of a payload, one record at a time, so a file
 * larger than memory streams through. Provided by the host; called from the normalizer's
 * thread only.
 */
public interface NormalizationSink {

    /** One normalized event. */
    void accept(IdentityEvent event);

    /** One record that could not be normalized. */
    void reject(Rejection rejection);
}

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

    /**
     * One normalized event and where its record was, in the form of {@link Rejection#location()}
     * ("file.json.gz:12"), so the host can point at it later (a late or duplicate record). The
     * default drops the location; normalizers that know it should call this one.
     */
    default void accept(IdentityEvent event, String location) {
        accept(event);
    }

    /** One record that could not be normalized. */
    void reject(Rejection rejection);
}

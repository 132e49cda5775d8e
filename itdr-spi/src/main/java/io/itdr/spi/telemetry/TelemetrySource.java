package io.itdr.spi.telemetry;

/**
 * Polls a platform's identity telemetry (CloudTrail LookupEvents, Okta System Log, Entra
 * sign-ins) from a cursor.
 *
 * <p>Implementations are thread-safe, but the host polls one source from one thread at a time.
 * {@code poll} must not advance any state of its own: the cursor it is given is the whole
 * position, so a host that crashes before persisting a batch's cursor simply polls the same
 * batch again.
 */
public interface TelemetrySource {

    /**
     * Reads up to {@code maxEvents} records after {@code cursor}.
     *
     * @param cursor    where to resume; {@link Cursor#START} for the configured start; never null
     * @param maxEvents upper bound on events plus rejections returned; at least 1
     * @return the batch; never null
     * @throws io.itdr.spi.ConnectorException retriable ({@code THROTTLED}, {@code UNAVAILABLE},
     *         {@code TIMEOUT}, with retry-after where the platform said) or terminal
     *         ({@code CURSOR_INVALID}, {@code AUTHENTICATION_FAILED}, ...)
     */
    TelemetryBatch poll(Cursor cursor, int maxEvents);
}

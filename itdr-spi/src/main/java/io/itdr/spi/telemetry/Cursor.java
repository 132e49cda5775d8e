package io.itdr.spi.telemetry;

import java.util.Objects;

/**
 * An opaque position in a platform's telemetry, made by the connector and persisted by the
 * host between polls (and across restarts). Its text is the connector's own format: the host
 * stores it byte for byte and never interprets it.
 *
 * @param value the position; never null. {@link #START} means "from the configured start".
 */
public record Cursor(String value) {
    public static final Cursor START = new Cursor("");

    public Cursor {
        Objects.requireNonNull(value, "value");
    }

    public boolean isStart() {
        return value.isEmpty();
    }
}

package io.itdr.connector.tck;

import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Telemetry as the platform exports or pushes it (a log file, a webhook body), made by a
 * {@link Sandbox} so the kit can hand it to a normalizer. Immutable: the bytes are copied in and
 * out.
 *
 * @param name      where it notionally came from ("events-export.ndjson"); never null
 * @param mediaType its content type; may be null
 * @param body      the bytes; never null
 */
public record RawExport(String name, String mediaType, byte[] body) {
    public RawExport {
        Objects.requireNonNull(name, "name");
        body = Objects.requireNonNull(body, "body").clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** A fresh payload over the bytes; each call can be read once. */
    public RawPayload toPayload() {
        return new RawPayload(name, mediaType, new ByteArrayInputStream(body));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawExport other && name.equals(other.name)
                && Objects.equals(mediaType, other.mediaType) && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, mediaType, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "RawExport[" + name + ", " + mediaType + ", " + body.length + " bytes]";
    }
}

package io.itdr.spi.telemetry;

import java.io.InputStream;
import java.util.Objects;

/**
 * A raw platform payload pushed to the host (webhook body, exported log file) for a connector to
 * normalize.
 *
 * @param name      where it came from, used in rejection locations ("trail-2026-11-01.json.gz",
 *                  "webhook"); never null
 * @param mediaType the content type if known ("application/json", "application/x-ndjson");
 *                  may be null. Compression is detected from the bytes, not the name.
 * @param body      the bytes, read once by the normalizer and closed by the host; never null
 */
public record RawPayload(String name, String mediaType, InputStream body) {
    public RawPayload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
    }
}

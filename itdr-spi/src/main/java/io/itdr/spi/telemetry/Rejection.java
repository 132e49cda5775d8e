package io.itdr.spi.telemetry;

import java.util.Objects;

/**
 * A raw record the connector could not normalize. It is counted and reported, never dropped
 * silently, and never stops the rest of the batch.
 *
 * @param location where the record was: "file.json.gz:record 12", "page 3 item 7", "line 40";
 *                 never null
 * @param reason   what was wrong, naming the field ("eventTime: not an ISO-8601 instant");
 *                 never null. Must not quote secret values; should not quote more than a short
 *                 excerpt of the record.
 */
public record Rejection(String location, String reason) {
    public Rejection {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(reason, "reason");
    }
}

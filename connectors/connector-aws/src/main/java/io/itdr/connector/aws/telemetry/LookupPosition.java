package io.itdr.connector.aws.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A position in CloudTrail event history: every event before {@code time} has been delivered, and
 * of the events at exactly {@code time}, those in {@code delivered}. Event times are only precise to
 * the second and many events share one, so a time alone could not resume without a gap or a
 * duplicate; the ids make it exact, whatever order AWS lists same-time events in.
 *
 * <p>Text form (the {@link Cursor} value): {@code v1:<epoch millis>:<id>,<id>…}, ids URL-encoded and
 * sorted. It grows with the number of events delivered within one second. Immutable.
 *
 * @param time      the time up to which everything is delivered, inclusive for {@code delivered}; never null
 * @param delivered EventIds at exactly {@code time} already delivered; never null
 */
record LookupPosition(Instant time, Set<String> delivered) {
    private static final String VERSION = "v1";

    LookupPosition {
        Objects.requireNonNull(time, "time");
        delivered = Set.copyOf(Objects.requireNonNull(delivered, "delivered"));
    }

    Cursor toCursor() {
        List<String> ids = new ArrayList<>();
        for (String id : new TreeSet<>(delivered)) {
            ids.add(URLEncoder.encode(id, StandardCharsets.UTF_8));
        }
        return new Cursor(VERSION + ":" + time.toEpochMilli() + ":" + String.join(",", ids));
    }

    /**
     * The position a cursor made by {@link #toCursor()} stands for.
     *
     * @throws ConnectorException {@link ErrorCode#CURSOR_INVALID} naming what is wrong with it
     */
    static LookupPosition of(Cursor cursor) {
        String[] parts = cursor.value().split(":", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw invalid(cursor, "expected v1:<epoch millis>:<event ids>");
        }
        Instant time;
        try {
            time = Instant.ofEpochMilli(Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
            throw invalid(cursor, "the time is not a number of milliseconds");
        }
        Set<String> ids = new TreeSet<>();
        if (!parts[2].isEmpty()) {
            for (String id : parts[2].split(",", -1)) {
                String decoded;
                try {
                    decoded = URLDecoder.decode(id, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw invalid(cursor, "an event id is not URL-encoded");
                }
                if (decoded.isBlank()) {
                    throw invalid(cursor, "an event id is empty");
                }
                ids.add(decoded);
            }
        }
        return new LookupPosition(time, ids);
    }

    static ConnectorException invalid(Cursor cursor, String reason) {
        String shown = cursor.value().length() > 80 ? cursor.value().substring(0, 80) + "…" : cursor.value();
        return new ConnectorException(ErrorCode.CURSOR_INVALID, "CloudTrail LookupEvents cursor '" + shown + "': " + reason);
    }
}

package io.itdr.connector.gcp.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A position in Cloud Audit Logs: the timestamp of the last entry read and the entries already read
 * at that very timestamp (several entries can share one), so the next poll asks
 * {@code timestamp >= since} and skips those. Entries are keyed by {@code insertId}.
 *
 * <p>Text form: {@code v1:<since>;<insertId>,<insertId>…}, ids percent-encoded. Immutable.
 *
 * @param since the timestamp to read from (inclusive); never null
 * @param seen  ids of entries at {@code since} already read; never null
 */
record LogPosition(Instant since, Set<String> seen) {
    private static final String VERSION = "v1:";
    private static final int MAX_SEEN = 10_000;

    LogPosition {
        seen = Set.copyOf(seen);
    }

    static LogPosition start(Instant since) {
        return new LogPosition(since, Set.of());
    }

    /** The position after one more entry at {@code time}. */
    LogPosition after(Instant time, String key) {
        if (time.isAfter(since)) {
            return new LogPosition(time, Set.of(key));
        }
        Set<String> more = new LinkedHashSet<>(seen);
        more.add(key);
        if (more.size() > MAX_SEEN) {
            throw new ConnectorException(ErrorCode.INTERNAL, "more than " + MAX_SEEN + " audit log entries share the timestamp " + since);
        }
        return new LogPosition(since, more);
    }

    Cursor cursor() {
        StringBuilder b = new StringBuilder(VERSION).append(since).append(';');
        String sep = "";
        for (String id : seen.stream().sorted().toList()) {
            b.append(sep).append(URLEncoder.encode(id, StandardCharsets.UTF_8));
            sep = ",";
        }
        return new Cursor(b.toString());
    }

    /** @throws ConnectorException {@code CURSOR_INVALID} when the text is not one this connector wrote */
    static LogPosition parse(Cursor cursor) {
        String v = cursor.value();
        int semi = v.indexOf(';');
        if (!v.startsWith(VERSION) || semi < 0) {
            throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not a Cloud Audit Logs cursor of this connector (expected v1:<time>;<ids>)");
        }
        try {
            Instant since = Instant.parse(v.substring(VERSION.length(), semi));
            String ids = v.substring(semi + 1);
            Set<String> seen = new LinkedHashSet<>();
            if (!ids.isEmpty()) {
                Arrays.stream(ids.split(",")).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8)).forEach(seen::add);
            }
            return new LogPosition(since, seen);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not a Cloud Audit Logs cursor of this connector: " + e.getMessage());
        }
    }
}

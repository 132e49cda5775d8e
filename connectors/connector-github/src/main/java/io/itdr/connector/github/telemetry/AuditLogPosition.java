package io.itdr.connector.github.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A position in the audit log, read oldest first ({@code order=asc}). Two ways on from it:
 * <ul>
 *   <li>{@code after}: GitHub's opaque cursor from the {@code rel="next"} link of the page before, while
 *       the log has more pages (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api);</li>
 *   <li>otherwise {@code since} and {@code skip}: events created at or after the second {@code since}
 *       ({@code phrase=created:>=…}, the audit log's search qualifier, whose finest unit is the second), less
 *       those already delivered in that second ({@code skip}, their {@code _document_id}s). The last page
 *       has no next link, and waiting for new events must not depend on one.</li>
 * </ul>
 * {@code since} and {@code skip} are kept up to date also while {@code after} is followed, so either way
 * on gives no gap and no duplicate.
 *
 * <p>Text form (the {@link Cursor} value): {@code v1:since=<ISO second>&skip=<id>,<id>[&after=<cursor>]}, each
 * value percent-encoded. Immutable.
 *
 * @param since the second from which events are read; never null, whole seconds
 * @param skip  ids of events created in the second {@code since} that were already delivered; never null
 * @param after GitHub's cursor of the next page; null when there is none to follow
 */
record AuditLogPosition(Instant since, Set<String> skip, String after) {
    private static final String VERSION = "v1:";
    /** A cursor is stored by the host: bounded, so that a second of thousands of events cannot blow it up. */
    static final int MAX_SKIP = 2000;

    AuditLogPosition {
        Objects.requireNonNull(since, "since");
        since = since.truncatedTo(ChronoUnit.SECONDS);
        skip = Set.copyOf(new LinkedHashSet<>(Objects.requireNonNull(skip, "skip")));
    }

    static AuditLogPosition since(Instant since) {
        return new AuditLogPosition(since, Set.of(), null);
    }

    /**
     * @throws ConnectorException {@code CURSOR_INVALID} when the text is not one this connector wrote
     */
    static AuditLogPosition of(Cursor cursor) {
        String value = cursor.value();
        if (!value.startsWith(VERSION)) {
            throw invalid(value, "it does not start with " + VERSION);
        }
        Instant since = null;
        Set<String> skip = new LinkedHashSet<>();
        String after = null;
        for (String pair : value.substring(VERSION.length()).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw invalid(value, "'" + pair + "' is not name=value");
            }
            String name = pair.substring(0, eq);
            String v = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            switch (name) {
                case "since" -> {
                    try {
                        since = Instant.parse(v);
                    } catch (DateTimeParseException e) {
                        throw invalid(value, "since is not a time");
                    }
                }
                case "skip" -> {
                    for (String id : v.split(",")) {
                        if (!id.isEmpty()) {
                            skip.add(URLDecoder.decode(id, StandardCharsets.UTF_8));
                        }
                    }
                }
                case "after" -> after = v.isEmpty() ? null : v;
                default -> throw invalid(value, "unknown field '" + name + "'");
            }
        }
        if (since == null) {
            throw invalid(value, "since is missing");
        }
        return new AuditLogPosition(since, skip, after);
    }

    Cursor toCursor() {
        StringJoiner ids = new StringJoiner(",");
        skip.stream().sorted().forEach(id -> ids.add(URLEncoder.encode(id, StandardCharsets.UTF_8)));
        String text = VERSION + "since=" + encode(since.toString()) + "&skip=" + encode(ids.toString())
                + (after == null ? "" : "&after=" + encode(after));
        return new Cursor(text);
    }

    /** The audit log search phrase of this position. */
    String phrase() {
        return "created:>=" + since;
    }

    /**
     * The position after one more event was delivered: with a time, the latest second seen moves
     * {@code since} on (and restarts {@code skip}); an event without a readable time is remembered in {@code skip}.
     */
    AuditLogPosition delivered(String id, Instant time) {
        Instant second = time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
        if (second != null && second.isAfter(since)) {
            return new AuditLogPosition(second, id == null ? Set.of() : Set.of(id), after);
        }
        if (id == null || skip.contains(id) || (second != null && second.isBefore(since)) || skip.size() >= MAX_SKIP) {
            return this;
        }
        Set<String> more = new LinkedHashSet<>(skip);
        more.add(id);
        return new AuditLogPosition(since, more, after);
    }

    AuditLogPosition withAfter(String next) {
        return new AuditLogPosition(since, skip, next);
    }

    String describe() {
        return "since " + since + (skip.isEmpty() ? "" : " less " + skip.size() + " delivered") + (after == null ? "" : " after a cursor");
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    private static ConnectorException invalid(String value, String why) {
        return new ConnectorException(ErrorCode.CURSOR_INVALID, "not a GitHub audit log cursor (" + why + "): '"
                + (value.length() > 80 ? value.substring(0, 80) + "…" : value) + "'");
    }
}

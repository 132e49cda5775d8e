package io.itdr.connector.azure.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where polling stands in each Graph log, as the cursor's text:
 * {@code v1;signIns=<time>,<id>|<id>;directoryAudits=<time>,…}. Per log: every record older than
 * {@code time} was delivered, and of the records at exactly {@code time}, those whose ids are listed
 * (Graph gives times to 100 ns at most, so few records share one). Immutable.
 *
 * @param feeds the position in each log by its name; never null
 */
record LogPosition(Map<String, Feed> feeds) {
    private static final String VERSION = "v1";

    /** One log's position. */
    record Feed(Instant time, Set<String> seenAtTime) {
        Feed {
            Objects.requireNonNull(time, "time");
            seenAtTime = Set.copyOf(new LinkedHashSet<>(seenAtTime));
        }

        /** Whether a record at {@code at} with {@code id} was delivered before this position. */
        boolean delivered(Instant at, String id) {
            return at.isBefore(time) || (at.equals(time) && seenAtTime.contains(id));
        }
    }

    LogPosition {
        feeds = Map.copyOf(feeds);
    }

    /** The position {@code cursor} names, or every log at {@code start} for {@link Cursor#START}. */
    static LogPosition parse(Cursor cursor, List<String> names, Instant start) {
        Map<String, Feed> feeds = new LinkedHashMap<>();
        names.forEach(n -> feeds.put(n, new Feed(start, Set.of())));
        if (cursor.isStart()) {
            return new LogPosition(feeds);
        }
        String[] parts = cursor.value().split(";", -1);
        if (!parts[0].equals(VERSION)) {
            throw invalid(cursor, "it does not start with " + VERSION);
        }
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            int comma = parts[i].indexOf(',', eq);
            if (eq <= 0 || comma < 0) {
                throw invalid(cursor, "part " + i + " is not <log>=<time>,<ids>");
            }
            String name = parts[i].substring(0, eq);
            Instant time;
            try {
                time = Instant.parse(parts[i].substring(eq + 1, comma));
            } catch (DateTimeParseException e) {
                throw invalid(cursor, "part " + i + " has no ISO 8601 time");
            }
            Set<String> ids = new LinkedHashSet<>();
            String list = parts[i].substring(comma + 1);
            if (!list.isEmpty()) {
                for (String id : list.split("\\|", -1)) {
                    ids.add(URLDecoder.decode(id, StandardCharsets.UTF_8));
                }
            }
            if (feeds.containsKey(name)) {
                feeds.put(name, new Feed(time, ids));
            }
        }
        return new LogPosition(feeds);
    }

    Cursor toCursor(List<String> order) {
        StringBuilder b = new StringBuilder(VERSION);
        for (String name : order) {
            Feed f = feeds.get(name);
            List<String> ids = new ArrayList<>();
            f.seenAtTime().stream().sorted().forEach(id -> ids.add(URLEncoder.encode(id, StandardCharsets.UTF_8)));
            b.append(';').append(name).append('=').append(f.time()).append(',').append(String.join("|", ids));
        }
        return new Cursor(b.toString());
    }

    Feed of(String name) {
        return feeds.get(name);
    }

    private static ConnectorException invalid(Cursor cursor, String why) {
        return new ConnectorException(ErrorCode.CURSOR_INVALID, "not a cursor of the azure connector's Graph logs ("
                + why + "): '" + io.itdr.connector.support.JsonFields.clip(cursor.value(), 120) + "'");
    }
}

package io.itdr.connector.okta.telemetry;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * A position in the System Log: the query parameters of the request that reads on from it. The
 * first poll asks {@code since} a time; every later one asks what Okta's {@code next} link says
 * (its opaque {@code after} and the rest), because Okta's advice is to follow the links and never
 * craft {@code after} (system-log/#datetime-filter). Only {@code limit} is left out: each poll sets
 * its own.
 *
 * <p>Text form (the {@link Cursor} value): {@code v1:} then the query, percent-encoded, e.g.
 * {@code v1:sortOrder=ASCENDING&after=1557773606346_1}. Immutable.
 *
 * @param params the query parameters in order, decoded; never null, never containing {@code limit}
 */
record LogPosition(List<Map.Entry<String, String>> params) {
    private static final String VERSION = "v1:";
    private static final int MAX_CURSOR_CHARS = 8192;

    LogPosition {
        params = params.stream().filter(p -> !p.getKey().equals("limit")).map(p -> Map.entry(p.getKey(), p.getValue())).toList();
    }

    /** The first poll: everything Okta persisted since {@code since}, oldest first, through {@code filter} (may be null). */
    static LogPosition since(Instant since, String filter) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        params.add(Map.entry("since", since.truncatedTo(ChronoUnit.MILLIS).toString()));
        if (filter != null) {
            params.add(Map.entry("filter", filter));
        }
        // ASCENDING and no until: a polling request, filtered by persistence time so late events are not skipped
        params.add(Map.entry("sortOrder", "ASCENDING"));
        return new LogPosition(params);
    }

    /**
     * The position a {@code next} link points at.
     *
     * @throws ConnectorException {@code MALFORMED_RESPONSE} when the link is not a URL with a query
     */
    static LogPosition ofLink(String url) {
        String query;
        try {
            query = new URI(url.trim()).getRawQuery();
        } catch (URISyntaxException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /api/v1/logs: the next link is not a URL: " + shorten(url));
        }
        if (query == null || query.isEmpty()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /api/v1/logs: the next link has no query: " + shorten(url));
        }
        LogPosition position = new LogPosition(decode(query, () -> new ConnectorException(ErrorCode.MALFORMED_RESPONSE,
                "GET /api/v1/logs: the next link's query is not percent-encoded: " + shorten(url))));
        if (position.params().isEmpty()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /api/v1/logs: the next link has no query: " + shorten(url));
        }
        return position;
    }

    /**
     * The position a cursor made by {@link #toCursor()} stands for.
     *
     * @throws ConnectorException {@code CURSOR_INVALID} naming what is wrong with it
     */
    static LogPosition of(Cursor cursor) {
        String value = cursor.value();
        if (!value.startsWith(VERSION)) {
            throw invalid(cursor, "expected v1:<query of Okta's next link>");
        }
        if (value.length() > MAX_CURSOR_CHARS) {
            throw invalid(cursor, "longer than " + MAX_CURSOR_CHARS + " characters");
        }
        LogPosition position = new LogPosition(decode(value.substring(VERSION.length()), () -> invalid(cursor, "the query is not percent-encoded")));
        if (position.value("after") == null && position.value("since") == null) {
            throw invalid(cursor, "it has neither after nor since");
        }
        if (position.value("until") != null) {
            throw invalid(cursor, "it has until: a bounded query ends, a poll must not");
        }
        return position;
    }

    /**
     * This position, with {@code from}'s value of {@code name} when this one has none: a next link that
     * did not echo the filter must not widen the poll to every event.
     */
    LogPosition keeping(LogPosition from, String name) {
        String value = from.value(name);
        if (value == null || value(name) != null) {
            return this;
        }
        List<Map.Entry<String, String>> more = new ArrayList<>(params);
        more.add(Map.entry(name, value));
        return new LogPosition(more);
    }

    Cursor toCursor() {
        return new Cursor(VERSION + encode(params));
    }

    /** The query of a request from here that asks for up to {@code limit} events. */
    String query(int limit) {
        List<Map.Entry<String, String>> withLimit = new ArrayList<>(params);
        withLimit.add(Map.entry("limit", Integer.toString(limit)));
        return encode(withLimit);
    }

    /** A short name of the position for messages and locations: "after=…" or "since=…". */
    String describe() {
        String after = value("after");
        return after != null ? "after=" + shorten(after) : "since=" + value("since");
    }

    private String value(String name) {
        for (Map.Entry<String, String> p : params) {
            if (p.getKey().equals(name)) {
                return p.getValue();
            }
        }
        return null;
    }

    private static String encode(List<Map.Entry<String, String>> params) {
        StringJoiner query = new StringJoiner("&");
        for (Map.Entry<String, String> p : params) {
            query.add(component(p.getKey()) + "=" + component(p.getValue()));
        }
        return query.toString();
    }

    /** Percent-encodes for a query, with %20 for a space (a '+' would be read as a plus by some servers). */
    private static String component(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<Map.Entry<String, String>> decode(String query, java.util.function.Supplier<ConnectorException> malformed) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (name.isEmpty()) {
                    throw malformed.get();
                }
                params.add(Map.entry(name, value));
            } catch (IllegalArgumentException e) {
                throw malformed.get();
            }
        }
        return params;
    }

    static ConnectorException invalid(Cursor cursor, String reason) {
        return new ConnectorException(ErrorCode.CURSOR_INVALID, "System Log cursor '" + shorten(cursor.value()) + "': " + reason);
    }

    private static String shorten(String text) {
        Objects.requireNonNull(text);
        return text.length() > 100 ? text.substring(0, 100) + "…" : text;
    }
}

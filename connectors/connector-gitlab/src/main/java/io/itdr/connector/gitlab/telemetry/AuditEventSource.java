package io.itdr.connector.gitlab.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.support.RestEndpoint;
import io.itdr.connector.gitlab.GitLabApi;
import io.itdr.connector.gitlab.normalize.AuditEventNormalizer;
import io.itdr.connector.support.JsonPayloadReader;
import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.Secret;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Polls GitLab audit events ({@code GET /api/v4/{groups/:id|projects/:id|}/audit_events?created_after=…},
 * https://docs.gitlab.com/api/audit_events/), whose pages come newest first and page by {@code page} and
 * {@code per_page} (at most 100) with an {@code X-Next-Page} header
 * (https://docs.gitlab.com/api/rest/#pagination). Each poll reads every page created at or after the
 * cursor's second (at most {@value #MAX_PAGES} pages), keeps the events whose id is above the cursor's
 * last id, and delivers the oldest {@code maxEvents} of them in id order; {@code hasMore} says whether more
 * were left. Audit event ids grow with time, so the cursor {@code v1:<second>:<last id>} gives no gap and
 * no duplicate. Thread-safe and stateless.
 */
public final class AuditEventSource implements TelemetrySource {
    static final int MAX_PAGES = 20;
    private static final Pattern CURSOR = Pattern.compile("v1:(.+Z):(\\d{1,19})");

    private final GitLabApi api;
    private final Secret token;
    private final String path;
    private final Duration lookback;
    private final AuditEventNormalizer normalizer;
    private final ConnectorMetrics metrics;
    private final Clock clock;
    private final JsonPayloadReader reader = AuditEventNormalizer.reader();

    public AuditEventSource(GitLabApi api, Secret token, String path, Duration lookback, AuditEventNormalizer normalizer,
                            ConnectorMetrics metrics, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.token = Objects.requireNonNull(token, "token");
        this.path = Objects.requireNonNull(path, "path");
        this.lookback = Objects.requireNonNull(lookback, "lookback");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A record read from a page: its id (−1 when unreadable), its time (null when unreadable) and the record or why not. */
    private record Read(long id, Instant time, JsonNode record, String location, String unreadable) {
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        Instant since;
        long lastId;
        if (cursor.isStart()) {
            since = clock.instant().minus(lookback).truncatedTo(ChronoUnit.SECONDS);
            lastId = 0;
        } else {
            Matcher m = CURSOR.matcher(cursor.value());
            if (!m.matches()) {
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not a GitLab audit events cursor: '"
                        + (cursor.value().length() > 60 ? cursor.value().substring(0, 60) + "…" : cursor.value()) + "'");
            }
            try {
                since = Instant.parse(m.group(1));
            } catch (DateTimeParseException e) {
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not a GitLab audit events cursor: bad time");
            }
            lastId = Long.parseLong(m.group(2));
        }
        List<Read> fresh = new ArrayList<>();
        boolean truncated = false;
        String page = "1";
        for (int pages = 0; page != null; pages++) {
            if (pages >= MAX_PAGES) {
                truncated = true;
                break;
            }
            page = fetch(since, page, lastId, fresh);
        }
        fresh.sort(Comparator.comparingLong(Read::id));
        CollectingSink sink = new CollectingSink();
        Instant nextSince = since;
        long nextId = lastId;
        int taken = 0;
        for (Read r : fresh) {
            if (taken == maxEvents) {
                break;
            }
            taken++;
            if (r.unreadable() != null) {
                sink.reject(new Rejection(r.location(), r.unreadable()));
            } else {
                normalizer.normalizeRecord(r.record(), r.location(), null, sink);
            }
            if (r.id() > nextId) {
                nextId = r.id();
            }
            if (r.time() != null && r.time().truncatedTo(ChronoUnit.SECONDS).isAfter(nextSince)) {
                nextSince = r.time().truncatedTo(ChronoUnit.SECONDS);
            }
        }
        TelemetryMetrics.polled(metrics, sink.events().size(), sink.rejections().size());
        return TelemetryBatch.of(sink, new Cursor("v1:" + nextSince + ":" + nextId), taken < fresh.size() || truncated);
    }

    /** One cheap authenticated read, for a health check. */
    public void probe() {
        fetch(clock.instant().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.SECONDS), "1", Long.MAX_VALUE, new ArrayList<>());
    }

    /** Reads one page into {@code into} (events above {@code lastId}); returns the next page, or null. */
    private String fetch(Instant since, String page, long lastId, List<Read> into) {
        String query = "?created_after=" + GitLabApi.encode(since.toString()) + "&per_page=100&page=" + GitLabApi.encode(page);
        String location = "GET " + path + " page " + page;
        RestEndpoint.Answer answer = api.send("GET", "/api/v4" + path + query, token::reveal, null);
        try (InputStream body = answer.body()) {
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(body);
            int first = JsonPayloadReader.firstSignificantByte(in);
            if (first != '[') {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, location + ": expected a JSON array of audit events");
            }
            reader.read(in, new JsonPayloadReader.RecordHandler() {
                @Override
                public void record(long number, long line, JsonNode record, String origin) {
                    JsonNode id = record.get("id");
                    long value = id != null && id.canConvertToLong() ? id.asLong() : -1;
                    if (value > lastId || value < 0) {
                        into.add(new Read(value, time(record.get("created_at")), record,
                                JsonPayloadReader.location(location, number, line, null, null), null));
                    }
                }

                @Override
                public void unreadable(long number, long line, String reason) {
                    into.add(new Read(-1, null, null, JsonPayloadReader.location(location, number, line, null, null), reason));
                }
            });
        } catch (JsonPayloadReader.UnreadablePayload e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, location + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw transport(e.getCause());
        } catch (IOException e) {
            throw transport(e);
        }
        return answer.headers().firstValue("x-next-page").map(String::trim).filter(p -> !p.isEmpty()).orElse(null);
    }

    private static Instant time(JsonNode value) {
        if (value == null || !value.isTextual()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.textValue()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static ConnectorException transport(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return ConnectorException.retriable(ErrorCode.TIMEOUT, "GET audit_events: the page stopped arriving in time", null, e);
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, "GET audit_events: the connection broke while the page was read: "
                + e.getClass().getSimpleName(), null, e);
    }

    @Override
    public String toString() {
        return "AuditEventSource[" + api.baseUrl() + "/api/v4" + path + ", lookback=" + lookback + "]";
    }
}

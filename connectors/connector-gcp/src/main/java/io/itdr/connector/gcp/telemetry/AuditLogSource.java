package io.itdr.connector.gcp.telemetry;

import io.itdr.connector.support.TelemetryMetrics;
import static io.itdr.connector.support.JsonFields.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.http.HttpResponse;
import com.google.api.services.logging.v2.model.ListLogEntriesRequest;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.GcpErrors;
import io.itdr.connector.gcp.normalize.AuditLogNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Polls Cloud Audit Logs of the configured projects with {@code entries.list}
 * (https://cloud.google.com/logging/docs/reference/v2/rest/v2/entries/list): one request names every
 * project in {@code resourceNames}, asks {@code orderBy: "timestamp asc"} and the query
 * {@code logName:"cloudaudit.googleapis.com" AND timestamp >= "<since>" AND timestamp <= "<now - settle>"}
 * (plus the operator's filter), and follows {@code nextPageToken} until the batch is full.
 *
 * <p>The cursor ({@link LogPosition}) is the last entry's timestamp and the ids of the entries read
 * at it; page tokens never outlive a poll. Every entry is an event or a rejection (an entry that is no
 * usable audit record still moves the cursor). Google's quota on {@code entries.list} is 60 requests a
 * minute per project (https://cloud.google.com/logging/quotas#api-limits): a 429 surfaces as
 * {@code THROTTLED} with Google's retry delay and the host backs off. Thread-safe; keeps no state.
 */
public final class AuditLogSource implements TelemetrySource {
    private static final String AUDIT_LOGS = "logName:\"cloudaudit.googleapis.com\"";
    private static final int MAX_PAGE = 1000;
    private static final int MAX_PAGES_PER_POLL = 20;

    private final GcpClients clients;
    private final List<String> resourceNames;
    private final AuditLogSettings settings;
    private final AuditLogNormalizer normalizer;
    private final ConnectorMetrics metrics;
    private final Clock clock;

    public AuditLogSource(GcpClients clients, List<String> projects, AuditLogSettings settings, AuditLogNormalizer normalizer,
                          ConnectorMetrics metrics, Clock clock) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.resourceNames = projects.stream().map(p -> "projects/" + p).toList();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        Instant now = clock.instant();
        LogPosition position = cursor.isStart()
                ? LogPosition.start(now.minus(settings.lookback()).truncatedTo(ChronoUnit.MILLIS))
                : LogPosition.parse(cursor);
        Instant until = now.minus(settings.settle());
        CollectingSink sink = new CollectingSink();
        String filter = filter(position.since(), until);
        String pageToken = null;
        int taken = 0;
        for (int pages = 0; pages < MAX_PAGES_PER_POLL; pages++) {
            JsonNode page = list(filter, Math.min(MAX_PAGE, maxEvents + position.seen().size()), pageToken);
            JsonNode entries = page.path("entries");
            if (!entries.isMissingNode() && !entries.isArray()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "entries.list: 'entries' is not an array");
            }
            int index = 0;
            for (JsonNode entry : entries) {
                index++;
                String key = key(entry);
                Instant time = time(entry, position.since());
                if (!time.isAfter(position.since()) && position.seen().contains(key)) {
                    continue;
                }
                if (taken == maxEvents) {
                    return done(sink, position, true);
                }
                String location = "entries.list page " + (pages + 1) + " entry " + index + ", id " + clip(key, 120);
                normalizer.normalizeEntry(entry, location, "gcp:logging/" + clip(key, 200), sink);
                position = position.after(time.isBefore(position.since()) ? position.since() : time, key);
                taken++;
            }
            pageToken = page.path("nextPageToken").asText("");
            if (pageToken.isEmpty()) {
                return done(sink, position, false);
            }
        }
        return done(sink, position, true);
    }

    private TelemetryBatch done(CollectingSink sink, LogPosition position, boolean hasMore) {
        TelemetryMetrics.polled(metrics, sink.events().size(), sink.rejections().size());
        return TelemetryBatch.of(sink, position.cursor(), hasMore);
    }

    /** One {@code entries.list} read of the newest minute, for the health check: proves credentials and {@code logging.logEntries.list}. */
    public void probe() {
        Instant now = clock.instant();
        list(filter(now.minusSeconds(60), now), 1, null);
    }

    private String filter(Instant since, Instant until) {
        String f = AUDIT_LOGS + " AND timestamp >= \"" + since + "\" AND timestamp <= \"" + until + "\"";
        return settings.filter() == null ? f : f + " AND (" + settings.filter() + ")";
    }

    private JsonNode list(String filter, int pageSize, String pageToken) {
        ListLogEntriesRequest body = new ListLogEntriesRequest().setResourceNames(resourceNames).setFilter(filter)
                .setOrderBy("timestamp asc").setPageSize(pageSize).setPageToken(pageToken);
        String what = "entries.list " + String.join(",", resourceNames);
        HttpResponse response;
        try {
            response = clients.logging().entries().list(body).executeUnparsed();
        } catch (IOException e) {
            throw GcpErrors.map(what, e);
        }
        try (InputStream in = response.getContent()) {
            JsonNode page = in == null ? null : normalizer.mapper().readTree(in);
            if (page == null || !page.isObject()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": expected a ListLogEntriesResponse object");
            }
            return page;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not JSON: " + clip(e.getOriginalMessage(), 160), e);
        } catch (IOException e) {
            throw GcpErrors.map(what, e);
        } finally {
            try {
                response.disconnect();
            } catch (IOException e) {
                // the body was read or abandoned; nothing to keep
            }
        }
    }

    /** The entry's id: its insertId, else a digest of the entry (an entry without one is rejected, but must move the cursor). */
    private static String key(JsonNode entry) {
        JsonNode id = entry.get("insertId");
        if (id != null && id.isTextual() && !id.textValue().isBlank()) {
            return id.textValue();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(entry.toString().getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant time(JsonNode entry, Instant otherwise) {
        for (String field : List.of("timestamp", "receiveTimestamp")) {
            JsonNode t = entry.get(field);
            if (t != null && t.isTextual()) {
                try {
                    return OffsetDateTime.parse(t.textValue().trim()).toInstant();
                } catch (DateTimeParseException e) {
                    // try the next field
                }
            }
        }
        return otherwise;
    }

    @Override
    public String toString() {
        return "AuditLogSource[" + resourceNames + ", lookback " + settings.lookback() + ", settle " + settings.settle()
                + (settings.filter() == null ? "" : ", filter " + clip(settings.filter(), 80)) + "]";
    }
}

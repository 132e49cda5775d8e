package io.itdr.connector.example;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls the audit events (API.md §3). The platform's own {@code next} cursor is the whole
 * position, so polling keeps no state. Thread-safe.
 */
final class ExampleTelemetry implements TelemetrySource {
    private final ExampleApi api;

    ExampleTelemetry(ExampleApi api) {
        this.api = api;
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        String path = "/api/events?limit=" + Math.min(maxEvents, ExampleApi.MAX_PAGE)
                + (cursor.isStart() ? "" : "&after=" + ExampleApi.encode(cursor.value()));
        Json.Obj page = api.get(path);
        List<IdentityEvent> events = new ArrayList<>();
        List<Rejection> rejections = new ArrayList<>();
        String next;
        boolean hasMore;
        List<Json.Obj> records;
        try {
            records = page.objects("events");
            next = page.requiredString("next");
            hasMore = page.bool("hasMore").orElse(false);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < records.size(); i++) {
            // A bad record is reported and skipped; the page's cursor still moves past it.
            String where = "GET " + path + " item " + i;
            try {
                events.add(ExampleEventNormalizer.event(records.get(i), where));
            } catch (IllegalArgumentException e) {
                rejections.add(new Rejection(where, e.getMessage()));
            }
        }
        return new TelemetryBatch(events, rejections, new Cursor(next), hasMore);
    }

    @Override
    public String toString() {
        return "ExampleTelemetry[" + api + "]";
    }
}

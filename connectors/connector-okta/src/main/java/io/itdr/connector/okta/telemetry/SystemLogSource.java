package io.itdr.connector.okta.telemetry;

import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.client.ApiException;
import io.itdr.connector.okta.OktaClients;
import io.itdr.connector.okta.OktaErrors;
import io.itdr.connector.okta.normalize.SystemLogNormalizer;
import io.itdr.connector.support.LinkHeader;
import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.connector.support.TransportGuard;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;

/**
 * Polls the Okta System Log ({@code GET /api/v1/logs}, https://developer.okta.com/docs/reference/api/system-log/#list-events)
 * as Okta's "polling requests": {@code sortOrder=ASCENDING} and no {@code until}, so events are
 * selected by the time Okta persisted them and an event that arrives late is not skipped.
 *
 * <p>The first poll asks {@code since} now minus the lookback; every later one follows the
 * {@code Link: <…>; rel="next"} header of the page before, whose query (Okta's opaque {@code after}
 * cursor and the rest) is the persisted {@link Cursor} ({@link LogPosition}). In a polling request
 * that link is always there, also under an empty page: it is where to poll later, so an empty page
 * moves the cursor only as far as Okta's link does. A page is never taken in part: each poll asks
 * for {@code min(maxEvents, 1000)} events and returns the whole page, so the next cursor is exactly
 * after it (no gap, no duplicate). Okta has no "more" flag in a polling request; {@code hasMore} is
 * true when the page came back full. A non-empty page without a next link cannot be resumed after,
 * and is refused as {@code MALFORMED_RESPONSE}.
 *
 * <p>Transport: the SDK's {@link ApiClient} HTTP client and sign-in (so its timeouts, proxy, SSWS or
 * OAuth access token, DPoP), but not its API method: {@code SystemLogApi.listLogEvents} turns the
 * page into SDK model objects and hides the Link header, while this reads the page as it streams,
 * with the same {@link SystemLogNormalizer} that reads exports and event hooks, so a polled record
 * and a pushed one make the same event. Failures: 429 is {@code THROTTLED} with the wait
 * {@code X-Rate-Limit-Reset} says, 5xx and dropped connections {@code UNAVAILABLE}, no answer in time
 * {@code TIMEOUT}, 401/403 refused credentials or scopes ({@link OktaErrors}); a body that is not a
 * JSON array, or breaks off, {@code MALFORMED_RESPONSE}.
 *
 * <p>Thread-safe and stateless: the cursor is the whole position.
 */
public final class SystemLogSource implements TelemetrySource {
    /** The most events Okta returns per request. */
    static final int MAX_LIMIT = 1000;
    static final String PATH = "/api/v1/logs";
    private static final String OPERATION = "GET " + PATH;
    private static final int MAX_ERROR_BODY = 16 * 1024;

    private final OktaClients clients;
    private final SystemLogSettings settings;
    private final SystemLogNormalizer normalizer;
    private final OktaErrors errors;
    private final ConnectorMetrics metrics;
    private final Clock clock;

    /**
     * @param clients    the org's client; never null; closed by its owner
     * @param settings   lookback and filter; never null
     * @param normalizer reads each page; never null
     * @param errors     translates failures; never null
     * @param metrics    where polls and records are counted; never null
     * @param clock      "now" for the first poll's {@code since}; never null
     */
    public SystemLogSource(OktaClients clients, SystemLogSettings settings, SystemLogNormalizer normalizer, OktaErrors errors,
                           ConnectorMetrics metrics, Clock clock) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        LogPosition from = cursor.isStart() ? LogPosition.since(clock.instant().minus(settings.lookback()), settings.filter())
                : LogPosition.of(cursor);
        int limit = Math.min(maxEvents, MAX_LIMIT);
        Page page = fetch(from.query(limit), OPERATION + " " + from.describe());
        int records = page.events().size() + page.rejections().size();
        if (records > limit) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, OPERATION + " " + from.describe() + ": answered " + records
                    + " events to limit=" + limit);
        }
        Cursor next;
        if (page.next() != null) {
            next = page.next().keeping(from, "filter").toCursor();
        } else if (records == 0) {
            next = cursor;
        } else {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, OPERATION + " " + from.describe() + ": answered " + records
                    + " events without a next link, so polling cannot resume after them");
        }
        TelemetryMetrics.polled(metrics, page.events().size(), page.rejections().size());
        return new TelemetryBatch(page.events(), page.rejections(), next, records == limit, page.records());
    }

    /**
     * One cheap authenticated read, for a health check: the System Log's first event of the last
     * days ({@code limit=1}), read to check the answer and discarded.
     */
    public void probe() {
        fetch("limit=1", OPERATION + " (health check)");
    }

    /** One page: what it held and where its next link points (null when it has none). */
    private record Page(List<IdentityEvent> events, List<Rejection> rejections, LogPosition next, List<String> records) {
    }

    private Page fetch(String query, String location) {
        return errors.call(OPERATION, () -> {
            ApiClient api = clients.apiClient();
            HttpGet get = new HttpGet(clients.baseUrl() + PATH + "?" + query);
            get.setHeader("Accept", "application/json");
            clients.authorize(get::setHeader);
            try (ClassicHttpResponse response = api.getHttpClient().executeOpen(RoutingSupport.determineHost(get), get, null)) {
                Map<String, List<String>> headers = headers(response);
                int status = response.getCode();
                HttpEntity entity = response.getEntity();
                if (status < 200 || status > 299) {
                    // the SDK's own failure type, so that OktaErrors reads status, headers and Okta's error body as for any call
                    throw new ApiException(OPERATION + ": HTTP " + status, status, headers, errorBody(entity));
                }
                CollectingSink sink = new CollectingSink();
                InputStream body = entity == null ? InputStream.nullInputStream() : entity.getContent();
                normalizer.normalizeLogPage(new TransportGuard(body), location, sink);
                return new Page(sink.events(), sink.rejections(), nextLink(headers), sink.records());
            } catch (IOException | HttpException e) {
                throw new UncheckedIOException(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
            }
        });
    }

    /** The position of the {@code rel="next"} link among the Link headers, or null when there is none. */
    static LogPosition nextLink(Map<String, List<String>> headers) {
        List<String> links = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (name.equalsIgnoreCase("link")) {
                links.addAll(values);
            }
        });
        return LinkHeader.next(links).map(LogPosition::ofLink).orElse(null);
    }

    private static Map<String, List<String>> headers(ClassicHttpResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>()).add(h.getValue());
        }
        return headers;
    }

    private static String errorBody(HttpEntity entity) throws IOException {
        if (entity == null) {
            return "";
        }
        try (InputStream in = entity.getContent()) {
            return new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return "SystemLogSource[" + clients.baseUrl() + PATH + ", lookback=" + settings.lookback()
                + (settings.filter() == null ? "" : ", filter=" + settings.filter()) + "]";
    }
}

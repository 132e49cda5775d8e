package io.itdr.connector.github.telemetry;

import io.itdr.connector.support.RestEndpoint;
import io.itdr.connector.github.GitHubApi;
import io.itdr.connector.github.GitHubSettings;
import io.itdr.connector.github.GitHubSignIn;
import io.itdr.connector.github.normalize.AuditLogNormalizer;
import io.itdr.connector.support.LinkHeader;
import io.itdr.connector.support.TelemetryMetrics;
import io.itdr.connector.support.TransportGuard;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Polls the organization audit log, {@code GET /orgs/{org}/audit-log}
 * (https://docs.github.com/en/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization), or with
 * {@code enterprise} set the enterprise's, {@code GET /enterprises/{enterprise}/audit-log}
 * (https://docs.github.com/en/enterprise-cloud@latest/rest/enterprise-admin/audit-log#get-the-audit-log-for-an-enterprise:
 * the same parameters, paging and answer; every event names its {@code org} when it has one),
 * oldest first ({@code order=asc}), {@code include} as configured, at most 100 events a page
 * ({@code per_page}). Where each poll starts is the persisted {@link AuditLogPosition}: the {@code after}
 * cursor of GitHub's {@code rel="next"} link while there are more pages, else the second of the last
 * event delivered ({@code phrase=created:>=…}) less the events already delivered in it. A page is
 * taken whole unless more than {@code maxEvents} records are new in it; then the rest waits for the next
 * poll (and {@code hasMore} says so).
 *
 * <p>The first poll reads from now minus the lookback. Failures: as {@link GitHubApi} maps them (403/429
 * rate limits with {@code retry-after} or {@code x-ratelimit-reset} are {@code THROTTLED}); a body that is not
 * a JSON array, or breaks off, {@code MALFORMED_RESPONSE}. The audit log API is limited to 1,750 queries an
 * hour per user or installation: poll at most every few seconds.
 *
 * <p>Thread-safe and stateless: the cursor is the whole position.
 */
public final class AuditLogSource implements TelemetrySource {
    static final int MAX_PER_PAGE = 100;
    private final String operation;

    private final GitHubApi api;
    private final GitHubSignIn signIn;
    private final GitHubSettings settings;
    private final AuditLogNormalizer normalizer;
    private final ConnectorMetrics metrics;
    private final Clock clock;

    public AuditLogSource(GitHubApi api, GitHubSignIn signIn, GitHubSettings settings, AuditLogNormalizer normalizer,
                          ConnectorMetrics metrics, Clock clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.operation = settings.enterprise() == null ? "GET /orgs/{org}/audit-log" : "GET /enterprises/{enterprise}/audit-log";
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
        AuditLogPosition from = cursor.isStart() ? AuditLogPosition.since(clock.instant().minus(settings.lookback()))
                : AuditLogPosition.of(cursor);
        // from a time, events delivered in its second come back first and are dropped: ask for room for them
        int perPage = Math.min(MAX_PER_PAGE, from.after() == null ? maxEvents + from.skip().size() : maxEvents);
        String location = operation + " " + from.describe();
        CollectingSink sink = new CollectingSink();
        AuditLogPosition[] position = {from};
        int[] taken = {0};
        boolean[] trimmed = {false};
        String next = fetch(query(from, perPage), location, sink, (id, time) -> {
            if (from.after() == null && id != null && from.skip().contains(id)) {
                return false;
            }
            if (taken[0] >= maxEvents) {
                trimmed[0] = true;
                return false;
            }
            taken[0]++;
            position[0] = position[0].delivered(id, time);
            return true;
        });
        AuditLogPosition to = position[0].withAfter(next != null && !trimmed[0] ? next : null);
        TelemetryMetrics.polled(metrics, sink.events().size(), sink.rejections().size());
        return TelemetryBatch.of(sink, to.toCursor(), next != null || trimmed[0]);
    }

    /** One cheap authenticated read, for a health check: the audit log's newest event, read and discarded. */
    public void probe() {
        fetch("per_page=1", operation + " (health check)", new CollectingSink(), (id, time) -> true);
    }

    private String query(AuditLogPosition from, int perPage) {
        StringBuilder q = new StringBuilder("phrase=").append(GitHubApi.encode(from.phrase()))
                .append("&include=").append(settings.include()).append("&order=asc&per_page=").append(perPage);
        if (from.after() != null) {
            q.append("&after=").append(GitHubApi.encode(from.after()));
        }
        return q.toString();
    }

    /** Reads one page into {@code sink}; returns the {@code after} of its next link, or null when it has none. */
    private String fetch(String query, String location, CollectingSink sink, AuditLogNormalizer.Gate gate) {
        String path = settings.auditLogPath() + "?" + query;
        RestEndpoint.Answer answer;
        try {
            answer = api.send("GET", path, signIn::authorization, null);
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.AUTHENTICATION_FAILED) {
                signIn.forget(); // an installation token GitHub no longer takes is bought again next time
            }
            throw e;
        }
        try (InputStream body = new TransportGuard(answer.body())) {
            normalizer.normalizePage(body, location, sink, gate);
        } catch (UncheckedIOException e) {
            throw transport(e.getCause());
        } catch (IOException e) {
            throw transport(e);
        }
        return nextAfter(answer.headers().allValues("link"));
    }

    private ConnectorException transport(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return ConnectorException.retriable(ErrorCode.TIMEOUT, operation + ": the page stopped arriving in time", null, e);
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, operation + ": the connection broke while the page was read: "
                + e.getClass().getSimpleName(), null, e);
    }

    /**
     * The {@code after} parameter of the {@code rel="next"} link, or null when there is no next link.
     *
     * @throws ConnectorException {@code MALFORMED_RESPONSE} when a next link has no {@code after}
     */
    String nextAfter(List<String> links) {
        return LinkHeader.next(links).map(this::afterOf).orElse(null);
    }

    private String afterOf(String url) {
        try {
            String query = new URI(url.trim()).getRawQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith("after=") && pair.length() > "after=".length()) {
                        return URLDecoder.decode(pair.substring("after=".length()), StandardCharsets.UTF_8);
                    }
                }
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, operation + ": the next link has no 'after' cursor");
    }

    @Override
    public String toString() {
        return "AuditLogSource[" + api.baseUrl() + settings.auditLogPath() + ", include=" + settings.include()
                + ", lookback=" + settings.lookback() + "]";
    }
}

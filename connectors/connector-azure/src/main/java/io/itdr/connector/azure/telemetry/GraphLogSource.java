package io.itdr.connector.azure.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.itdr.connector.azure.GraphJson;
import io.itdr.connector.azure.normalize.AzureLogNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Polls the Entra sign-in log (beta {@code GET /beta/auditLogs/signIns}, filtered by {@code signInEventTypes};
 * https://learn.microsoft.com/en-us/graph/api/signin-list?view=graph-rest-beta) and the directory audit log
 * ({@code GET /v1.0/auditLogs/directoryAudits}; https://learn.microsoft.com/en-us/graph/api/directoryaudit-list)
 * and, when asked, Identity Protection's service principal risk detections
 * ({@code GET /v1.0/identityProtection/servicePrincipalRiskDetections};
 * https://learn.microsoft.com/en-us/graph/api/identityprotectionroot-list-serviceprincipalriskdetections) and risky service
 * principals ({@code GET /v1.0/identityProtection/riskyServicePrincipals}, by {@code riskLastUpdatedDateTime};
 * https://learn.microsoft.com/en-us/graph/api/identityprotectionroot-list-riskyserviceprincipals: each change of a
 * service principal's risk state is read once), which become platform findings, from a {@link LogPosition}: each with {@code $filter=<time> ge <position>}, pages followed by
 * {@code @odata.nextLink} (https://learn.microsoft.com/en-us/graph/paging).
 *
 * <p>Graph lists these logs newest first and does not sort them the other way, so a poll reads every page
 * after the position and keeps only the {@code maxEvents} oldest undelivered records of each log (memory
 * bounded by {@code maxEvents}, not by the backlog); the oldest of both logs together make the batch, and
 * the cursor moves past exactly those. A backlog larger than a batch is therefore read again by the next
 * poll: the price of never skipping a record. Every record taken becomes an event or a rejection (SPI 1.1:
 * with its raw record). Keeps no state: the cursor is the whole position. Thread-safe.
 */
public final class GraphLogSource implements TelemetrySource {
    static final String SIGN_INS = "signIns";
    static final String AUDITS = "directoryAudits";
    static final String RISKS = "servicePrincipalRiskDetections";
    static final String RISKY = "riskyServicePrincipals";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One Graph log: its name in the cursor, its path and its time property. */
    private record Log(String name, String path, String timeProperty, String extraFilter) {
    }

    /** One record of a page, with what ordering needs. */
    private record Candidate(Instant time, String id, JsonNode record, Log log) {
    }

    private static final Comparator<Candidate> OLDEST_FIRST = Comparator.comparing(Candidate::time)
            .thenComparing(c -> c.log().name()).thenComparing(Candidate::id);

    private final GraphJson graph;
    private final AzureLogNormalizer normalizer;
    private final GraphLogSettings settings;
    private final Clock clock;
    private final List<Log> logs;

    public GraphLogSource(GraphJson graph, AzureLogNormalizer normalizer, GraphLogSettings settings, Clock clock) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        List<Log> list = new ArrayList<>(2);
        if (!settings.signInEventTypes().isEmpty()) {
            String types = settings.signInEventTypes().stream().map(t -> "t eq '" + t + "'").collect(Collectors.joining(" or "));
            list.add(new Log(SIGN_INS, "/beta/auditLogs/signIns", "createdDateTime", "signInEventTypes/any(t: " + types + ")"));
        }
        if (settings.directoryAudits()) {
            list.add(new Log(AUDITS, "/v1.0/auditLogs/directoryAudits", "activityDateTime", null));
        }
        if (settings.riskDetections()) {
            list.add(new Log(RISKS, "/v1.0/identityProtection/servicePrincipalRiskDetections", "detectedDateTime", null));
        }
        if (settings.riskyServicePrincipals()) {
            list.add(new Log(RISKY, "/v1.0/identityProtection/riskyServicePrincipals", "riskLastUpdatedDateTime", null));
        }
        this.logs = List.copyOf(list);
    }

    private List<String> names() {
        return logs.stream().map(Log::name).toList();
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        LogPosition position = LogPosition.parse(cursor, names(), clock.instant().minus(settings.lookback()));
        List<Candidate> merged = new ArrayList<>();
        boolean more = false;
        for (Log log : logs) {
            Oldest oldest = read(log, position.of(log.name()), maxEvents);
            merged.addAll(oldest.records());
            more |= oldest.more();
        }
        merged.sort(OLDEST_FIRST);
        List<Candidate> taken = merged.subList(0, Math.min(maxEvents, merged.size()));
        more |= merged.size() > taken.size();

        Map<String, LogPosition.Feed> next = new LinkedHashMap<>(position.feeds());
        for (Log log : logs) {
            LogPosition.Feed before = position.of(log.name());
            List<Candidate> mine = taken.stream().filter(c -> c.log() == log).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Instant last = mine.get(mine.size() - 1).time();
            Set<String> seen = new HashSet<>();
            if (last.equals(before.time())) {
                seen.addAll(before.seenAtTime());
            }
            mine.stream().filter(c -> c.time().equals(last)).forEach(c -> seen.add(c.id()));
            next.put(log.name(), new LogPosition.Feed(last, seen));
        }
        // in time order across both logs: runs of one log's records go to the normalizer together
        CollectingSink sink = new CollectingSink();
        int i = 0;
        while (i < taken.size()) {
            Log log = taken.get(i).log();
            ArrayNode run = JSON.createArrayNode();
            while (i < taken.size() && taken.get(i).log() == log) {
                run.add(taken.get(i++).record());
            }
            normalizer.normalize(new ByteArrayInputStream(run.toString().getBytes(StandardCharsets.UTF_8)),
                    "GET " + log.path(), "azure:graph/" + log.name() + "/", sink);
        }
        return TelemetryBatch.of(sink, new LogPosition(next).toCursor(names()), more);
    }

    /** What one log holds after the position: its oldest undelivered records (at most {@code max}), and whether there are more. */
    private record Oldest(List<Candidate> records, boolean more) {
    }

    private Oldest read(Log log, LogPosition.Feed from, int max) {
        // Graph compares to the second in practice: ask from the whole second, drop what was delivered
        Instant since = from.time().truncatedTo(ChronoUnit.SECONDS);
        String filter = log.timeProperty() + " ge " + since;
        if (log.extraFilter() != null) {
            filter += " and " + log.extraFilter();
        }
        URI url = graph.url(log.path() + "?$filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20")
                + "&$top=" + settings.pageSize());
        PriorityQueue<Candidate> newestFirst = new PriorityQueue<>(OLDEST_FIRST.reversed());
        boolean more = false;
        Set<String> pagesSeen = new HashSet<>();
        while (url != null) {
            if (!pagesSeen.add(url.toString())) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + log.path() + ": @odata.nextLink points back to a page "
                        + "already read");
            }
            GraphJson.Page page = graph.page(url, "GET " + log.path());
            for (JsonNode record : page.items()) {
                Candidate c = candidate(record, log, from.time());
                if (from.delivered(c.time(), c.id())) {
                    continue;
                }
                newestFirst.add(c);
                if (newestFirst.size() > max) {
                    newestFirst.poll();
                    more = true;
                }
            }
            url = page.next();
        }
        List<Candidate> oldest = new ArrayList<>(newestFirst);
        oldest.sort(OLDEST_FIRST);
        return new Oldest(oldest, more);
    }

    /** The record's time and id; a record without a readable time sorts at the position (it will be rejected), without an id by a digest. */
    private static Candidate candidate(JsonNode record, Log log, Instant position) {
        JsonNode t = record.get(log.timeProperty());
        Instant time = null;
        if (t != null && t.isTextual()) {
            try {
                time = java.time.OffsetDateTime.parse(t.textValue()).toInstant();
            } catch (java.time.format.DateTimeParseException e) {
                time = null;
            }
        }
        JsonNode id = record.get("id");
        String key = id != null && id.isTextual() && !id.textValue().isBlank() ? id.textValue() : "sha256:" + digest(record.toString());
        return new Candidate(time == null ? position : time, key, record, log);
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One read of one record from the first log, for the health check: the answer must be a Graph collection. */
    public void probe() {
        Log log = logs.get(0);
        graph.page(graph.url(log.path() + "?$top=1"), "GET " + log.path());
    }

    @Override
    public String toString() {
        return "GraphLogSource[" + names() + ", " + settings + "]";
    }
}

package io.itdr.connector.okta.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful stand-in for the Okta System Log on WireMock, answering {@code GET /api/v1/logs} as the
 * API reference describes it (https://developer.okta.com/docs/reference/api/system-log/#list-events):
 * <ul>
 *   <li>polling requests (no {@code until}, {@code sortOrder} ASCENDING or absent) select events by the
 *       time Okta persisted them, which may be later than {@code published} ("Polling requests");</li>
 *   <li>{@code since} (RFC 3339; default 7 days before now), or {@code after}, the opaque token of a
 *       {@code next} link; {@code limit} 0 to 1000, default 100;</li>
 *   <li>{@code filter}: {@code eventType eq "…"} and {@code eventType sw "…"} (#expression-filter), anything
 *       else is answered 400 E0000053 as Okta answers a filter it cannot read;</li>
 *   <li>the answer is a JSON array with {@code link: <…>; rel="self"} and, always in polling,
 *       {@code link: <…after=…>; rel="next"} (#next-link-response-header), also under an empty page;</li>
 *   <li>a request without the expected {@code Authorization} is answered 401 E0000011
 *       (https://developer.okta.com/docs/reference/error-codes/).</li>
 * </ul>
 * Events are kept as the raw JSON Okta would send, so a test can seed a malformed one. Thread-safe:
 * the log is synchronized on this object.
 */
public final class SystemLogSandbox implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "okta-system-log";
    public static final String PATH = "/api/v1/logs";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FILTER = Pattern.compile("eventType\\s+(eq|sw)\\s+\"([^\"]*)\"");
    private static final Pattern AFTER = Pattern.compile("(\\d+)_(\\d+)");

    /** One event as Okta stores it: its JSON, when it was persisted, and its place in persistence order. */
    private record Stored(long sequence, Instant persisted, String json, String eventType) {
    }

    private final Supplier<Instant> clock;
    private final List<Stored> log = new ArrayList<>();
    private volatile Set<String> authorizations;

    /**
     * @param clock          "now", for the default {@code since}
     * @param authorizations the {@code Authorization} header values accepted (e.g. {@code SSWS <token>})
     */
    public SystemLogSandbox(Supplier<Instant> clock, Set<String> authorizations) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.authorizations = Set.copyOf(authorizations);
    }

    /** Routes {@code GET /api/v1/logs} to this sandbox. */
    public void stub(WireMockServer server) {
        server.stubFor(get(urlPathEqualTo(PATH)).atPriority(5).willReturn(aResponse().withTransformers(NAME)));
    }

    public void acceptAuthorizations(Set<String> values) {
        this.authorizations = Set.copyOf(values);
    }

    public synchronized void clear() {
        log.clear();
    }

    /**
     * Appends an event persisted at {@code persisted} (later events must not be persisted earlier); returns
     * its place in the log, from 1.
     */
    public synchronized long add(String json, Instant persisted) {
        if (!log.isEmpty() && persisted.isBefore(log.get(log.size() - 1).persisted())) {
            throw new IllegalArgumentException("the log is in persistence order: " + persisted + " is before the last event");
        }
        String eventType = null;
        try {
            JsonNode node = JSON.readTree(json);
            eventType = node != null && node.hasNonNull("eventType") ? node.get("eventType").asText() : null;
        } catch (IOException malformed) {
            // a record the test made unreadable on purpose: it still is in the log
        }
        long sequence = log.size() + 1;
        log.add(new Stored(sequence, persisted, json, eventType));
        return sequence;
    }

    /** Every event's JSON in persistence order, as an export would hold them. */
    public synchronized List<String> events() {
        return log.stream().map(Stored::json).toList();
    }

    /**
     * A client-credentials token grant by the service app {@code clientId}, in the form the System Log
     * reference gives a LogEvent (#logevent-object, #client-object).
     */
    public static String tokenGrant(String uuid, Instant published, String clientId) {
        ObjectNode e = JSON.createObjectNode();
        e.put("uuid", uuid);
        e.put("published", published.toString());
        e.put("eventType", "app.oauth2.as.token.grant.access_token");
        e.put("version", "0");
        e.put("severity", "INFO");
        e.put("displayMessage", "OAuth2 access token is granted");
        ObjectNode actor = e.putObject("actor");
        actor.put("id", clientId);
        actor.put("type", "PublicClientApp");
        actor.put("alternateId", "nightly-export");
        actor.put("displayName", "Nightly Export");
        ObjectNode client = e.putObject("client");
        client.put("id", clientId);
        client.put("ipAddress", "198.51.100.24");
        client.putObject("userAgent").put("rawUserAgent", "okta-sdk-java/24.0.0 java/17").put("os", "Unknown").put("browser", "UNKNOWN");
        ObjectNode geo = client.putObject("geographicalContext");
        geo.put("city", "Ashburn").put("state", "Virginia").put("country", "United States");
        geo.putObject("geolocation").put("lat", 39.0469).put("lon", -77.4903);
        e.putObject("securityContext").put("asNumber", 14618).put("asOrg", "amazon.com inc.").put("isProxy", false);
        e.putObject("outcome").put("result", "SUCCESS");
        e.putObject("transaction").put("type", "WEB").put("id", "trx-" + uuid);
        e.putObject("debugContext").putObject("debugData").put("grantType", "client_credentials")
                .put("grantedScopes", "okta.logs.read").put("requestUri", "/oauth2/v1/token");
        return e.toString();
    }

    /** An event of another type by the same app, for filters. */
    public static String ofType(String uuid, Instant published, String clientId, String eventType) {
        try {
            ObjectNode e = (ObjectNode) JSON.readTree(tokenGrant(uuid, published, clientId));
            e.put("eventType", eventType);
            return e.toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        if (!authorizations.contains(String.valueOf(request.getHeader("Authorization")))) {
            return error(401, "E0000011", "Invalid token provided").build();
        }
        synchronized (this) {
            return listEvents(request).build();
        }
    }

    private ResponseDefinitionBuilder listEvents(Request request) {
        String sortOrder = param(request, "sortOrder");
        if (sortOrder != null && !sortOrder.equals("ASCENDING")) {
            return error(400, "E0000001", "Api validation failed: sortOrder: this sandbox answers polling requests (ASCENDING)");
        }
        if (param(request, "until") != null) {
            return error(400, "E0000001", "Api validation failed: until: this sandbox answers polling requests only");
        }
        int limit;
        try {
            limit = param(request, "limit") == null ? 100 : Integer.parseInt(param(request, "limit"));
        } catch (NumberFormatException e) {
            return error(400, "E0000001", "Api validation failed: limit");
        }
        if (limit < 0 || limit > 1000) {
            return error(400, "E0000001", "Api validation failed: limit: must be between 0 and 1000");
        }
        String filter = param(request, "filter");
        Matcher f = filter == null ? null : FILTER.matcher(filter.trim());
        if (f != null && !f.matches()) {
            return error(400, "E0000053", "Invalid filter '" + filter + "'");
        }
        long position;
        String after = param(request, "after");
        if (after != null) {
            Matcher a = AFTER.matcher(after);
            if (!a.matches()) {
                return error(400, "E0000001", "Api validation failed: after");
            }
            position = Long.parseLong(a.group(2));
        } else {
            Instant since;
            try {
                since = param(request, "since") == null ? clock.get().minusSeconds(7 * 86400) : Instant.parse(param(request, "since"));
            } catch (DateTimeParseException e) {
                return error(400, "E0000001", "Api validation failed: 'since': The date format in your query is not recognized.");
            }
            position = log.stream().filter(s -> s.persisted().isBefore(since)).mapToLong(Stored::sequence).max().orElse(0);
        }
        List<Stored> page = new ArrayList<>();
        long last = position;
        for (Stored s : log) {
            if (page.size() >= limit) {
                break;
            }
            if (s.sequence() > position && matches(f, s)) {
                page.add(s);
            }
            if (s.sequence() > position && page.size() <= limit) {
                last = s.sequence(); // the position moves past events the filter skips, as far as the page reaches
            }
        }
        StringJoiner body = new StringJoiner(",", "[", "]");
        page.forEach(s -> body.add(s.json()));
        String base = request.getAbsoluteUrl().substring(0, request.getAbsoluteUrl().indexOf(PATH)) + PATH;
        String self = base + "?" + request.getAbsoluteUrl().substring(request.getAbsoluteUrl().indexOf('?') + 1);
        StringJoiner next = new StringJoiner("&", base + "?", "");
        next.add("sortOrder=ASCENDING").add("limit=" + limit);
        if (filter != null) {
            next.add("filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        Instant lastPersisted = last == 0 ? Instant.EPOCH : log.get((int) last - 1).persisted();
        next.add("after=" + lastPersisted.toEpochMilli() + "_" + last);
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("link", "<" + self + ">; rel=\"self\"", "<" + next + ">; rel=\"next\"")
                .withHeader("X-Rate-Limit-Limit", "120").withHeader("X-Rate-Limit-Remaining", "119")
                .withHeader("X-Rate-Limit-Reset", Long.toString(clock.get().getEpochSecond() + 60))
                .withBody(body.toString());
    }

    private static boolean matches(Matcher filter, Stored s) {
        if (filter == null) {
            return true;
        }
        if (s.eventType() == null) {
            return false;
        }
        String value = filter.group(2);
        return filter.group(1).equals("eq") ? s.eventType().equals(value)
                : s.eventType().toLowerCase(Locale.ROOT).startsWith(value.toLowerCase(Locale.ROOT));
    }

    private static String param(Request request, String name) {
        QueryParameter p = request.queryParameter(name);
        return p != null && p.isPresent() ? p.firstValue() : null;
    }

    /** Okta's error body (https://developer.okta.com/docs/reference/error-codes/). */
    public static ResponseDefinitionBuilder error(int status, String code, String summary) {
        ObjectNode body = JSON.createObjectNode();
        body.put("errorCode", code);
        body.put("errorSummary", summary);
        body.put("errorLink", code);
        body.put("errorId", "oae" + Integer.toHexString(Objects.hash(code, summary)));
        body.putArray("errorCauses");
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body.toString());
    }
}

package io.itdr.connector.example;

import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.itdr.fixture.wiremock.StatefulSimulation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The example platform's state and behaviour (API.md), behind the WireMock stubs that
 * {@link ExampleSandbox} registers: the stubs decide which calls reach the platform (auth,
 * faults), this decides what the platform answers. Thread-safe: Jetty serves on several threads.
 */
final class ExamplePlatformSimulation extends StatefulSimulation {
    static final String NAME = "example-platform";
    private static final Instant FIRST_EVENT = Instant.parse("2026-03-01T10:00:00Z");

    /** A service app (API.md §5). */
    private static final class App {
        final String id;
        final String name;
        final String owner;
        final List<String> scopes;
        final List<String> consumers;
        final Map<String, String> keyStatus = new LinkedHashMap<>();
        String status;

        App(String id, String name, String status, String owner, List<String> scopes, List<String> consumers) {
            this.id = id;
            this.name = name;
            this.status = status;
            this.owner = owner;
            this.scopes = scopes;
            this.consumers = consumers;
        }
    }

    /** Rendered Event objects (API.md §3); an event's cursor is its position, counting from 1. */
    private final List<String> events = new ArrayList<>();
    private final Map<String, App> apps = new LinkedHashMap<>();

    ExamplePlatformSimulation() {
        super(NAME);
        reset();
    }

    synchronized void reset() {
        events.clear();
        apps.clear();
        App deployer = new App("app-1", "ci-deployer", "ACTIVE", "team-platform", List.of("deploy.write", "artifacts.read"),
                List.of("github-actions:acme/app"));
        deployer.keyStatus.put("key-1", "ACTIVE");
        deployer.keyStatus.put("key-2", "ACTIVE");
        App exporter = new App("app-2", "report-exporter", "ACTIVE", null, List.of("billing.read"), List.of());
        exporter.keyStatus.put("key-3", "ACTIVE");
        App legacy = new App("app-3", "legacy-sync", "DISABLED", "team-data", List.of(), List.of());
        legacy.keyStatus.put("key-4", "INACTIVE");
        for (App app : List.of(deployer, exporter, legacy)) {
            apps.put(app.id, app);
        }
    }

    /** Appends events; those at {@code malformedAt} carry a time that is not an instant (API.md §3, last note). */
    synchronized List<String> appendEvents(int count, Set<Integer> malformedAt) {
        List<String> wellFormed = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int seq = events.size() + 1;
            String id = String.format("evt-%04d", seq);
            String time = malformedAt.contains(i) ? "yesterday" : FIRST_EVENT.plusSeconds(60L * seq).toString();
            String type = switch (seq % 3) {
                case 0 -> "app.token.issued";
                case 1 -> "app.api.call";
                default -> "app.scope.granted";
            };
            events.add("{\"id\":" + q(id) + ",\"time\":" + q(time) + ",\"type\":" + q(type)
                    + ",\"appId\":\"app-1\",\"appName\":\"ci-deployer\",\"keyId\":\"key-1\""
                    + (type.equals("app.scope.granted") ? ",\"scope\":\"deploy.write\"" : "")
                    + ",\"ip\":\"203.0.113.7\",\"userAgent\":\"deploy-bot/2.1\",\"outcome\":\"success\"}");
            if (!malformedAt.contains(i)) {
                wellFormed.add(id);
            }
        }
        return wellFormed;
    }

    /** API.md §4: the audit log as NDJSON. */
    synchronized String exportNdjson() {
        return String.join("\n", events) + "\n";
    }

    synchronized Set<String> appIds() {
        return new LinkedHashSet<>(apps.keySet());
    }

    /** Everything the platform records about an app, flattened: what an action could touch. */
    synchronized Map<String, String> state(String appId) {
        Map<String, String> state = new TreeMap<>();
        App app = apps.get(appId);
        if (app != null) {
            state.put("status", app.status);
            state.put("owner", String.valueOf(app.owner));
            app.keyStatus.forEach((key, status) -> state.put("key/" + key + "/status", status));
        }
        return state;
    }

    /** A change made in the admin console, not through the API. */
    synchronized void consoleSetAppStatus(String appId, String status) {
        apps.get(appId).status = status;
    }

    synchronized void consoleSetKeyStatus(String appId, String keyId, String status) {
        apps.get(appId).keyStatus.put(keyId, status);
    }

    /** The example's tests need no hooks. */
    @Override
    protected String operation(ServeEvent serveEvent) {
        return null;
    }

    @Override
    protected ResponseDefinition answer(String operation, ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        String[] path = request.getUrl().split("\\?", 2)[0].substring(1).split("/");
        for (int i = 0; i < path.length; i++) {
            path[i] = URLDecoder.decode(path[i], StandardCharsets.UTF_8);
        }
        boolean post = request.getMethod().getName().equals("POST");
        if (!post && path.length == 2 && path[1].equals("events")) {
            return events(request);
        }
        if (!post && path.length == 2 && path[1].equals("apps")) {
            return listApps(request);
        }
        App app = path.length >= 3 && path[1].equals("apps") ? apps.get(path[2]) : null;
        if (app == null) {
            return error(404, "no such app");
        }
        if (!post && path.length == 3) {
            return ok(render(app));
        }
        if (post && path.length == 4 && (path[3].equals("disable") || path[3].equals("enable"))) {
            app.status = path[3].equals("disable") ? "DISABLED" : "ACTIVE";
            return ok(render(app));
        }
        if (post && path.length == 6 && path[3].equals("keys") && (path[5].equals("deactivate") || path[5].equals("activate"))) {
            if (!app.keyStatus.containsKey(path[4])) {
                return error(404, "no such key");
            }
            app.keyStatus.put(path[4], path[5].equals("deactivate") ? "INACTIVE" : "ACTIVE");
            return ok(render(app));
        }
        return error(404, "no such path");
    }

    /** API.md §3. */
    private ResponseDefinition events(Request request) {
        int limit = Integer.parseInt(param(request, "limit", "100"));
        String after = param(request, "after", "0");
        int from = Integer.parseInt(after);
        int to = Math.min(from + limit, events.size());
        List<String> page = from < to ? events.subList(from, to) : List.of();
        String next = page.isEmpty() ? after : Integer.toString(to);
        return ok("{\"events\":[" + String.join(",", page) + "],\"next\":" + q(next) + ",\"hasMore\":" + (to < events.size()) + "}");
    }

    /** API.md §5; the page token is the next app's position. */
    private ResponseDefinition listApps(Request request) {
        int limit = Integer.parseInt(param(request, "limit", "100"));
        int from = Integer.parseInt(param(request, "pageToken", "p0").substring(1));
        List<App> all = new ArrayList<>(apps.values());
        int to = Math.min(from + limit, all.size());
        List<String> rendered = all.subList(from, to).stream().map(ExamplePlatformSimulation::render).toList();
        return ok("{\"apps\":[" + String.join(",", rendered) + "],\"nextPageToken\":" + (to < all.size() ? q("p" + to) : "null") + "}");
    }

    private static String render(App app) {
        List<String> keys = new ArrayList<>();
        app.keyStatus.forEach((key, status) -> keys.add("{\"id\":" + q(key) + ",\"status\":" + q(status)
                + ",\"created\":\"2025-06-01T08:00:00Z\",\"lastUsed\":null}"));
        return "{\"id\":" + q(app.id) + ",\"name\":" + q(app.name) + ",\"status\":" + q(app.status)
                + ",\"owner\":" + q(app.owner) + ",\"created\":\"2025-06-01T08:00:00Z\""
                + ",\"scopes\":[" + String.join(",", app.scopes.stream().map(ExamplePlatformSimulation::q).toList()) + "]"
                + ",\"consumers\":[" + String.join(",", app.consumers.stream().map(ExamplePlatformSimulation::q).toList()) + "]"
                + ",\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static String param(Request request, String name, String absent) {
        QueryParameter p = request.queryParameter(name);
        return p.isPresent() ? p.firstValue() : absent;
    }

    private static ResponseDefinition ok(String body) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder()
                .withStatus(200).withHeader("Content-Type", "application/json").withBody(body).build();
    }

    static ResponseDefinition error(int status, String message) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder()
                .withStatus(status).withHeader("Content-Type", "application/json").withBody("{\"error\":" + q(message) + "}").build();
    }

    /** A JSON string literal, or null. The simulation's values need no escaping beyond quotes. */
    static String q(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

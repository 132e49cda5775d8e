package io.itdr.server.api;

import io.itdr.server.query.ActionQueries;
import io.itdr.server.security.Role;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Base of the API and security tests: all of them talk real HTTP to one shared {@link TestServer}.
 * Tests share its database, so each uses its own names and identities.
 */
public abstract class ApiServerTest {
    public static final String ADMIN_TOKEN = TestServer.ADMIN_TOKEN;
    private static final Map<Role, String> ROLE_TOKENS = new ConcurrentHashMap<>();

    protected final TestServer server = TestServer.get();
    protected final int port = server.port();
    protected final ActionQueries actions = server.bean(ActionQueries.class);
    protected final DataSource dataSource = server.bean(DataSource.class);

    protected TestEstate estate() {
        return TestEstate.get();
    }

    /** A client without credentials. */
    protected ApiClient anonymous() {
        return new ApiClient(port, null);
    }

    protected ApiClient admin() {
        return new ApiClient(port, ADMIN_TOKEN);
    }

    /** A client holding a token with exactly {@code role}, issued once per role for the whole run. */
    protected ApiClient as(Role role) {
        return new ApiClient(port, ROLE_TOKENS.computeIfAbsent(role, r -> issue("test-" + r.label(), r)));
    }

    /**
     * Issues a token through the API and returns its value; {@code name} gets a unique suffix, and
     * the token belongs to the person {@code name} (so tokens of different names are different people).
     */
    protected String issue(String name, Role... roles) {
        ApiClient.Response response = admin().post("/api/v1/tokens", ApiClient.json("name", name + "-" + UUID.randomUUID().toString().substring(0, 8),
                "principal", name, "roles", Arrays.stream(roles).map(Role::label).toList(), "reason", "a test needs this role"));
        if (response.status() != 201) {
            throw new IllegalStateException("cannot issue a test token: " + response);
        }
        return response.json().get("token").asString();
    }

    /**
     * Waits until the server's ingest workers processed every pushed event (a push answers 202
     * before detection, decision and action run).
     */
    protected void awaitPushesProcessed() {
        try {
            if (!server.bean(io.itdr.server.intake.IngestWorkers.class).awaitIdle(java.time.Duration.ofSeconds(60))) {
                throw new AssertionError("pushed events still waiting after 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Every ledger entry, read page by page through the API as a viewer. */
    protected java.util.List<tools.jackson.databind.JsonNode> ledger() {
        java.util.List<tools.jackson.databind.JsonNode> entries = new java.util.ArrayList<>();
        long from = 1;
        while (true) {
            tools.jackson.databind.JsonNode page = as(Role.VIEWER).get("/api/v1/ledger?limit=500&from=" + from).json();
            page.get("entries").valueStream().forEach(entries::add);
            if (!page.path("next").isNumber()) {
                return entries;
            }
            from = page.get("next").asLong();
        }
    }
}

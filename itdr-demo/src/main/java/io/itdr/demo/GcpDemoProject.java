package io.itdr.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.gcp.AuditLogEntries;
import io.itdr.fixture.gcp.GoogleApis;
import io.itdr.fixture.gcp.IamSandbox;
import io.itdr.fixture.gcp.LoggingSandbox;
import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GcpEstate;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The estate's Google Cloud projects, emulated on one WireMock server for the real Google Cloud connector to poll
 * and act in: Cloud Logging's {@code entries.list} ({@link LoggingSandbox}) holding the estate's GCP events as Cloud
 * Audit Logs entries ({@link AuditLogEntries}: the event's action is the method, its credential the service account
 * key, its source the caller IP and user agent, a failure status 7 PERMISSION_DENIED; impersonated calls with their
 * delegation chain, policy changes with their binding deltas), IAM and Resource Manager ({@link IamSandbox}) holding its
 * service accounts with their user-managed keys and the projects' policies as the logged changes left them, and the OAuth
 * token endpoint of the demo's own key file ({@link GoogleApis}).
 *
 * <p>Add the events from one thread before {@link #start()}; the server answers on its own threads.
 */
final class GcpDemoProject implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The account the demo's connector signs in as: it opens nothing but this emulation. */
    static final String CONNECTOR_ACCOUNT = "itdr-demo@prod-core.iam.gserviceaccount.com";

    private final LoggingSandbox logging = new LoggingSandbox();
    private final IamSandbox iam = new IamSandbox();
    private final TreeSet<String> projects = new TreeSet<>();
    private WireMockServer server;
    private long entries;
    private int accounts;

    /**
     * Seeds IAM with the estate's GCP service accounts (each with its user-managed key) in their projects, and the projects'
     * policies with the bindings the estate begins with.
     */
    void seed(List<EstateGenerator.GeneratedIdentity> identities, List<GcpEstate.Binding> bindings) {
        for (EstateGenerator.GeneratedIdentity identity : identities) {
            if (identity.platform().equals("gcp") && "service_account".equals(identity.ref().kind())) {
                projects.add(identity.tenant());
                iam.addProject(identity.tenant(), identity.owner() == null ? Map.of() : Map.of("owner", identity.owner()));
                iam.addAccount(identity.tenant(), identity.ref().id(), Long.toString(100_000_000_000_000_000L + accounts), identity.ref().name());
                if (identity.credentialId() != null) {
                    iam.addKey(identity.ref().id(), identity.credentialId(), "USER_MANAGED", false, "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
                }
                accounts++;
            }
        }
        for (GcpEstate.Binding b : bindings) {
            iam.bind(b.project(), b.role(), b.member());
        }
    }

    /**
     * Logs {@code event} (a GCP event of the estate) in its project's audit log, with the service, resource, delegation
     * chain and binding deltas its attributes name, and applies what it changed to IAM (a binding added, a key created,
     * disabled or deleted), so that IAM at the start holds what the audit log says happened.
     */
    void add(IdentityEvent event) {
        String project = event.tenant() == null ? "prod-core" : event.tenant();
        String method = event.action();
        Map<String, String> a = event.attributes();
        String service = a.getOrDefault("service_name",
                method.contains(".") ? method.substring(0, method.indexOf('.')) + ".googleapis.com" : "iam.googleapis.com");
        String resource = a.getOrDefault("resource_name", event.target() == null ? "projects/" + project : event.target());
        List<String> chain = a.containsKey("delegation_chain") ? List.of(a.get("delegation_chain").split(" -> ")) : List.of();
        List<AuditLogEntries.BindingDelta> deltas = new ArrayList<>();
        if (a.containsKey("binding_deltas")) {
            for (String delta : a.get("binding_deltas").split("; ")) {
                String[] d = delta.split(" ");
                deltas.add(new AuditLogEntries.BindingDelta(d[0], d[1], d[2]));
            }
        }
        boolean activity = event.category() == EventCategory.PRIVILEGE_CHANGE || event.category() == EventCategory.CREDENTIAL_CHANGE;
        AuditLogEntries.Log log = activity ? AuditLogEntries.Log.ACTIVITY : AuditLogEntries.Log.DATA_ACCESS;
        AuditLogEntries.Entry entry = new AuditLogEntries.Entry(event.id(), event.time(), project, log, event.identity().id(),
                event.credential() == null ? null : event.credential().id(), service, method, resource, event.source().ip(),
                event.source().userAgent(), event.outcome() == Outcome.FAILURE ? 7 : 0, chain);
        logging.add(project, event.time(), log.logName(project), AuditLogEntries.line(entry, deltas));
        projects.add(project);
        entries++;
        if (event.outcome() != Outcome.FAILURE) {
            apply(project, method, resource, deltas);
        }
    }

    /** What a logged change did to IAM. */
    private void apply(String project, String method, String resource, List<AuditLogEntries.BindingDelta> deltas) {
        deltas.stream().filter(d -> d.action().equals("ADD") && !iam.members(project, d.role()).contains(d.member()))
                .forEach(d -> iam.bind(project, d.role(), d.member()));
        int keys = resource.indexOf("/keys/");
        int accounts = resource.indexOf("/serviceAccounts/");
        if (keys < 0 || accounts < 0) {
            return;
        }
        String email = resource.substring(accounts + "/serviceAccounts/".length(), keys);
        String key = resource.substring(keys + "/keys/".length());
        switch (method) {
            case "google.iam.admin.v1.CreateServiceAccountKey" ->
                    iam.addKey(email, key, "USER_MANAGED", false, "2026-01-01T00:00:00Z", "9999-12-31T23:59:59Z");
            case "google.iam.admin.v1.DisableServiceAccountKey" -> iam.setKeyDisabled(email, key, true);
            case "google.iam.admin.v1.DeleteServiceAccountKey" -> iam.removeKey(email, key);
            default -> {
            }
        }
    }

    /** Starts the emulation on a free port of 127.0.0.1. */
    void start() {
        server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(logging, iam));
        server.start();
        GoogleApis.stubTokenEndpoint(server);
        logging.stub(server);
        iam.stub(server);
        // https://cloud.google.com/apis/design/errors#http_mapping: a method the emulation does not know
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(GoogleApis.error(404, "NOT_FOUND", "Method not found.")));
    }

    /**
     * The properties of the Google Cloud connector ({@code itdr.connectors.gcp.*}): the projects, a service account
     * key file whose token endpoint is the emulation (a key made at start, which opens nothing else), Cloud Logging
     * polled from {@code lookback} ago without settle time, the endpoints, a 5 s poll.
     */
    Map<String, String> properties(String lookback) {
        Map<String, String> p = new LinkedHashMap<>();
        String g = "itdr.connectors.gcp.";
        p.put(g + "enabled", "true");
        p.put(g + "config.projects", String.join(",", projects));
        p.put(g + "config.sign-in", "credentials-json");
        p.put(g + "config.credentials-json", keyFile());
        p.put(g + "config.audit-log-lookback", lookback);
        p.put(g + "config.audit-log-settle", "0s");
        for (String service : new String[]{"logging", "iam", "cloudresourcemanager"}) {
            p.put(g + "endpoints." + service, endpoint().toString());
        }
        p.put(g + "poll-interval", "5s");
        return p;
    }

    private String keyFile() {
        ObjectNode key = JSON.createObjectNode();
        key.put("type", "service_account");
        key.put("project_id", "prod-core");
        key.put("private_key_id", "demo00000000000000000000000000000000001");
        key.put("private_key", DemoKeys.rsaPrivateKeyPem());
        key.put("client_email", CONNECTOR_ACCOUNT);
        key.put("client_id", "100000000000000000001");
        key.put("token_uri", server.baseUrl() + GoogleApis.TOKEN_PATH);
        return key.toString();
    }

    /** Cloud Logging, IAM and Resource Manager. */
    URI endpoint() {
        return URI.create(server.baseUrl());
    }

    /** Audit log entries served. */
    long entries() {
        return entries;
    }

    /** Service accounts seeded. */
    int accounts() {
        return accounts;
    }

    /** The projects, in order. */
    List<String> projects() {
        return List.copyOf(projects);
    }

    /** The simulated IAM, for tests that look at what an action changed. */
    IamSandbox iam() {
        return iam;
    }

    @Override
    public void close() {
        if (server != null && server.isRunning()) {
            server.stop();
        }
    }
}

package io.itdr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.fixture.azure.ArmAuthorizationSandbox;
import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.server.ItdrServerApplication;
import io.itdr.spi.Connector;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo estate's Microsoft Entra tenant as the real Azure connector sees it, configured from nothing but
 * {@link DemoEstate#properties()} and signed in with Azure Identity's client secret credential at the emulated token
 * endpoint: it polls every sign-in and audit as the estate's Azure events, lists the service principals with their
 * secrets, owners and criticality; and the demo's server, Azure connector alone, detects the token replay on the
 * estate's Azure service principal and contains it in the emulated subscription, then rolls it back.
 */
class AzureDemoTenantTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "itdr_demo_azureTestAdminToken0123456789abcdef";

    @TempDir
    static Path dir;

    private static DemoEstate estate;
    private static List<EstateGenerator.GeneratedIdentity> identities;
    private static Map<String, String> criticalities;

    @BeforeAll
    static void startTheEstate() throws IOException {
        // the server runs on the real clock, so the estate ends at the start of the current hour
        estate = DemoEstate.start(new DemoEstate.Settings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS, dir), Clock.systemUTC());
        EstateGenerator generator = new EstateGenerator(new GeneratorSettings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS,
                estate.served().from()));
        identities = generator.identities().stream().filter(i -> i.platform().equals("azure")).toList();
        criticalities = generator.criticalities();
    }

    @AfterAll
    static void stopTheEstate() {
        estate.close();
    }

    @Test
    void theAzureConnectorPollsEverySignInAndAuditAsTheEstatesEventsWithTheReplayedToken() {
        List<IdentityEvent> events;
        try (Connector azure = connector()) {
            azure.checkHealth();
            events = DemoConnectors.pollAll(azure);
        }
        AzureDemoTenant tenant = estate.azureTenant();
        assertThat(events).hasSize((int) (tenant.signIns() + tenant.audits())).isNotEmpty();
        assertThat(events).allSatisfy(e -> {
            assertThat(e.tenant()).isEqualTo(AzureDemoTenant.TENANT_ID);
            assertThat(e.identity().kind()).isEqualTo("service_principal");
            assertThat(e.time()).isBetween(estate.served().from(), estate.served().to());
        });
        assertThat(ids(events)).isSubsetOf(estateIds());
        // every sign-in names the key id of the client secret the estate gave its service principal
        Map<String, String> secrets = identities.stream().collect(Collectors.toMap(i -> i.ref().id(), EstateGenerator.GeneratedIdentity::credentialId));
        assertThat(events).allSatisfy(e -> assertThat(e.credential().id()).isEqualTo(secrets.get(e.identity().id())));
        // the token replay: one token used from the workload's network and from the attacker's
        Map<String, Set<Long>> networks = new HashMap<>();
        events.forEach(e -> networks.computeIfAbsent(e.session().replayKey(), k -> new TreeSet<>()).add(e.source().asn()));
        assertThat(networks.values()).filteredOn(asns -> asns.size() > 1).singleElement().satisfies(asns -> assertThat(asns).contains(14061L));
    }

    /**
     * The first page only: each service principal costs the inventory about eight Graph and ARM calls, each with a token
     * request (MSAL's cache misses for an authority with a port), so the whole tenant is left to the demo run
     * ("inventory read, 49 identities" for seed 7).
     */
    @Test
    void theInventoryListsTheServicePrincipalsWithTheirSecretOwnerCriticalityAndRoles() {
        InventoryPage page;
        try (Connector azure = connector()) {
            page = azure.inventory().list(null, 5);
        }
        List<InventoryIdentity> listed = page.identities();
        assertThat(listed).hasSize(5);
        assertThat(page.isLast()).isFalse();
        assertThat(estateIds()).hasSize(estate.azureTenant().servicePrincipals()).containsAll(ids(listed));
        for (InventoryIdentity found : listed) {
            EstateGenerator.GeneratedIdentity expected = identities.stream().filter(i -> i.ref().id().equals(found.identity().id()))
                    .findFirst().orElseThrow();
            assertThat(found.tenant()).isEqualTo(AzureDemoTenant.TENANT_ID);
            assertThat(found.owner()).isEqualTo(expected.owner());
            assertThat(found.tags()).containsEntry("criticality", criticalities.get(expected.ref().id()));
            assertThat(found.credentials()).singleElement().satisfies(c -> {
                assertThat(c.id()).isEqualTo(expected.credentialId());
                assertThat(c.kind()).isEqualTo("client_secret");
            });
            assertThat(found.privilegeScopes()).anySatisfy(s -> assertThat(s).startsWith("azureRole:Key Vault Secrets User at /subscriptions/"));
        }
    }

    @Test
    void theServerPollsTheTenantDetectsTheReplayContainsItInTheSubscriptionAndRollsItBack() throws Exception {
        Map<String, Object> defaults = DemoLauncher.serverDefaults(estate, dir, TOKEN);
        // the Azure connector alone: the other platforms have their own tests
        ConfigurableApplicationContext server = ItdrServerApplication.start(defaults, "--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:azure-demo;DB_CLOSE_DELAY=-1", "--itdr.connectors.aws.enabled=false",
                "--itdr.connectors.okta.enabled=false", "--itdr.connectors.gcp.enabled=false");
        try {
            Api api = new Api("http://localhost:" + server.getEnvironment().getProperty("local.server.port"));
            JsonNode finding = api.await("a token_replay finding on an Azure service principal", "/api/v1/findings",
                    f -> f.path("detector").asText().equals("token_replay") && f.path("identityKey").asText().startsWith("azure/"));
            String victim = finding.path("identityKey").asText().substring(("azure/" + AzureDemoTenant.TENANT_ID + "/").length());
            assertThat(estateIds()).contains(victim);
            JsonNode action = api.await("its quarantine_session", "/api/v1/actions",
                    a -> a.path("identityKey").asText().endsWith("/" + victim) && Set.of("verified", "held").contains(a.path("state").asText()));
            assertThat(action.path("plan").path("request").path("rung").asText()).isEqualTo("quarantine_session");
            String id = action.path("id").asText();
            if (action.path("state").asText().equals("held")) {
                // a guardrail holds it: another person approves it with the plan's digest
                JsonNode hold = api.items("/api/v1/approvals", TOKEN).stream().filter(h -> h.path("actionId").asText().equals(id)).findFirst()
                        .orElseThrow();
                assertThat(assignments(victim)).as("nothing removed while held").hasSize(2);
                String approver = api.send("POST", "/api/v1/tokens", TOKEN, Map.of("name", "azure-approver", "principal", "bob",
                        "roles", List.of("approver"), "reason", "the test approves the hold")).path("token").asText();
                JsonNode approved = api.send("POST", "/api/v1/approvals/" + encode(id) + "/approve", approver,
                        Map.of("reason", "the owner confirmed the replay", "planDigest", hold.path("planDigest").asText()));
                assertThat(approved.path("state").asText()).isEqualTo("verified");
            }
            // contained at the emulated subscription: the service principal's role assignments are gone
            assertThat(assignments(victim)).isEmpty();
            assertThat(estate.azureTenant().directory().servicePrincipals.get(victim).accountEnabled).isTrue();

            JsonNode rolledBack = api.send("POST", "/api/v1/actions/" + encode(id) + "/rollback", TOKEN,
                    Map.of("reason", "the workload's secret was rotated"));
            assertThat(rolledBack.path("state").asText()).isEqualTo("rolled_back");
            // re-created with the same roles and scopes (new assignment names: Azure lets the creator choose them)
            assertThat(assignments(victim)).extracting(ArmAuthorizationSandbox.Assignment::roleDefinitionGuid)
                    .containsExactlyInAnyOrder(ArmAuthorizationSandbox.READER, ArmAuthorizationSandbox.KEY_VAULT_SECRETS_USER);
            assertThat(api.send("GET", "/api/v1/ledger/verify", TOKEN, null).path("intact").asBoolean()).isTrue();
        } finally {
            server.close();
        }
    }

    private static List<ArmAuthorizationSandbox.Assignment> assignments(String principal) {
        ArmAuthorizationSandbox rbac = estate.azureTenant().rbac();
        synchronized (rbac) {
            return rbac.assignments.values().stream().filter(a -> a.principalId().equals(principal)).toList();
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    /** The server's API with the bootstrap admin token. */
    private record Api(String base, HttpClient http) {
        Api(String base) {
            this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
        }

        JsonNode send(String method, String path, String token, Object body) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
            return response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        }

        List<JsonNode> items(String path, String token) throws IOException, InterruptedException {
            JsonNode body = send("GET", path, token, null);
            List<JsonNode> items = new ArrayList<>();
            (body.isArray() ? body : body.path("items")).forEach(items::add);
            return items;
        }

        /** Polls {@code path} every 500 ms until an item matches; at most 120 s (a loaded machine's first polls are slow). */
        JsonNode await(String what, String path, Predicate<JsonNode> wanted) throws IOException, InterruptedException {
            Instant deadline = Instant.now().plusSeconds(120);
            List<JsonNode> last = List.of();
            while (Instant.now().isBefore(deadline)) {
                last = items(path + "?limit=500", TOKEN);
                for (JsonNode item : last) {
                    if (wanted.test(item)) {
                        return item;
                    }
                }
                Thread.sleep(500);
            }
            throw new AssertionError("no " + what + " within 120 s; " + path + " had " + last);
        }
    }

    private static Connector connector() {
        return DemoConnectors.connector(estate, Clock.systemUTC(), "azure");
    }


    private static Set<String> ids(List<?> items) {
        Set<String> ids = new TreeSet<>();
        for (Object item : items) {
            ids.add(item instanceof IdentityEvent e ? e.identity().id() : ((InventoryIdentity) item).identity().id());
        }
        return ids;
    }

    private static Set<String> estateIds() {
        Set<String> ids = new TreeSet<>();
        identities.forEach(i -> ids.add(i.ref().id()));
        return ids;
    }
}

package io.itdr.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.server.ItdrServerApplication;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo's Google Cloud attack end to end: the server (the demo's properties, the default policy enforcing, the
 * real Google Cloud connector; AWS and Okta off) reads the emulated projects' audit logs, finds the deployer granted
 * roles/owner by impersonation and using it (privilege_change_then_use), holds disabling the account for a person and
 * meanwhile removes its roles from the project's policy (quarantine_session, etag compare-and-swap), verified in the
 * emulated IAM; an approver's approval disables the account, and rolling the quarantine back gives the roles back.
 */
class GcpDemoContainmentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "itdr_demoGcpContainmentTest0123456789abcdef";
    private static final Duration PATIENCE = Duration.ofSeconds(45);

    @TempDir
    static Path dir;

    private static DemoEstate estate;
    private static ConfigurableApplicationContext server;
    private static String base;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startTheDemo() throws IOException {
        estate = DemoEstate.start(new DemoEstate.Settings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS, dir), Clock.systemUTC());
        server = ItdrServerApplication.start(DemoLauncher.serverDefaults(estate, dir, TOKEN), new String[]{"--server.port=0",
                "--spring.datasource.url=jdbc:h2:mem:gcp-demo;DB_CLOSE_DELAY=-1", "--itdr.connectors.aws.enabled=false",
                "--itdr.connectors.okta.enabled=false"});
        base = "http://localhost:" + server.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (estate != null) {
            estate.close();
        }
    }

    @Test
    void theImpersonatedDeployersOwnerGrantIsQuarantinedAtOnceAndTheAccountDisabledOnApproval() throws IOException {
        IdentityEvent grant = ownerGrant();
        String deployer = grant.target();
        String project = grant.tenant();
        assertThat(estate.gcpProject().iam().members(project, "roles/owner")).as("the emulated IAM as the audit log left it")
                .contains("serviceAccount:" + deployer);

        JsonNode finding = await("the privilege_change_then_use finding on " + deployer, () -> items(get("/api/v1/findings?limit=500")),
                f -> f.path("detector").asText().equals("privilege_change_then_use") && f.toString().contains(deployer));
        assertThat(finding.toString()).contains("roles/owner");
        JsonNode quarantine = await("the verified quarantine of " + deployer, () -> items(get("/api/v1/actions?limit=500")),
                a -> a.toString().contains(deployer) && a.path("plan").path("request").path("rung").asText().equals("quarantine_session")
                        && a.path("state").asText().equalsIgnoreCase("verified"));
        Map<String, String> state = estate.gcpProject().iam().state(deployer);
        assertThat(state).as("the deployer's roles removed from the project's policy").noneSatisfy((k, v) -> assertThat(k).contains("/binding/"));
        assertThat(state).containsEntry("account/" + deployer + "/disabled", "false");

        JsonNode hold = await("the held disable_identity of " + deployer, () -> items(get("/api/v1/approvals")),
                h -> h.path("identityKey").asText().contains(deployer) && h.path("rung").asText().equals("disable_identity"));
        String approver = post("/api/v1/tokens", TOKEN, Map.of("name", "gcp-approver", "principal", "bob", "roles", List.of("approver"),
                "reason", "the test approves")).path("token").asText();
        JsonNode approved = post("/api/v1/approvals/" + encode(hold.path("actionId").asText()) + "/approve", approver,
                Map.of("reason", "owner confirmed the compromise", "planDigest", hold.path("planDigest").asText()));
        assertThat(approved.path("state").asText()).as(approved.toString()).isEqualToIgnoringCase("verified");
        assertThat(estate.gcpProject().iam().state(deployer)).containsEntry("account/" + deployer + "/disabled", "true");

        JsonNode rolledBack = post("/api/v1/actions/" + encode(quarantine.path("id").asText()) + "/rollback", TOKEN,
                Map.of("reason", "the roles go back once the account is disabled"));
        assertThat(rolledBack.path("state").asText()).as(rolledBack.toString()).isEqualToIgnoringCase("rolled_back");
        assertThat(estate.gcpProject().iam().members(project, "roles/owner")).contains("serviceAccount:" + deployer);
        assertThat(estate.gcpProject().iam().members(project, "roles/resourcemanager.projectIamAdmin")).contains("serviceAccount:" + deployer);
    }

    /** The estate's impersonated grant of roles/owner: the demo's estate regenerated, as DemoEstate made it. */
    private static IdentityEvent ownerGrant() throws IOException {
        List<IdentityEvent> grants = new ArrayList<>();
        new EstateGenerator(new GeneratorSettings(7, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS, estate.served().from()))
                .stream((e, family) -> {
                    if ("impersonation_chain".equals(family) && e.category() == EventCategory.PRIVILEGE_CHANGE) {
                        grants.add(e);
                    }
                });
        assertThat(grants).hasSize(1);
        return grants.get(0);
    }

    private interface Lister {
        List<JsonNode> list() throws IOException;
    }

    /** Polls until an item matches; fails naming what it waited for. */
    private static JsonNode await(String what, Lister lister, Predicate<JsonNode> match) throws IOException {
        Instant deadline = Instant.now().plus(PATIENCE);
        while (true) {
            List<JsonNode> items = lister.list();
            for (JsonNode item : items) {
                if (match.test(item)) {
                    return item;
                }
            }
            assertThat(Instant.now()).as("waited %s for %s; last saw %s", PATIENCE, what, items).isBefore(deadline);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<JsonNode> items(JsonNode body) {
        JsonNode list = body.isArray() ? body : body.has("items") ? body.get("items") : body.path("findings").isArray()
                ? body.get("findings") : body.path("actions");
        List<JsonNode> items = new ArrayList<>();
        list.forEach(items::add);
        return items;
    }

    private static JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).GET());
    }

    private static JsonNode post(String path, String token, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.valueToTree(body).toString())));
    }

    private static JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("%s: %s", request.build().uri(), response.body()).isBetween(200, 299);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}

package io.itdr.server.console;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.model.Finding;
import io.itdr.fixture.oidc.OidcProviderSandbox;
import io.itdr.server.ItdrServerApplication;
import io.itdr.server.api.ApiClient;
import io.itdr.server.api.Sessions;
import io.itdr.server.api.TestEstate;
import io.itdr.server.query.ActionQueries;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console in a real headless Chromium (Debian's chromium and chromium-driver), signed in through an OpenID Connect
 * provider on WireMock ({@link OidcProviderSandbox}: authorization code with PKCE), against a server of its own on the
 * AWS connector and its IAM sandbox. People: alice (responder), bob (approver), carol (admin). Each page is saved as a
 * PNG under {@code target/console-screenshots/}. Skipped when {@code /usr/bin/chromium} is absent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Path SHOTS = Paths.get("target", "console-screenshots");
    private static final String CLIENT = "itdr-console";
    private static final String CLIENT_SECRET = "console-test-client-secret";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static WireMockServer idp;
    private static OidcProviderSandbox provider;
    private static ConfigurableApplicationContext server;
    private static int port;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "the console's browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
                        + "apt-get install -y chromium chromium-driver");
        provider = new OidcProviderSandbox(CLIENT, CLIENT_SECRET, OidcProviderSandbox.DEMO_PEOPLE);
        idp = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(provider));
        idp.start();
        provider.stub(idp);
        Path secret = Files.createTempFile("itdr-console-secret", ".txt");
        Files.writeString(secret, CLIENT_SECRET);
        secret.toFile().deleteOnExit();

        Map<String, String> properties = new TreeMap<>(TestEstate.get().serverProperties());
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:mem:itdr-console-test;DB_CLOSE_DELAY=-1");
        properties.put("itdr.console.issuer-uri", provider.issuer());
        properties.put("itdr.console.client-id", CLIENT);
        properties.put("itdr.console.client-secret", "file:" + secret);
        List<String> args = new ArrayList<>();
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        server = ItdrServerApplication.start(Map.of(), args.toArray(String[]::new));
        port = Integer.parseInt(server.getEnvironment().getRequiredProperty("local.server.port"));
        provider.allowRedirect("http://localhost:" + port + "/console/login/oauth2/code/itdr");

        Files.createDirectories(SHOTS);
        profile = Files.createTempDirectory("itdr-console-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1366,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (idp != null) {
            idp.stop();
        }
        if (profile != null) {
            deleteQuietly(profile.toFile());
        }
    }

    @Test
    @Order(1)
    void aPersonSignsInWithTheProviderAndTheSessionNeverOpensTheApi() throws Exception {
        browser.get(url("/console"));
        waitFor(By.id("sign-in"));
        shot("01-sign-in");
        browser.findElement(By.id("sign-in")).click();
        waitFor(By.id("username"));
        assertThat(browser.getCurrentUrl()).startsWith(provider.issuer() + "/authorize").contains("code_challenge_method=S256");
        shot("02-identity-provider");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("alice-demo");
        browser.findElement(By.id("idp-sign-in")).click();
        waitFor(By.id("signed-in-as"));
        assertThat(text("signed-in-as")).isEqualTo("user:alice");
        assertThat(text("my-roles")).isEqualTo("responder");
        shot("03-overview");

        Cookie session = browser.manage().getCookieNamed("JSESSIONID");
        assertThat(session).isNotNull();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url("/console")))
                .header("Cookie", "JSESSIONID=" + session.getValue()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleSecurityConfiguration.CONTENT_SECURITY_POLICY);
        assertThat(page.body()).doesNotContain("<script>").doesNotContain(CLIENT_SECRET).doesNotContain(session.getValue());
        // the session cookie authorizes nothing on the API, which stays bearer-only
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(url("/api/v1/approvals")))
                .header("Cookie", "JSESSIONID=" + session.getValue()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
        // a form posted without the CSRF token is refused, even with the session
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(url("/console/kill-switch")))
                .header("Cookie", "JSESSIONID=" + session.getValue()).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("engaged=true&reason=forged")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(server.getBean(io.itdr.server.response.Automation.class).state().engaged()).isFalse();
    }

    @Test
    @Order(2)
    void aHeldActionIsApprovedBySomeoneElseAndItsRequesterIsRefused() {
        Finding finding = Sessions.replayed(server, "team7-console");
        ApiClient bobByApi = new ApiClient(port, TestEstate.get().jwt(Map.of("sub", "bob", "roles", List.of("approver"))));
        ApiClient.Response requested = bobByApi.post("/api/v1/actions", ApiClient.json("findingId", finding.id(), "rung", "disable_identity",
                "reason", "replayed session; take the role out"));
        assertThat(requested.status()).as(requested.toString()).isEqualTo(201);
        String actionId = requested.json().get("id").asString();

        signInAs("bob", "bob-demo");
        browser.get(url("/console"));
        waitFor(By.id("holds"));
        assertThat(browser.findElement(By.id("holds")).getText()).contains("user:bob");
        browser.findElements(By.cssSelector("#holds a")).stream()
                .filter(a -> URLDecoder.decode(a.getAttribute("href"), StandardCharsets.UTF_8).endsWith("id=" + actionId))
                .findFirst().orElseThrow(() -> new AssertionError("the overview lists no hold " + actionId)).click();
        waitFor(By.id("approve-form"));
        assertThat(text("action-state")).isEqualTo("held");
        assertThat(text("own-request")).contains("someone else must approve it");
        assertThat(browser.findElement(By.id("blast")).getText()).contains("team-7", "orders-api", "tier2");
        assertThat(browser.findElement(By.cssSelector("input[name=planDigest]")).getAttribute("value"))
                .isEqualTo(requested.json().get("planDigest").asString());
        shot("04-held-action");
        browser.findElement(By.id("approve-reason")).sendKeys("my own request, approving anyway");
        browser.findElement(By.id("approve")).click();
        waitFor(By.id("error"));
        assertThat(text("error")).contains("self_approval", "may not approve it");
        assertThat(text("action-state")).isEqualTo("held");
        shot("05-self-approval-refused");

        signInAs("carol", "carol-demo");
        browser.get(url(ConsoleController.link(actionId)));
        waitFor(By.id("approve-form"));
        assertThat(browser.findElements(By.id("own-request"))).isEmpty();
        browser.findElement(By.id("approve-reason")).sendKeys("checked with team-7");
        browser.findElement(By.id("approve")).click();
        waitFor(By.id("notice"));
        assertThat(text("notice")).contains("Approved");
        assertThat(text("action-state")).isEqualTo("verified");
        assertThat(text("approver")).isEqualTo("user:carol");
        assertThat(browser.findElement(By.id("action-ledger")).getText()).contains("action.approved", "user:carol");
        shot("06-approved-by-second-person");
    }

    @Test
    @Order(3)
    void aRollbackShowsTheDriftAndAnApproverForcesIt() {
        Finding finding = Sessions.replayed(server, "team8-console");
        ActionRecord quarantine = server.getBean(ActionQueries.class).page(ActionState.VERIFIED, finding.identityKey(), 10, 0).stream()
                .filter(a -> a.plan().request().rung().policyName().equals("quarantine_session")).findFirst().orElseThrow();
        var iam = TestEstate.get().iam;
        synchronized (iam) {
            iam.roles.get("team8-console").inline.clear(); // someone removed the quarantine by hand: drift
        }

        signInAs("alice", "alice-demo");
        browser.get(url(ConsoleController.link(quarantine.id())));
        waitFor(By.id("rollback-form"));
        assertThat(text("verification")).contains("In the planned state");
        assertThat(browser.findElements(By.id("rollback-force"))).as("forcing needs the approver role").isEmpty();
        shot("07-executed-action");
        browser.findElement(By.id("rollback-reason")).sendKeys("false positive: a deploy");
        browser.findElement(By.id("rollback")).click();
        waitFor(By.id("drift"));
        assertThat(text("error")).contains("drift");
        assertThat(text("drift")).contains("refused: drift");
        assertThat(text("action-state")).isEqualTo("verified");
        shot("08-rollback-drift-shown");

        signInAs("bob", "bob-demo");
        browser.get(url(ConsoleController.link(quarantine.id())));
        waitFor(By.id("rollback-force"));
        browser.findElement(By.id("rollback-reason")).sendKeys("the change by hand is ours; restore");
        browser.findElement(By.id("rollback-force")).click();
        browser.findElement(By.id("rollback")).click();
        waitFor(By.id("notice"));
        assertThat(text("notice")).contains("Rolled back (forced)");
        assertThat(text("action-state")).isEqualTo("rolled_back");
        shot("09-rollback-forced");
    }

    @Test
    @Order(4)
    void theKillSwitchIsEngagedByAResponderAndReleasedOnlyByAnAdmin() {
        signInAs("alice", "alice-demo");
        browser.get(url("/console"));
        waitFor(By.id("kill-switch-toggle"));
        browser.findElement(By.id("ks-reason")).sendKeys("incident drill");
        browser.findElement(By.id("kill-switch-toggle")).click();
        waitFor(By.id("notice"));
        assertThat(text("kill-switch-state")).contains("Engaged", "user:alice", "incident drill");
        shot("10-kill-switch-engaged");
        browser.findElement(By.id("ks-reason")).sendKeys("drill over");
        browser.findElement(By.id("kill-switch-toggle")).click();
        waitFor(By.id("error"));
        assertThat(text("error")).contains("admin");
        assertThat(text("kill-switch-state")).contains("Engaged");

        signInAs("carol", "carol-demo");
        browser.get(url("/console"));
        waitFor(By.id("kill-switch-toggle"));
        browser.findElement(By.id("ks-reason")).sendKeys("drill over");
        browser.findElement(By.id("kill-switch-toggle")).click();
        waitFor(By.id("notice"));
        assertThat(text("kill-switch-state")).contains("Released");
        shot("11-kill-switch-released");
    }

    @Test
    @Order(5)
    void incidentsAndTheLedgerAreBrowsedAndVerified() {
        signInAs("alice", "alice-demo");
        browser.get(url("/console/incidents"));
        waitFor(By.id("incident-list"));
        shot("12-incidents");
        browser.findElement(By.cssSelector("#incident-list a")).click();
        waitFor(By.id("timeline"));
        assertThat(browser.findElement(By.id("main")).getText()).contains("token_replay", "Evidence events", "Decisions");
        shot("13-incident");
        browser.get(url("/console/ledger"));
        waitFor(By.id("verify"));
        browser.findElement(By.id("verify")).click();
        waitFor(By.id("verify-result"));
        assertThat(text("verify-result")).startsWith("Intact");
        assertThat(browser.findElement(By.id("ledger-entries")).getText()).contains("killswitch", "user:carol", "released");
        shot("14-ledger-verified");
        browser.get(url("/console/actions"));
        waitFor(By.id("action-list"));
        shot("15-actions");
    }

    @Test
    @Order(6)
    void anAdminDryRunsAPolicyAndActivatesIt() {
        signInAs("carol", "carol-demo");
        browser.get(url("/console/policy"));
        waitFor(By.id("candidate"));
        String active = browser.findElement(By.id("candidate")).getAttribute("value");
        assertThat(active).contains("mode: enforce");
        WebElement candidate = browser.findElement(By.id("candidate"));
        candidate.clear();
        candidate.sendKeys(active.replaceFirst("(?m)^mode: enforce$", "mode: shadow"));
        browser.findElement(By.id("validate")).click();
        waitFor(By.id("notice"));
        assertThat(text("notice")).startsWith("Valid");
        browser.findElement(By.id("dry-run")).click();
        waitFor(By.id("dry-run-result"));
        assertThat(text("dry-run-summary")).contains("compared with the policy in force");
        assertThat(browser.findElement(By.id("dry-run-changes")).getText()).contains("mode", "shadow");
        shot("16-policy-dry-run");
        browser.findElement(By.id("activate-reason")).sendKeys("back to shadow while the new rules settle");
        browser.findElement(By.id("activate")).click();
        waitFor(By.id("notice"));
        assertThat(text("notice")).startsWith("Activated");
        assertThat(text("activated-by")).isEqualTo("user:carol");
        assertThat(text("active-policy")).contains("mode shadow");
        shot("17-policy-activated");
    }

    // ---- helpers ----

    private static void signInAs(String user, String password) {
        browser.manage().deleteAllCookies();
        browser.get(url("/console/login"));
        waitFor(By.id("sign-in")).click();
        waitFor(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("idp-sign-in")).click();
        try {
            new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("signed-in-as"), "user:" + user));
        } catch (org.openqa.selenium.TimeoutException e) {
            shot("failed-sign-in-" + user);
            throw new AssertionError("not signed in as " + user + "; the browser shows " + browser.getCurrentUrl() + ": "
                    + browser.findElement(By.tagName("body")).getText(), e);
        }
    }

    private static WebElement waitFor(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    private static String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** The whole page (Chromium's DevTools screenshot beyond the viewport), else what the window shows. */
    @SuppressWarnings("unchecked")
    private static void shot(String name) {
        Path target = SHOTS.resolve(name + ".png");
        try {
            ChromeDriver chrome = (ChromeDriver) browser;
            Map<String, Object> metrics = chrome.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
            Map<String, Object> clip = Map.of("x", 0, "y", 0, "width", ((Number) size.get("width")).doubleValue(),
                    "height", Math.min(8000, ((Number) size.get("height")).doubleValue()), "scale", 1);
            Map<String, Object> image = chrome.executeCdpCommand("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
            Files.write(target, java.util.Base64.getDecoder().decode((String) image.get("data")));
        } catch (RuntimeException | IOException e) {
            try {
                File file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
                Files.copy(file.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException again) {
                throw new UncheckedIOException(again);
            }
        }
    }

    private static void deleteQuietly(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteQuietly(child);
            }
        }
        file.delete();
    }
}

package io.itdr.server.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Stage;
import io.itdr.spi.config.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications against local stand-ins: WireMock for Slack, Teams and the signed webhook (their documented request and
 * answer shapes, cited in the channel classes), GreenMail for SMTP; a failing endpoint, a 429, a hanging channel.
 */
class NotificationsTest {
    private static final URI CONSOLE = URI.create("https://itdr.example.com");

    private WireMockServer receiver;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private NotificationDispatcher dispatcher;

    @BeforeEach
    void start() {
        receiver = new WireMockServer(wireMockConfig().dynamicPort());
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        receiver.stop();
    }

    @Test
    void aHeldActionReachesSlackWithWhatWhyAndALink() {
        receiver.stubFor(post("/slack").willReturn(aResponse().withStatus(200).withBody("ok")));
        dispatcher = dispatcher(List.of(new SlackChannel(url("/slack"), Duration.ofSeconds(10))), settings(3));

        dispatcher.accept(held(7, "act-1"));

        await(() -> receiver.findAll(postRequestedFor(urlEqualTo("/slack"))).size() == 1);
        receiver.verify(postRequestedFor(urlEqualTo("/slack"))
                .withRequestBody(matchingJsonPath("$.text", com.github.tomakehurst.wiremock.client.WireMock.containing(
                        "Held for approval: disable_credential on aws/1/arn:aws:iam::1:user/ci")))
                .withRequestBody(matchingJsonPath("$.text", com.github.tomakehurst.wiremock.client.WireMock.containing(
                        "Why: budget team-identity full")))
                .withRequestBody(matchingJsonPath("$.blocks[2].elements[0].url", equalTo(CONSOLE + "/api/v1/actions/act-1"))));
        // counted once the answer is read, a moment after the receiver logged the request
        await(() -> meters.counter("itdr.notifications", "channel", "slack", "outcome", "sent").count() == 1);
    }

    @Test
    void a429IsRetriedAfterItsRetryAfterAndDeliveredOnce() {
        receiver.stubFor(post("/slack").inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("open"));
        receiver.stubFor(post("/slack").inScenario("limit").whenScenarioStateIs("open").willReturn(aResponse().withStatus(200)));
        dispatcher = dispatcher(List.of(new SlackChannel(url("/slack"), Duration.ofSeconds(10))), settings(3));

        dispatcher.accept(held(7, "act-1"));

        await(() -> meters.counter("itdr.notifications", "channel", "slack", "outcome", "sent").count() == 1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/slack")))).hasSize(2);
        assertThat(waits).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aFailingEndpointIsRetriedWithBackOffThenCountedAndShownInHealth() {
        receiver.stubFor(post("/teams").willReturn(aResponse().withStatus(503)));
        NotificationProperties settings = settings(3);
        dispatcher = dispatcher(List.of(new TeamsChannel(url("/teams"), Duration.ofSeconds(10))), settings);

        dispatcher.accept(failed(9, "act-2"));

        await(() -> meters.counter("itdr.notifications", "channel", "teams", "outcome", "failed").count() == 1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/teams")))).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(4));
        NotificationDispatcher.ChannelState state = dispatcher.states().get("teams");
        assertThat(state.consecutiveFailures()).isEqualTo(1);
        assertThat(state.lastError()).contains("HTTP 503", "attempt 3 of 3");
        assertThat(new NotificationConfiguration().notificationHealth(dispatcher).health(true).getStatus().getCode())
                .isEqualTo("UNKNOWN");
    }

    @Test
    void aRefusedPayloadIsNotRetried() {
        receiver.stubFor(post("/slack").willReturn(aResponse().withStatus(400).withBody("invalid_payload")));
        dispatcher = dispatcher(List.of(new SlackChannel(url("/slack"), Duration.ofSeconds(10))), settings(5));

        dispatcher.accept(held(7, "act-1"));

        await(() -> meters.counter("itdr.notifications", "channel", "slack", "outcome", "failed").count() == 1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo("/slack")))).hasSize(1);
        assertThat(dispatcher.states().get("slack").lastError()).contains("HTTP 400 invalid_payload");
    }

    @Test
    void teamsGetsAnAdaptiveCardWithAnOpenUrlAction() {
        receiver.stubFor(post("/teams").willReturn(aResponse().withStatus(202)));
        dispatcher = dispatcher(List.of(new TeamsChannel(url("/teams"), Duration.ofSeconds(10))), settings(3));

        dispatcher.accept(driftRefused(11, "act-3"));

        await(() -> receiver.findAll(postRequestedFor(urlEqualTo("/teams"))).size() == 1);
        receiver.verify(postRequestedFor(urlEqualTo("/teams"))
                .withRequestBody(matchingJsonPath("$.type", equalTo("message")))
                .withRequestBody(matchingJsonPath("$.attachments[0].contentType", equalTo("application/vnd.microsoft.card.adaptive")))
                .withRequestBody(matchingJsonPath("$.attachments[0].content.type", equalTo("AdaptiveCard")))
                .withRequestBody(matchingJsonPath("$.attachments[0].content.body[0].text",
                        equalTo("Rollback blocked by drift: disable_credential on aws/1/arn:aws:iam::1:user/ci")))
                .withRequestBody(matchingJsonPath("$.attachments[0].content.actions[0].url", equalTo(CONSOLE + "/api/v1/actions/act-3"))));
    }

    @Test
    void theWebhookIsSignedSoTheReceiverCanCheckIt() throws Exception {
        receiver.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
        Secret key = Secret.of("s3cret-hmac-key");
        dispatcher = dispatcher(List.of(new WebhookChannel(url("/hook"), key, Duration.ofSeconds(10), Clock.systemUTC())), settings(3));

        dispatcher.accept(breakerTripped(12));

        await(() -> receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).size() == 1);
        LoggedRequest request = receiver.findAll(postRequestedFor(urlEqualTo("/hook"))).get(0);
        String timestamp = request.getHeader("X-Itdr-Timestamp");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret-hmac-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal((timestamp + "." + request.getBodyAsString())
                .getBytes(StandardCharsets.UTF_8)));
        assertThat(request.getHeader("X-Itdr-Signature")).isEqualTo("sha256=" + expected);
        assertThat(request.getHeader("X-Itdr-Delivery")).isEqualTo("12");
        assertThat(request.getBodyAsString()).contains("\"kind\":\"breaker_tripped\"", "team-identity",
                CONSOLE + "/api/v1/automation").doesNotContain("s3cret");
    }

    @Test
    void emailGoesThroughSmtp() throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        try {
            NotificationProperties.Email email = new NotificationProperties.Email("127.0.0.1", smtp.getSmtp().getPort(), false, null,
                    null, "itdr@example.com", List.of("oncall@example.com"));
            dispatcher = dispatcher(List.of(new EmailChannel(email, null, Duration.ofSeconds(10))), settings(3));

            dispatcher.accept(held(7, "act-1"));

            assertThat(smtp.waitForIncomingEmail(30_000, 1)).isTrue();
            MimeMessage message = smtp.getReceivedMessages()[0];
            assertThat(message.getSubject()).isEqualTo("[itdr] Held for approval: disable_credential on aws/1/arn:aws:iam::1:user/ci");
            assertThat(message.getAllRecipients()[0].toString()).isEqualTo("oncall@example.com");
            assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(message)).contains("Why: budget team-identity full",
                    CONSOLE + "/api/v1/actions/act-1");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aHangingChannelNeverBlocksTheLedgerWriterAndAFullQueueDropsAndCounts() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Channel hanging = new Channel() {
            @Override
            public String name() {
                return "slack";
            }

            @Override
            public void send(Notice notice) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        dispatcher = dispatcher(List.of(hanging), new NotificationProperties(CONSOLE, 1, 3, Duration.ofSeconds(2), Duration.ofMinutes(5),
                Duration.ofSeconds(10), true, null, null, null, null));

        dispatcher.accept(held(1, "a"));
        assertThat(entered.await(30, TimeUnit.SECONDS)).as("the worker took the first notice").isTrue();
        dispatcher.accept(held(2, "b")); // queued
        dispatcher.accept(held(3, "c")); // the queue holds one: dropped
        dispatcher.accept(held(4, "d")); // dropped

        assertThat(meters.counter("itdr.notifications.dropped").count()).isEqualTo(2);
        release.countDown();
        await(() -> meters.counter("itdr.notifications", "channel", "slack", "outcome", "sent").count() == 2);
    }

    @Test
    void onlyWhatAPersonMustHearAboutBecomesANotice() {
        Notices notices = new Notices(CONSOLE);

        assertThat(notices.notice(held(1, "a"))).get().extracting(Notice::kind).isEqualTo("action_held");
        assertThat(notices.notice(failed(2, "b"))).get().extracting(Notice::kind).isEqualTo("containment_failed");
        assertThat(notices.notice(driftRefused(3, "c"))).get().extracting(Notice::kind).isEqualTo("rollback_blocked");
        assertThat(notices.notice(breakerTripped(4))).get().extracting(Notice::kind).isEqualTo("breaker_tripped");
        assertThat(notices.notice(entry(5, "action.verified", Map.of("action.id", "d"), "verified"))).isEmpty();
        assertThat(notices.notice(entry(6, LedgerKinds.ACTION_ROLLBACK_REFUSED, Map.of("action.id", "e"), "refused: irreversible")))
                .isEmpty();
        assertThat(notices.notice(entry(7, LedgerKinds.DECISION, Map.of("reason.01", "budget x full, breaker tripped until reset"),
                "hold"))).as("only the trip itself is announced, not every refusal after it").isEmpty();
        assertThat(new Notices(null).notice(held(8, "f"))).get().extracting(Notice::link).isNull();
        assertThat(notices.notice(entry(9, "action.partial", Map.of("action.id", "g", "plan.rung", "quarantine_session"),
                "partially contained: 1 of 2 steps done"))).get().satisfies(n -> {
                    assertThat(n.kind()).isEqualTo("containment_partial");
                    assertThat(n.title()).startsWith("Containment partially done: quarantine_session on ");
                    assertThat(n.why()).isEqualTo("partially contained: 1 of 2 steps done");
                });
    }

    @Test
    void withTheConsoleEnabledLinksOpenItsPages() {
        Notices notices = new Notices(CONSOLE, true);
        assertThat(notices.notice(held(1, "dec-1/action/0"))).get().extracting(Notice::link)
                .isEqualTo(CONSOLE + "/console/action?id=dec-1%2Faction%2F0");
        assertThat(notices.notice(breakerTripped(2))).get().extracting(Notice::link).isEqualTo(CONSOLE + "/console");
    }

    @Test
    void theActivityLogHasOneEscapedLinePerThingThatHappened() {
        Map<String, String> decision = Map.of("rung.now", "quarantine_session", "hold", "true", "rule", "r-1");
        Map<String, String> notifying = Map.of("rung.now", "notify", "hold", "false", "rule", "r-2");

        assertThat(Notices.logLine(entry(1, LedgerKinds.DECISION, decision, "x")))
                .hasValue("ledger 1: decision quarantine_session (held) on aws/1/arn:aws:iam::1:user/ci by rule r-1");
        assertThat(Notices.logLine(entry(2, LedgerKinds.DECISION, notifying, "x"))).isEmpty();
        assertThat(Notices.logLine(held(3, "a"))).get().asString().startsWith("ledger 3: held for approval: action a");
        assertThat(Notices.logLine(entry(4, "action.verified", Map.of("action.id", "a", "plan.rung", "disable_credential"), "ok")))
                .hasValue("ledger 4: containment verified: action a disable_credential on aws/1/arn:aws:iam::1:user/ci");
        assertThat(Notices.logLine(entry(5, LedgerKinds.KILLSWITCH, Map.of(), "engaged\r\nERROR forged")))
                .get().asString().doesNotContain("\r", "\n");
    }

    @Test
    void channelsAreRefusedAtStartUpWhenHalfConfiguredOrPointedAtTheMetadataService() {
        Map<String, Secret> env = new HashMap<>();
        env.put("env:SLACK", Secret.of("http://169.254.169.254/latest/meta-data"));
        env.put("env:HOOK_KEY", Secret.of("k"));

        assertThatThrownBy(() -> NotificationConfiguration.channels(new NotificationProperties(null, 10, 3, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(5), true, new NotificationProperties.Hook("https://hooks.slack.com/services/T/B/x"),
                null, null, null), env::get))
                .hasMessageContaining("itdr.notifications.slack.url: must be a reference").hasMessageNotContaining("hooks.slack.com");
        assertThatThrownBy(() -> NotificationConfiguration.channels(new NotificationProperties(null, 10, 3, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(5), true, new NotificationProperties.Hook("env:SLACK"), null, null, null), env::get))
                .hasMessageContaining("link-local").hasMessageNotContaining("meta-data");
        assertThatThrownBy(() -> NotificationConfiguration.channels(new NotificationProperties(null, 10, 3, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(5), false, null, null,
                new NotificationProperties.Webhook(URI.create("http://127.0.0.1:9/hook"), "env:HOOK_KEY"), null), env::get))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> NotificationConfiguration.channels(new NotificationProperties(null, 10, 3, Duration.ofSeconds(1),
                Duration.ofMinutes(1), Duration.ofSeconds(5), true, null, null,
                new NotificationProperties.Webhook(URI.create("http://127.0.0.1:9/hook"), null), null), env::get))
                .hasMessageContaining("itdr.notifications.webhook.secret: missing");
    }

    private NotificationDispatcher dispatcher(List<Channel> channels, NotificationProperties settings) {
        return new NotificationDispatcher(new Notices(settings.linkBase()), channels, settings, meters, Clock.systemUTC(), waits::add);
    }

    private static NotificationProperties settings(int attempts) {
        return new NotificationProperties(CONSOLE, 100, attempts, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(10),
                true, null, null, null, null);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + receiver.port() + path);
    }

    private static LedgerEntry held(long seq, String actionId) {
        return entry(seq, "action.held", Map.of("action.id", actionId, "plan.rung", "disable_credential"),
                "budget team-identity full");
    }

    private static LedgerEntry failed(long seq, String actionId) {
        return entry(seq, "action.failed", Map.of("action.id", actionId, "plan.rung", "disable_credential"), "AccessDenied on iam:UpdateAccessKey");
    }

    private static LedgerEntry driftRefused(long seq, String actionId) {
        return entry(seq, LedgerKinds.ACTION_ROLLBACK_REFUSED, Map.of("action.id", actionId, "plan.rung", "disable_credential"),
                "refused: drift: status Inactive → Active");
    }

    private static LedgerEntry breakerTripped(long seq) {
        return entry(seq, LedgerKinds.DECISION, Map.of("reason.01", "budget team-identity full (3 of 3 in 1h), breaker trips"), "hold");
    }

    private static LedgerEntry entry(long seq, String kind, Map<String, String> evidence, String result) {
        LedgerDraft draft = new LedgerDraft(null, Stage.CONTAINMENT, kind, "policy:default", "aws/1/arn:aws:iam::1:user/ci",
                evidence, result);
        LedgerEntry previous = null;
        List<LedgerEntry> chain = new ArrayList<>();
        for (long i = 1; i < seq; i++) {
            previous = LedgerEntry.chain(previous, new LedgerDraft(null, Stage.DETECTION, "finding", "detector:x", null, Map.of(), "x"),
                    Instant.parse("2026-12-06T08:00:00Z"));
            chain.add(previous);
        }
        return LedgerEntry.chain(previous, draft, Instant.parse("2026-12-06T08:00:00Z"));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

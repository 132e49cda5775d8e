package io.itdr.server.notify;

import io.itdr.core.connect.HostContext;
import io.itdr.core.connect.OutboundEndpoints;
import io.itdr.core.normalize.Printable;
import io.itdr.server.store.JdbcLedger;
import io.itdr.spi.config.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires the ledger to the server's log (one line per decision above notify, hold, containment, approval, rollback and
 * kill-switch change) and to the notification channels configured under {@code itdr.notifications}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NotificationProperties.class)
public class NotificationConfiguration {
    private static final Logger ACTIVITY = LoggerFactory.getLogger("io.itdr.activity");

    @Bean(destroyMethod = "close")
    NotificationDispatcher notificationDispatcher(NotificationProperties settings, JdbcLedger ledger, MeterRegistry meters,
                                                  org.springframework.core.env.Environment environment) {
        HostContext resolver = HostContext.of(Clock.systemUTC(), System.getenv());
        List<Channel> channels = channels(settings, reference -> resolver.resolveSecret(reference).orElse(null));
        NotificationDispatcher dispatcher = new NotificationDispatcher(new Notices(settings.linkBase(),
                // links open the console pages when it is enabled (io.itdr.server.console.ConditionalOnConsole)
                environment.containsProperty("itdr.console.issuer-uri") && environment.containsProperty("itdr.console.client-id")), channels, settings, meters,
                Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()));
        ledger.onAppended(entry -> Notices.logLine(entry).ifPresent(ACTIVITY::info));
        ledger.onAppended(dispatcher);
        if (!channels.isEmpty()) {
            LoggerFactory.getLogger(NotificationConfiguration.class).info("notifications go to {}", dispatcher.channelNames());
        }
        return dispatcher;
    }

    /** Health of each channel: unknown (not down: a chat outage must not take the server out of service) while failing. */
    @Bean("notifications")
    HealthIndicator notificationHealth(NotificationDispatcher dispatcher) {
        return () -> {
            Map<String, NotificationDispatcher.ChannelState> states = new TreeMap<>(dispatcher.states());
            boolean failing = states.values().stream().anyMatch(s -> s.consecutiveFailures() > 0);
            Health.Builder health = failing ? Health.unknown() : Health.up();
            states.forEach((name, s) -> health.withDetail(name, s));
            return health.build();
        };
    }

    /** The configured channels, with addresses checked and secrets resolved; refuses a half-configured channel. */
    static List<Channel> channels(NotificationProperties settings, java.util.function.Function<String, Secret> secrets) {
        List<Channel> channels = new ArrayList<>();
        if (settings.slack().enabled()) {
            channels.add(new SlackChannel(hookUrl("itdr.notifications.slack.url", settings.slack().url(), settings, secrets),
                    settings.timeout()));
        }
        if (settings.teams().enabled()) {
            channels.add(new TeamsChannel(hookUrl("itdr.notifications.teams.url", settings.teams().url(), settings, secrets),
                    settings.timeout()));
        }
        if (settings.webhook().enabled()) {
            URI url = checked("itdr.notifications.webhook.url", settings.webhook().url(), settings.allowLoopback());
            Secret secret = secret("itdr.notifications.webhook.secret", settings.webhook().secret(), secrets);
            channels.add(new WebhookChannel(url, secret, settings.timeout(), Clock.systemUTC()));
        }
        if (settings.email().enabled()) {
            NotificationProperties.Email email = settings.email();
            checkHost("itdr.notifications.email.host", email.host(), settings.allowLoopback());
            Secret password = email.password() == null || email.password().isBlank() ? null
                    : secret("itdr.notifications.email.password", email.password(), secrets);
            channels.add(new EmailChannel(email, password, settings.timeout()));
        }
        return channels;
    }

    private static URI hookUrl(String property, String reference, NotificationProperties settings,
                               java.util.function.Function<String, Secret> secrets) {
        Secret url = secret(property, reference, secrets);
        try {
            return checked(property, URI.create(url.reveal().strip()), settings.allowLoopback());
        } catch (IllegalArgumentException e) {
            // the address is the credential: never echo it
            throw new IllegalStateException(property + ": the referenced value is not a URL (the value is not shown)");
        }
    }

    private static Secret secret(String property, String reference, java.util.function.Function<String, Secret> secrets) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalStateException(property + ": missing; give a reference such as env:VAR or file:/path");
        }
        String ref = reference.strip();
        if (!ref.startsWith("env:") && !ref.startsWith("file:")) {
            throw new IllegalStateException(property + ": must be a reference, env:VAR or file:/path, not the value itself "
                    + "(the value is not shown)");
        }
        Secret secret = secrets.apply(ref);
        if (secret == null || secret.isEmpty()) {
            throw new IllegalStateException(property + ": " + Printable.escape(ref) + " does not resolve (no such environment variable "
                    + "or readable file)");
        }
        return secret;
    }

    /** An outbound address an operator configured, checked as connector endpoints are (numeric forms canonicalised). */
    static URI checked(String property, URI url, boolean allowLoopback) {
        try {
            return OutboundEndpoints.check(url, property, allowLoopback);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static void checkHost(String property, String host, boolean allowLoopback) {
        checked(property, URI.create("http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)), allowLoopback);
    }
}

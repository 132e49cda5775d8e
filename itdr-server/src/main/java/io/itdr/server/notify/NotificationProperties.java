package io.itdr.server.notify;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where people are told that something waits for them or went wrong ({@code itdr.notifications.*}). Every channel is off
 * unless configured; outbound addresses come from here only, never from an event or a request.
 *
 * @param linkBase      the address people reach the server at (e.g. {@code https://itdr.example.com}); each message links
 *                      to the item under it. Empty: messages carry no link
 * @param queue         most messages waiting for delivery; beyond it a message is dropped and counted
 *                      ({@code itdr_notifications_dropped_total}), so the pipeline never waits for a slow channel
 * @param attempts      delivery attempts per message and channel (at least 1)
 * @param backoff       wait before the second attempt; doubled for each further one, at most {@code maxBackoff}; a 429's
 *                      {@code Retry-After} is honoured within the same bound
 * @param maxBackoff    the longest wait between attempts
 * @param timeout       connect and request timeout of one delivery
 * @param allowLoopback whether channel addresses may be loopback (tests and the demo); link-local and metadata
 *                      addresses are always refused
 * @param slack         Slack incoming webhook
 * @param teams         Microsoft Teams incoming webhook (Workflows)
 * @param webhook       any receiver, signed with HMAC-SHA256
 * @param email         SMTP
 */
@ConfigurationProperties("itdr.notifications")
public record NotificationProperties(URI linkBase, @DefaultValue("1000") int queue, @DefaultValue("5") int attempts,
                                     @DefaultValue("2s") Duration backoff, @DefaultValue("5m") Duration maxBackoff,
                                     @DefaultValue("10s") Duration timeout, @DefaultValue("false") boolean allowLoopback,
                                     @DefaultValue Hook slack, @DefaultValue Hook teams, @DefaultValue Webhook webhook,
                                     @DefaultValue Email email) {

    public NotificationProperties {
        if (queue < 1) {
            throw new IllegalArgumentException("itdr.notifications.queue must be at least 1, not " + queue);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("itdr.notifications.attempts must be at least 1, not " + attempts);
        }
        slack = slack == null ? new Hook(null) : slack;
        teams = teams == null ? new Hook(null) : teams;
        webhook = webhook == null ? new Webhook(null, null) : webhook;
        email = email == null ? new Email(null, 587, true, null, null, null, List.of()) : email;
    }

    /**
     * @param url the webhook address as a secret reference ({@code env:VAR} or {@code file:/path}): Slack's and Teams'
     *            webhook addresses are themselves the credential
     */
    public record Hook(String url) {
        public boolean enabled() {
            return url != null && !url.isBlank();
        }
    }

    /**
     * @param url    the receiver's address (plain: it is not a secret)
     * @param secret the HMAC key as a secret reference ({@code env:VAR} or {@code file:/path}); required with a url
     */
    public record Webhook(URI url, String secret) {
        public boolean enabled() {
            return url != null;
        }
    }

    /**
     * @param host     SMTP server; empty: no email
     * @param port     SMTP port
     * @param starttls require STARTTLS
     * @param username SMTP user; empty for none
     * @param password SMTP password as a secret reference ({@code env:VAR} or {@code file:/path})
     * @param from     sender address
     * @param to       recipients
     */
    public record Email(String host, @DefaultValue("587") int port, @DefaultValue("true") boolean starttls, String username,
                        String password, String from, List<String> to) {
        public boolean enabled() {
            return host != null && !host.isBlank();
        }
    }
}

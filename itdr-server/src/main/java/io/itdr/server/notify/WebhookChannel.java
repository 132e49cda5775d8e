package io.itdr.server.notify;

import io.itdr.spi.config.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic receiver: the notice as JSON, signed so the receiver can tell it came from this server and was not replayed.
 * Headers: {@code X-Itdr-Timestamp} (epoch seconds) and {@code X-Itdr-Signature: sha256=<hex>}, the HMAC-SHA256 with the
 * configured secret of {@code <timestamp>.<body>}; a receiver recomputes it, compares in constant time and refuses
 * timestamps older than a few minutes. {@code X-Itdr-Delivery} is the ledger entry the notice came from (deduplicate on it:
 * a retried delivery carries the same one).
 */
final class WebhookChannel extends HttpChannel {
    private final Secret secret;
    private final Clock clock;

    WebhookChannel(URI url, Secret secret, Duration timeout, Clock clock) {
        super(url, timeout);
        this.secret = Objects.requireNonNull(secret, "secret");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    Map<String, Object> payload(Notice n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", n.kind());
        body.put("title", n.title());
        body.put("why", n.why());
        body.put("subject", n.subject());
        body.put("actionId", n.actionId());
        body.put("link", n.link());
        body.put("ledgerSeq", n.ledgerSeq());
        body.put("time", n.time().toString());
        return body;
    }

    @Override
    Map<String, String> headers(String body, Notice notice) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        return Map.of("X-Itdr-Timestamp", timestamp, "X-Itdr-Signature", "sha256=" + sign(secret, timestamp + "." + body),
                "X-Itdr-Delivery", Long.toString(notice.ledgerSeq()));
    }

    /** Hex HMAC-SHA256 of {@code message} with the secret: what a receiver recomputes. */
    static String sign(Secret secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}

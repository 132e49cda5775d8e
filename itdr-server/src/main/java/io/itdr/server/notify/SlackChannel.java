package io.itdr.server.notify;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Slack incoming webhook: {@code POST} of {@code {"text": …, "blocks": [...]}}; Slack answers 200 {@code ok}, 4xx with a
 * reason ({@code invalid_payload}, {@code no_service}) and 429 with {@code Retry-After}
 * (https://api.slack.com/messaging/webhooks, https://api.slack.com/apis/rate-limits).
 */
final class SlackChannel extends HttpChannel {
    SlackChannel(URI url, Duration timeout) {
        super(url, timeout);
    }

    @Override
    public String name() {
        return "slack";
    }

    @Override
    Map<String, Object> payload(Notice n) {
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "section", "text", Map.of("type", "plain_text", "text", n.title())));
        if (n.why() != null && !n.why().isBlank()) {
            blocks.add(Map.of("type", "section", "text", Map.of("type", "plain_text", "text", "Why: " + n.why())));
        }
        if (n.link() != null) {
            blocks.add(Map.of("type", "actions", "elements", List.of(Map.of("type", "button",
                    "text", Map.of("type", "plain_text", "text", "Open in itdr"), "url", n.link()))));
        }
        // text is the fallback shown in notifications and by clients without blocks
        return Map.of("text", n.text(), "blocks", blocks);
    }
}

package io.itdr.server.notify;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Teams incoming webhook (a Workflows "post to a channel when a webhook request is received" flow): a message
 * whose attachment is an Adaptive Card; the flow answers 202 Accepted
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook,
 * card schema https://adaptivecards.io/explorer/).
 */
final class TeamsChannel extends HttpChannel {
    TeamsChannel(URI url, Duration timeout) {
        super(url, timeout);
    }

    @Override
    public String name() {
        return "teams";
    }

    @Override
    Map<String, Object> payload(Notice n) {
        List<Object> body = new ArrayList<>();
        body.add(Map.of("type", "TextBlock", "text", n.title(), "weight", "Bolder", "wrap", true));
        if (n.why() != null && !n.why().isBlank()) {
            body.add(Map.of("type", "TextBlock", "text", "Why: " + n.why(), "wrap", true));
        }
        Map<String, Object> card = new HashMap<>();
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("type", "AdaptiveCard");
        card.put("version", "1.4");
        card.put("body", body);
        if (n.link() != null) {
            card.put("actions", List.of(Map.of("type", "Action.OpenUrl", "title", "Open in itdr", "url", n.link())));
        }
        Map<String, Object> attachment = new HashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        return Map.of("type", "message", "attachments", List.of(attachment));
    }
}

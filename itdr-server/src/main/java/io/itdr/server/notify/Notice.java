package io.itdr.server.notify;

import java.time.Instant;
import java.util.Objects;

/**
 * Something a person should know about: an action held for approval, a budget breaker tripped, a containment that failed,
 * a rollback blocked by drift. Built from the ledger entry that recorded it.
 *
 * @param kind      {@code action_held}, {@code breaker_tripped}, {@code containment_failed},
 *                  {@code containment_partial} or {@code rollback_blocked}
 * @param title     what happened, one line
 * @param why       why, in the engine's words (already escaped for logs and chat)
 * @param subject   the identity concerned
 * @param actionId  the action concerned; null for a breaker
 * @param link      where to look (the action, or the automation page); null without {@code itdr.notifications.link-base}
 * @param ledgerSeq the ledger entry that recorded it
 * @param time      when it was recorded
 */
public record Notice(String kind, String title, String why, String subject, String actionId, String link, long ledgerSeq,
                     Instant time) {
    public Notice {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(time, "time");
    }

    /** The message as plain text: what, why and where to look. */
    public String text() {
        StringBuilder text = new StringBuilder(title);
        if (why != null && !why.isBlank()) {
            text.append("\nWhy: ").append(why);
        }
        if (link != null) {
            text.append("\nOpen: ").append(link);
        }
        return text.toString();
    }
}

package io.itdr.core.pipeline;

import java.util.Objects;

/**
 * How a batch of events reached the engine: read from the platform by a poller (the platform is
 * its witness), or pushed to the server by somebody (an API token, a platform's event hook), who is
 * then named in every ledger entry the events lead to. Immutable.
 *
 * @param pushed whether the events were pushed
 * @param by     who pushed them ({@code alice/token:ci}, {@code hook:aws}); null for polled events
 */
public record Origin(boolean pushed, String by) {
    /** Read from the platform by the connector's own poller (or replayed from a file by an operator). */
    public static final Origin POLLED = new Origin(false, null);

    public Origin {
        if (pushed) {
            Objects.requireNonNull(by, "by");
            if (by.isBlank()) {
                throw new IllegalArgumentException("a pushed batch names who pushed it");
            }
        } else if (by != null) {
            throw new IllegalArgumentException("a polled batch has no pusher");
        }
    }

    /** Pushed by {@code by}. */
    public static Origin pushedBy(String by) {
        return new Origin(true, by);
    }

    /** "polled" or "pushed": the finding attribute {@code origin}. */
    public String label() {
        return pushed ? "pushed" : "polled";
    }
}

package io.itdr.server.notify;

import java.time.Duration;

/** One way of telling people: Slack, Teams, a signed webhook, email. Implementations are called from one thread. */
interface Channel {
    /** {@code slack}, {@code teams}, {@code webhook}, {@code email}: the metric tag and the health detail. */
    String name();

    /** Delivers one notice, or throws. */
    void send(Notice notice) throws DeliveryException;

    /** A delivery that did not succeed; {@code retryAfter} is the receiver's own wait (429), or null. */
    final class DeliveryException extends Exception {
        private final transient Duration retryAfter;
        private final boolean permanent;

        DeliveryException(String message, Duration retryAfter, boolean permanent) {
            super(message);
            this.retryAfter = retryAfter;
            this.permanent = permanent;
        }

        Duration retryAfter() {
            return retryAfter;
        }

        /** A receiver's 4xx other than 408 and 429: trying again cannot help. */
        boolean permanent() {
            return permanent;
        }
    }
}

package io.itdr.connector.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that stands still until the kit moves it, so checks can let time pass (an action held
 * for approval, then approved) without sleeping. Thread-safe; always in UTC.
 */
public final class TestingClock extends Clock {
    private Instant now;

    /** @param start the instant the clock stands at; never null */
    public TestingClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** Moves the clock forward by {@code by}; never null, not negative. */
    public synchronized void advance(Duration by) {
        if (Objects.requireNonNull(by, "by").isNegative()) {
            throw new IllegalArgumentException("a clock only moves forward: " + by);
        }
        now = now.plus(by);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("the kit's clock is in UTC only");
    }

    @Override
    public String toString() {
        return "TestingClock[" + instant() + "]";
    }
}

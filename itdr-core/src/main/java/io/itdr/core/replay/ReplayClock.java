package io.itdr.core.replay;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that reads the time of the event being replayed, so that windows (budgets,
 * escalation, approvals) run on the telemetry's time, as they did when it happened, not on the
 * wall clock of the replay. Set by the replay loop (and by harnesses that drive the pipeline
 * themselves); it never goes back. Not thread-safe.
 */
public final class ReplayClock extends Clock {
    private Instant now;

    public ReplayClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock to {@code instant}; an earlier instant leaves it where it is. */
    public void set(Instant instant) {
        if (instant.isAfter(now)) {
            now = instant;
        }
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}

package io.itdr.bench;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that reads the time of the newest event processed, as replay's clock does, so budgets
 * and escalation windows run on the telemetry's time. Set by the loop that feeds the pipeline;
 * not thread-safe.
 */
final class EventTimeClock extends Clock {
    private Instant now;

    EventTimeClock(Instant start) {
        this.now = start;
    }

    void set(Instant instant) {
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

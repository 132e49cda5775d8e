package io.itdr.core.replay;

import io.itdr.core.pipeline.Intake;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.spi.event.IdentityEvent;
import java.util.Objects;
import java.util.function.Consumer;

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

    /**
     * An intake observer that moves this clock to each event's time before the event is processed
     * and hands each outcome to {@code outcomes}: how a replay, a dry-run or a benchmark drives the
     * engine's {@link Intake} on the telemetry's time.
     */
    public Intake.Observer following(Consumer<Pipeline.Outcome> outcomes) {
        Objects.requireNonNull(outcomes, "outcomes");
        return new Intake.Observer() {
            @Override
            public void before(IdentityEvent event) {
                set(event.time());
            }

            @Override
            public void outcome(String connectorId, Pipeline.Outcome outcome) {
                outcomes.accept(outcome);
            }
        };
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

package io.itdr.server.schedule;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.ResponseEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * The engine's housekeeping: at start-up, before any connector is polled, and every 30 seconds
 * after, actions a crash (or a timeout) left executing or unknown are settled by reading the
 * platform (never executed again), lapsed approval requests expire, and quarantines whose time ran
 * out unconfirmed are restored.
 */
@Component
public class Housekeeping {
    /** Runs first among the jobs started when the server is ready. */
    static final int ORDER = 0;
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    private static final Duration EVERY = Duration.ofSeconds(30);

    private final ResponseEngine engine;
    private final TaskScheduler scheduler;
    private final Clock clock;

    public Housekeeping(ResponseEngine engine, TaskScheduler scheduler, Clock clock) {
        this.engine = engine;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(ORDER)
    public void start() {
        reconcile();
        scheduler.scheduleWithFixedDelay(this::run, clock.instant().plus(EVERY), EVERY);
    }

    private void run() {
        reconcile();
        try {
            List<String> changed = new ArrayList<>();
            List<ActionRecord> records = new ArrayList<>(engine.coordinator().expireDue());
            records.addAll(engine.expiry().restoreDue());
            records.forEach(record -> changed.add(record.id() + " → " + record.state().label()));
            if (!changed.isEmpty()) {
                LOG.info("housekeeping: {}", changed);
            }
        } catch (RuntimeException e) {
            LOG.error("housekeeping failed", e);
        }
    }

    private void reconcile() {
        try {
            engine.coordinator().reconcilePending()
                    .forEach(record -> LOG.info("action {} reconciled: {}", Printable.escape(record.id()), record.state().label()));
        } catch (RuntimeException e) {
            LOG.error("reconciling pending actions failed", e);
        }
    }
}

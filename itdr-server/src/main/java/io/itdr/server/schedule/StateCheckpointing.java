package io.itdr.server.schedule;

import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.config.StateSettings;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Writes the identities' detector state to the database every {@code itdr.state.checkpoint-interval}
 * and once more when the server stops: as a lifecycle of phase 0, it stops after the web server
 * and the scheduler (higher phases stop first), so no event is processed after the last checkpoint
 * of an orderly shutdown. (The engine also checkpoints every {@code itdr.state.checkpoint-events}
 * events.) Budgets, breakers, escalation history and incidents need none of this: they are written
 * after every decision. Thread-safe.
 */
@Component
public class StateCheckpointing implements SmartLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(StateCheckpointing.class);

    private final ResponseEngine engine;
    private final StateSettings settings;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private volatile boolean running;

    public StateCheckpointing(ResponseEngine engine, StateSettings settings, TaskScheduler scheduler, Clock clock) {
        this.engine = engine;
        this.settings = settings;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void schedule() {
        ResponseEngine.RestoredState restored = engine.restored();
        LOG.info("state restored: detector state of {} identities, {} budget keys ({} breakers tripped), escalation history of {} "
                        + "identities, {} open incidents; {} unreadable entries skipped; detector state checkpointed every {} and {} events",
                restored.detection().identities(), restored.governance().budgetKeys(), restored.governance().breakers(),
                restored.governance().escalation(), restored.governance().incidents(),
                restored.detection().unreadable() + restored.governance().unreadable(), settings.checkpointInterval(),
                settings.checkpointEvents());
        scheduler.scheduleWithFixedDelay(this::checkpoint, clock.instant().plus(settings.checkpointInterval()),
                settings.checkpointInterval());
    }

    /** Writes the detector state changed since the last checkpoint; the number of identities written, -1 when it failed. */
    public int checkpoint() {
        try {
            int written = engine.checkpointDetectors();
            LOG.debug("detector state checkpoint: {} identities", written);
            return written;
        } catch (RuntimeException e) {
            LOG.error("the detector state checkpoint could not be written (it is retried at the next one)", e);
            return -1;
        }
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        int written = checkpoint();
        LOG.info("detector state checkpoint at shutdown: {} identities", written);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return 0;
    }
}

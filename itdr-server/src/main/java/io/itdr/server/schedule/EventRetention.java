package io.itdr.server.schedule;

import io.itdr.server.config.ItdrProperties;
import io.itdr.server.store.JdbcEventStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/** Deletes accepted events older than {@code itdr.events.keep} every hour; findings, decisions and the ledger stay. */
@Component
public class EventRetention {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);
    private static final Duration EVERY = Duration.ofHours(1);

    private final JdbcEventStore events;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final Duration keep;

    public EventRetention(JdbcEventStore events, TaskScheduler scheduler, Clock clock, ItdrProperties properties) {
        this.events = events;
        this.scheduler = scheduler;
        this.clock = clock;
        this.keep = properties.events().keep();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        scheduler.scheduleWithFixedDelay(this::run, EVERY);
    }

    private void run() {
        try {
            int deleted = events.deleteReceivedBefore(clock.instant().minus(keep));
            if (deleted > 0) {
                LOG.info("{} events older than {} deleted", deleted, keep);
            }
        } catch (RuntimeException e) {
            LOG.error("expiring old events failed", e);
        }
    }
}

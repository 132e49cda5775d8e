package io.itdr.server.schedule;

import io.itdr.core.audit.LedgerCheckpoint;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerHead;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.query.LedgerQueries;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Signs a checkpoint of the ledger's head when the server is ready, every
 * {@code itdr.ledger.checkpoint.interval} after, and when it shuts down, into the directory the
 * operator chose ({@code itdr.ledger.checkpoint.dir}); a checkpoint is written only when the head
 * moved. Does nothing when checkpoints are off. Thread-safe.
 */
@Component
public class LedgerCheckpointing {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerCheckpointing.class);

    private final LedgerQueries ledger;
    private final ObjectProvider<LedgerCheckpoints> checkpoints;
    private final Duration interval;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private LedgerHead written;

    public LedgerCheckpointing(LedgerQueries ledger, ObjectProvider<LedgerCheckpoints> checkpoints, ItdrProperties properties,
                               TaskScheduler scheduler, Clock clock) {
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.interval = properties.ledger().checkpoint().interval();
        this.scheduler = scheduler;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        if (checkpoints.getIfAvailable() == null) {
            return;
        }
        checkpoint();
        scheduler.scheduleWithFixedDelay(this::checkpoint, clock.instant().plus(interval), interval);
    }

    @EventListener(ContextClosedEvent.class)
    public void stop() {
        if (checkpoints.getIfAvailable() != null) {
            checkpoint();
        }
    }

    /** Writes a checkpoint of the current head unless it is the one written last; empty when none was written. */
    public synchronized Optional<LedgerCheckpoint> checkpoint() {
        LedgerCheckpoints target = checkpoints.getIfAvailable();
        if (target == null) {
            return Optional.empty();
        }
        try {
            Optional<LedgerHead> head = ledger.last().map(LedgerHead::of);
            if (head.isEmpty() || head.get().equals(written)) {
                return Optional.empty();
            }
            LedgerCheckpoint checkpoint = target.write(head.get(), clock.instant());
            written = head.get();
            LOG.debug("ledger checkpoint: entry {} {}", checkpoint.seq(), checkpoint.hash());
            return Optional.of(checkpoint);
        } catch (RuntimeException e) {
            LOG.error("the ledger checkpoint could not be written", e);
            return Optional.empty();
        }
    }
}

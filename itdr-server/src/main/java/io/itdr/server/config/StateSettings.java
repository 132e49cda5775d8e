package io.itdr.server.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the engine's detector state is checkpointed to the database ({@code itdr.state.*}). Budgets,
 * breakers, escalation history and incidents are written through after every decision and need no
 * setting; the identities' detector state (learned baselines) is written at these moments and on
 * shutdown.
 *
 * @param checkpointInterval time between checkpoints of detector state
 * @param checkpointEvents   events between checkpoints of detector state (0: by time and on shutdown only)
 */
@ConfigurationProperties("itdr.state")
public record StateSettings(@DefaultValue("1m") Duration checkpointInterval, @DefaultValue("10000") int checkpointEvents) {
    public StateSettings {
        if (checkpointInterval.isZero() || checkpointInterval.isNegative()) {
            throw new IllegalArgumentException("itdr.state.checkpoint-interval must be positive, not " + checkpointInterval);
        }
        if (checkpointEvents < 0) {
            throw new IllegalArgumentException("itdr.state.checkpoint-events must be 0 or more, not " + checkpointEvents);
        }
    }
}

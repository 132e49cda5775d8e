package io.itdr.core.pipeline;

import io.itdr.spi.telemetry.FindingConfirmer;
import java.util.Optional;

/**
 * Who can confirm a platform's finding with that platform, by platform id (the server asks its
 * running connectors, {@link io.itdr.spi.Connector#findingConfirmer()}). Thread-safe.
 */
@FunctionalInterface
public interface Confirmers {
    /** Nobody confirms anything: every pushed platform finding stays unconfirmed. */
    Confirmers NONE = platform -> Optional.empty();

    Optional<FindingConfirmer> forPlatform(String platform);
}

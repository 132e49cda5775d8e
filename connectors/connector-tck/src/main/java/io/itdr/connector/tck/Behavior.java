package io.itdr.connector.tck;

import io.itdr.spi.Capability;
import java.util.Optional;

/**
 * What a connector's test declares the connector does, in the manner of Trino's
 * {@code TestingConnectorBehavior}. The kit checks both halves: a declared behaviour must work;
 * an undeclared capability must refuse with the standard {@code NOT_SUPPORTED} error (and the
 * declaration must match what the connector itself reports, so nothing goes untested).
 */
public enum Behavior {
    /** {@link Capability#TELEMETRY_POLL}: polls telemetry from a cursor. */
    TELEMETRY_POLL(Capability.TELEMETRY_POLL),
    /** {@link Capability#TELEMETRY_NORMALIZE}: normalizes pushed raw payloads. */
    TELEMETRY_NORMALIZE(Capability.TELEMETRY_NORMALIZE),
    /** {@link Capability#INVENTORY}: lists identities with their credentials. */
    INVENTORY(Capability.INVENTORY),
    /** {@link Capability#ACTIONS}: plans, executes, verifies and reverts the rungs it lists. */
    ACTIONS(Capability.ACTIONS),
    /** {@link io.itdr.spi.ConnectorFactory#exportNormalizer()} is present: exports replay offline. */
    EXPORT_NORMALIZER(null),
    /** {@link io.itdr.spi.Connector#checkHealth()} calls the platform and reports its failures. */
    HEALTH_CHECK(null);

    private final Capability capability;

    Behavior(Capability capability) {
        this.capability = capability;
    }

    /** The SPI capability this behaviour stands for; empty for behaviours that are not capabilities. */
    public Optional<Capability> capability() {
        return Optional.ofNullable(capability);
    }
}

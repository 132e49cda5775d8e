package io.itdr.spi;

/**
 * What a connector declares it can do. The host only calls a capability the connector declares;
 * a connector that is asked for anything else answers with
 * {@link ConnectorException#notSupported(String, String)}. The connector test kit checks both
 * halves: declared → works, not declared → refuses with the standard error.
 */
public enum Capability {
    /** {@link Connector#telemetry()}: poll identity telemetry from a persisted cursor. */
    TELEMETRY_POLL,
    /** {@link Connector#normalizer()}: normalize pushed raw payloads (webhooks, log exports). */
    TELEMETRY_NORMALIZE,
    /** {@link Connector#inventory()}: list identities, credentials, owners and consumers. */
    INVENTORY,
    /** {@link Connector#actions()}: plan, execute, verify and revert containment actions. */
    ACTIONS
}

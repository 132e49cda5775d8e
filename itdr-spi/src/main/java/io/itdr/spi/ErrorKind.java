package io.itdr.spi;

/**
 * Broad class of a {@link ConnectorException}: tells the host whether to retry, alert an
 * operator, or give up on one item and go on.
 */
public enum ErrorKind {
    /** The operator's configuration is wrong; nothing works until it is fixed. Terminal. */
    CONFIGURATION,
    /** The connector does not offer this capability or action. Terminal. */
    NOT_SUPPORTED,
    /** The platform refused the connector's credentials or permissions. Terminal. */
    ACCESS,
    /** The platform is throttling, failing (5xx) or timing out. Retriable. */
    TRANSIENT,
    /** The platform answered with something the connector could not read. Terminal for that call. */
    MALFORMED,
    /** The request conflicts with the platform's current state (drift, missing object). Terminal. */
    STATE,
    /** A bug or an unexpected condition inside the connector. Terminal. */
    INTERNAL
}

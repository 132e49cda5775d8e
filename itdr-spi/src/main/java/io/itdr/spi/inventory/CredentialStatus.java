package io.itdr.spi.inventory;

/** Lifecycle state of a credential on the platform. */
public enum CredentialStatus {
    ACTIVE,
    INACTIVE,
    EXPIRED,
    REVOKED,
    UNKNOWN
}

package io.itdr.spi.event;

/** What kind of identity activity an {@link IdentityEvent} records. */
public enum EventCategory {
    /** A sign-in, token issuance or role assumption (AssumeRole, client-credentials grant). */
    AUTHENTICATION,
    /** Use of a credential or session to call a platform API. */
    API_CALL,
    /** A change of the identity's entitlements (policy attached, role granted, scope added). */
    PRIVILEGE_CHANGE,
    /** A credential created, rotated, activated, deactivated or deleted. */
    CREDENTIAL_CHANGE,
    /** The identity itself created, enabled, disabled or deleted. */
    IDENTITY_CHANGE,
    /** A finding raised by the platform's own detection (GuardDuty, Okta ThreatInsight, Entra risk). */
    PLATFORM_FINDING,
    /** Anything else worth keeping. */
    OTHER
}

package io.itdr.spi.telemetry;

import io.itdr.spi.event.IdentityEvent;

/**
 * Asks the platform whether a finding it supposedly raised exists as reported (for GuardDuty:
 * GetFindings by the finding's id). The host calls it before a disruptive rung on a finding that
 * was pushed to it rather than read from the platform, because anybody able to push can invent a
 * finding; the policy sees the answer ({@code finding.attributes.platform_confirmed}). Since SPI 1.2.
 *
 * <p>Thread-safe: the host may confirm several findings at once. Read-only: it never changes the
 * platform.
 */
@FunctionalInterface
public interface FindingConfirmer {

    /**
     * Reads the platform's own copy of the finding carried by {@code event}.
     *
     * @param event a {@link io.itdr.spi.event.EventCategory#PLATFORM_FINDING} event this connector
     *              normalized; never null
     * @return never null; {@link Confirmation.Status#UNAVAILABLE} when the platform could not be
     *         asked (the host treats that as not confirmed)
     */
    Confirmation confirm(IdentityEvent event);
}

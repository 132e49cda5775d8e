package io.itdr.spi.action;

import java.util.Locale;

/**
 * The response ladder, ordered from least to most disruptive (DESIGN §4). A policy names a rung;
 * a connector maps it to platform calls. {@code hold} is not a rung but an outcome of a decision.
 */
public enum Rung {
    /** Record only. */
    OBSERVE,
    /** Tell the owner or a channel. */
    NOTIFY,
    /** Raise monitoring of the identity for a window. */
    MONITOR,
    /** Force re-authentication: shorten or invalidate issued tokens. Typically compensable. */
    STEP_UP,
    /** Revoke live sessions or tokens, keep the credential. Typically compensable. */
    QUARANTINE_SESSION,
    /** Deactivate one key or secret. Typically reversible. */
    DISABLE_CREDENTIAL,
    /** Issue a new credential and deactivate the old. Typically compensable. */
    ROTATE_CREDENTIAL,
    /** Disable the principal or attach a deny-all policy. Typically reversible. */
    DISABLE_IDENTITY;

    /** The name used in policies and reports: lower-case with underscores ("quarantine_session"). */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The rung a policy name stands for.
     *
     * @throws IllegalArgumentException naming the accepted values when the name is unknown
     */
    public static Rung fromPolicyName(String name) {
        for (Rung r : values()) {
            if (r.policyName().equals(name)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown rung '" + name + "'; expected one of " + java.util.Arrays.stream(values()).map(Rung::policyName).toList());
    }

    /** Observe, notify and monitor change nothing on the platform; the kill switch lets them through. */
    public boolean isObserving() {
        return ordinal() <= MONITOR.ordinal();
    }

    /** Whether this rung changes the platform: step_up and above, carried out by a connector. */
    public boolean changesPlatform() {
        return !isObserving();
    }

    /**
     * Whether this rung can interrupt a workload: quarantine_session and above. Budgets count
     * these, and replay reports them as disruptive.
     */
    public boolean isDisruptive() {
        return ordinal() >= QUARANTINE_SESSION.ordinal();
    }

    public boolean isAbove(Rung other) {
        return ordinal() > other.ordinal();
    }

    public static Rung lower(Rung a, Rung b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }
}

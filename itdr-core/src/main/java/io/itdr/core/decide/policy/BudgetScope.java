package io.itdr.core.decide.policy;

import java.util.Locale;

/** What a budget counts disruptive actions per. */
public enum BudgetScope {
    /** One counter for the whole estate. */
    GLOBAL,
    /** One counter per platform (connector id). */
    PLATFORM,
    /** One counter per identity owner; identities without an owner share one counter. */
    OWNER;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

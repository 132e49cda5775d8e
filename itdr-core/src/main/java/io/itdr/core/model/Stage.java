package io.itdr.core.model;

import java.util.Locale;

/** The three stages of response, each audited separately (DESIGN §6). */
public enum Stage {
    DETECTION, CONTAINMENT, RECOVERY;

    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

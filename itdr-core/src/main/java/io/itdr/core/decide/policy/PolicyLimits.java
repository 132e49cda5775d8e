package io.itdr.core.decide.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * How much work loading one policy may cost, so that validating a hostile or careless policy
 * cannot occupy the machine: its size, how many rules (and custom guardrails) it holds, and how long
 * compiling its CEL conditions may take, per condition and in total. A policy over a limit is
 * refused with a problem that names the limit. Immutable.
 *
 * @param maxBytes              the policy's size in bytes (UTF-8 as sent or stored); at least 1
 * @param maxRules              containment rules, and separately custom guardrails; at least 1
 * @param maxCompilePerCondition the longest one condition may take to parse, type-check and plan; positive
 * @param maxCompileTotal       the longest all conditions together may take; compiling stops there; positive
 */
public record PolicyLimits(long maxBytes, int maxRules, Duration maxCompilePerCondition, Duration maxCompileTotal) {
    /** 1 MiB, 1,000 rules, 1 s per condition, 10 s in total: the shipped default policy needs a few milliseconds. */
    public static final PolicyLimits DEFAULTS = new PolicyLimits(1024 * 1024, 1000, Duration.ofSeconds(1), Duration.ofSeconds(10));

    public PolicyLimits {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, not " + maxBytes);
        }
        if (maxRules < 1) {
            throw new IllegalArgumentException("maxRules must be at least 1, not " + maxRules);
        }
        positive(maxCompilePerCondition, "maxCompilePerCondition");
        positive(maxCompileTotal, "maxCompileTotal");
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }
}

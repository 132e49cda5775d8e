package io.itdr.core.decide.policy;

import java.util.Objects;

/**
 * An operator's guardrail: when its condition holds, the intended rung is held. Evaluated after
 * the built-ins, in file order. A runtime error makes it fire (fail safe). Immutable.
 *
 * @param id             unique among guardrails, never a built-in id; never null
 * @param description    for people; never null (empty when not given)
 * @param when           compiled CEL over finding, identity, event and action; never null
 * @param allowIsolation whether the session may still be isolated while the hold waits (default false)
 */
public record CustomGuardrail(String id, String description, Condition when, boolean allowIsolation) {
    public CustomGuardrail {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(when, "when");
    }
}

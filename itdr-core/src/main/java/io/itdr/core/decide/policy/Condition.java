package io.itdr.core.decide.policy;

import dev.cel.runtime.CelRuntime;
import java.util.Map;
import java.util.Objects;

/**
 * A CEL {@code when} expression of a policy, parsed, type-checked as bool and planned once at
 * load. Immutable and thread-safe: CEL programs hold no evaluation state.
 *
 * <p>Evaluation is sandboxed by CEL itself (no I/O, no reflection, bounded comprehensions); any
 * failure (a missing map key, an overflow, a bad regex at runtime) surfaces as a
 * {@link ConditionException}, never as an unchecked exception, so the engine can apply its
 * fail-open (rules) or fail-safe (guardrails) choice.
 */
public final class Condition {
    private final String text;
    private final int line;
    private final CelRuntime.Program program;

    Condition(String text, int line, CelRuntime.Program program) {
        this.text = Objects.requireNonNull(text, "text");
        this.line = line;
        this.program = Objects.requireNonNull(program, "program");
    }

    /** The expression as written, whitespace collapsed for one-line reasons. */
    public String text() {
        return text;
    }

    /** The 1-based line of the expression in the policy file. */
    public int line() {
        return line;
    }

    /**
     * Evaluates against an activation built with {@link PolicyVariables}.
     *
     * @throws ConditionException when evaluation fails; the message says why
     */
    public boolean evaluate(Map<String, ?> activation) throws ConditionException {
        Object result;
        try {
            result = program.eval(activation);
        } catch (dev.cel.runtime.CelEvaluationException e) {
            throw new ConditionException(e.getMessage(), e);
        } catch (RuntimeException e) {
            // CEL is sandboxed, but a host-side surprise must still not escape a decision.
            throw new ConditionException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        if (result instanceof Boolean b) {
            return b;
        }
        throw new ConditionException("expression returned " + (result == null ? "null" : result.getClass().getSimpleName()) + ", not bool", null);
    }

    @Override
    public String toString() {
        return text;
    }

    /** A {@code when} expression failed at runtime. */
    public static final class ConditionException extends Exception {
        ConditionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
